import {
  BUDGET_DEFAULTS,
  budgetViolations,
  computeBudgets,
  describeCost,
  formatPercent,
  formatRate,
  secretCosts,
} from '../../config';
import { catalogue, dataKeys } from '../util/catalogue-spec';

const known = () =>
  catalogue({
    defaults: { refreshInterval: '1h' },
    budget: { assumedVaultSecrets: 60, assumedFindMatches: 4 },
    secrets: [
      { name: 'hourly', namespace: 'airflow', store: 'kv', data: dataKeys(3) },
      {
        name: 'fast',
        namespace: 'airflow',
        store: 'kv',
        refreshInterval: '10s',
        data: dataKeys(2),
        dataFrom: [{ extract: { key: 'json-blob' } }],
      },
      { name: 'pattern', namespace: 'data', store: 'kv', refreshInterval: '1m', dataFrom: [{ find: { name: '^var-' } }] },
      { name: 'on-change', namespace: 'data', store: 'kv', refreshPolicy: 'OnChange', data: dataKeys(5) },
      { name: 'once', namespace: 'data', store: 'kv', refreshInterval: '0', data: dataKeys(1) },
    ],
  });

describe('secretCosts', () => {
  test('counts GETs for data and extract, list pages and matches for find', () => {
    const costs = secretCosts(known());
    expect(costs.map((c) => [c.secret, c.keyGets, c.findLists, c.findGets, c.perSync])).toEqual([
      ['airflow/hourly', 3, 0, 0, 3],
      ['airflow/fast', 3, 0, 0, 3],
      // ceil(60 / 25) = 3 list pages, plus 4 assumed matches.
      ['data/pattern', 0, 3, 4, 7],
      ['data/on-change', 5, 0, 0, 5],
      ['data/once', 1, 0, 0, 1],
    ]);
  });

  test('spreads each sync over its refresh interval; OnChange and 0 cost nothing between changes', () => {
    const steady = secretCosts(known()).map((c) => c.steadyPer10s);
    expect(steady[0]).toBeCloseTo(30 / 3600, 10);
    expect(steady[1]).toBe(3);
    expect(steady[2]).toBeCloseTo(70 / 60, 10);
    expect(steady[3]).toBe(0);
    expect(steady[4]).toBe(0);
  });

  test('takes assumptions from the arguments over the catalogue', () => {
    const [, , pattern] = secretCosts(known(), { vaultSecrets: 26, findMatches: 0 });
    expect([pattern!.findLists, pattern!.findGets]).toEqual([2, 0]);
  });

  test('a shared secret costs once per namespace its ClusterExternalSecret reaches', () => {
    const env = catalogue({
      defaults: { refreshInterval: '10s' },
      secrets: [{ name: 'own', namespace: 'airflow', store: 'kv', data: dataKeys(1) }],
      sharedSecrets: [{ name: 'smtp', namespaces: ['airflow', 'data'], store: 'kv', data: dataKeys(2) }],
    });
    expect(secretCosts(env).map((c) => [c.secret, c.path.join('.'), c.perSync, c.steadyPer10s])).toEqual([
      ['airflow/own', 'secrets.0', 1, 1],
      ['airflow/smtp', 'operations.sharedSecrets.0', 2, 2],
      ['data/smtp', 'operations.sharedSecrets.0', 2, 2],
    ]);
    expect(computeBudgets([env])[0]!.burst).toBe(5);
  });

  test('an empty vault still costs one list page', () => {
    const [, , pattern] = secretCosts(known(), { vaultSecrets: 0 });
    expect(pattern!.findLists).toBe(1);
  });
});

describe('computeBudgets', () => {
  test('adds up steady state and burst per vault against 4,000 per 10 s', () => {
    const [b] = computeBudgets([known()]);
    expect(b!.vault).toBe('kv-test');
    expect(b!.vaultUrl).toBe('https://kv-test.vault.azure.net/');
    expect(b!.limit).toBe(4000);
    expect(b!.steadyPer10s).toBeCloseTo(30 / 3600 + 3 + 70 / 60, 10);
    expect(b!.burst).toBe(19);
    expect(b!.steadyPercent).toBeCloseTo(((30 / 3600 + 3 + 70 / 60) / 4000) * 100, 10);
    expect(b!.burstPercent).toBeCloseTo((19 / 4000) * 100, 10);
    expect(b!.secrets.map((s) => s.secret)).toEqual(['airflow/fast', 'data/pattern', 'airflow/hourly', 'data/on-change', 'data/once']);
    expect([b!.overSteadyState, b!.overBurst]).toEqual([false, false]);
    expect(budgetViolations(b!)).toEqual([]);
  });

  test('defaults: 25% steady state, 100% burst, 100 secrets in the vault, 10 matches per find', () => {
    const env = catalogue({ secrets: [{ name: 'p', namespace: 'airflow', store: 'kv', dataFrom: [{ find: { tags: { team: 'x' } } }] }] });
    expect(env.budget).toEqual(BUDGET_DEFAULTS);
    const [b] = computeBudgets([env]);
    expect(b!.burst).toBe(4 + 10);
    expect([b!.maxSteadyStatePercent, b!.maxBurstPercent, b!.vaultSecrets, b!.findMatches]).toEqual([25, 100, 100, 10]);
  });

  test('environments sharing a vault add up under the strictest threshold', () => {
    const a = catalogue({ environment: 'a', vault: 'kv-shared', budget: { maxSteadyStatePercent: 40 }, secrets: [{ name: 's', namespace: 'airflow', store: 'kv', refreshInterval: '10s', data: dataKeys(10) }] });
    const b = catalogue({ environment: 'b', vault: 'kv-shared', budget: { maxSteadyStatePercent: 10 }, secrets: [{ name: 's', namespace: 'airflow', store: 'kv', refreshInterval: '10s', data: dataKeys(30) }] });
    const c = catalogue({ environment: 'c', vault: 'kv-other', secrets: [{ name: 's', namespace: 'airflow', store: 'kv', data: dataKeys(1) }] });
    const budgets = computeBudgets([a, b, c]);
    expect(budgets.map((x) => [x.vault, x.environments, x.steadyPer10s, x.maxSteadyStatePercent])).toEqual([
      ['kv-shared', ['a', 'b'], 40, 10],
      ['kv-other', ['c'], 10 / 3600, 25],
    ]);
  });

  test('fails when the steady state exceeds maxSteadyStatePercent, naming the costliest secrets first', () => {
    // 3 x (400 list pages + 100 matches) every 10 s = 1,500 per 10 s = 37.5% of 4,000.
    const find = (name: string) => ({ name, namespace: 'airflow', store: 'kv', refreshInterval: '10s', dataFrom: [{ find: { name: `^${name}-` } }] });
    const env = catalogue({
      budget: { assumedVaultSecrets: 10000, assumedFindMatches: 100 },
      secrets: [find('a'), find('b'), find('c'), { name: 'small', namespace: 'airflow', store: 'kv', data: dataKeys(1) }],
    });
    const [b] = computeBudgets([env]);
    expect(b!.steadyPer10s).toBeCloseTo(1500 + 10 / 3600, 10);
    const violations = budgetViolations(b!, 2);
    expect(violations).toHaveLength(1);
    expect(violations[0]!.threshold).toBe('maxSteadyStatePercent');
    expect(violations[0]!.message).toBe(
      "vault kv-test (test): steady state 1,500 requests per 10 s is 37.5% of Key Vault's 4,000 requests per 10 s per vault, above budget.maxSteadyStatePercent 25%; raise the refreshInterval of the costliest secrets, use refreshPolicy OnChange, narrow dataFrom.find, or raise budget.maxSteadyStatePercent",
    );
    expect(violations[0]!.costliest.map((c) => c.secret)).toEqual(['airflow/a', 'airflow/b']);
    // Secrets below 5% of the total are not worth naming.
    expect(budgetViolations(b!)[0]!.costliest.map((c) => c.secret)).toEqual(['airflow/a', 'airflow/b', 'airflow/c']);
    expect(describeCost(violations[0]!.costliest[0]!)).toBe(
      'airflow/a: 0 GETs + 400 list pages + 100 matched GETs = 500 per sync every 10s = 500 per 10 s',
    );
  });

  test('stays within budget at exactly the threshold', () => {
    const find = (name: string) => ({ name, namespace: 'airflow', store: 'kv', refreshInterval: '10s', dataFrom: [{ find: { name: `^${name}-` } }] });
    const env = catalogue({ budget: { assumedVaultSecrets: 10000, assumedFindMatches: 100 }, secrets: [find('a'), find('b')] });
    const [b] = computeBudgets([env]);
    expect(b!.steadyPercent).toBe(25);
    expect(budgetViolations(b!)).toEqual([]);
  });

  test('fails when one full reconcile exceeds maxBurstPercent, naming the costliest secrets per sync', () => {
    const env = catalogue({
      budget: { maxBurstPercent: 1 },
      secrets: [
        { name: 'big', namespace: 'airflow', store: 'kv', refreshPolicy: 'CreatedOnce', data: dataKeys(30) },
        { name: 'medium', namespace: 'airflow', store: 'kv', refreshPolicy: 'OnChange', data: dataKeys(15) },
      ],
    });
    const [b] = computeBudgets([env]);
    expect([b!.steadyPer10s, b!.burst]).toEqual([0, 45]);
    const [v] = budgetViolations(b!);
    expect(v!.threshold).toBe('maxBurstPercent');
    expect(v!.message).toContain('a controller restart sends 45 requests at once, 1.13% of');
    expect(v!.message).toContain('above budget.maxBurstPercent 1%');
    expect(v!.costliest.map((c) => c.secret)).toEqual(['airflow/big', 'airflow/medium']);
    expect(describeCost(v!.costliest[0]!)).toBe('airflow/big: 30 GETs = 30 per sync, CreatedOnce: no steady-state cost');
  });
});

test('formats rates and shares readably', () => {
  expect([formatRate(0), formatRate(0.0083333), formatRate(1.16667), formatRate(1500)]).toEqual(['0', '0.0083', '1.17', '1,500']);
  expect([formatPercent(0), formatPercent(0.000208), formatPercent(37.5)]).toEqual(['0%', '0.00021%', '37.5%']);
});

describe('budget section of the catalogue', () => {
  test('fails when a threshold or an assumption is out of range, each located', () => {
    let error: unknown;
    try {
      catalogue({ budget: { maxSteadyStatePercent: 0, maxBurstPercent: 150, assumedFindMatches: 2.5, assumedVaultSecrets: -1, limit: 8000 } });
    } catch (e) {
      error = e;
    }
    const problems = (error as { problems: Array<{ path: Array<string | number>; message: string; line?: number }> }).problems;
    expect(problems.map((p) => [p.path.join('.'), p.message])).toEqual([
      ['budget.maxSteadyStatePercent', '0: too small: expected number to be >0'],
      ['budget.maxBurstPercent', '150: too big: expected number to be <=100'],
      ['budget.assumedVaultSecrets', '-1: too small: expected number to be >=0'],
      ['budget.assumedFindMatches', '2.5 is not an int'],
      ['budget.limit', expect.stringMatching(/^unknown field \(allowed: maxSteadyStatePercent, maxBurstPercent, assumedVaultSecrets, assumedFindMatches\)/)],
    ]);
    expect(problems.every((p) => typeof p.line === 'number')).toBe(true);
  });
});
