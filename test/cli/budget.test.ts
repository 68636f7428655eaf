import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { projectRoot } from '../../config';
import { catalogueDir, dataKeys } from '../util/catalogue-spec';
import { cli } from '../util/cli';

const hot = (name: string) => ({ name, namespace: 'airflow', store: 'kv', refreshInterval: '10s', dataFrom: [{ find: { name: `^${name}-` } }] });

test('prints the model per vault with each secret, and exits 0 within budget', async () => {
  const dir = catalogueDir([
    {
      environment: 'test',
      budget: { assumedVaultSecrets: 60, assumedFindMatches: 4 },
      secrets: [
        { name: 'hourly', namespace: 'airflow', store: 'kv', data: dataKeys(3) },
        { name: 'pattern', namespace: 'data', store: 'kv', refreshInterval: '1m', dataFrom: [{ find: { name: '^var-' } }] },
        { name: 'quiet', namespace: 'data', store: 'kv', refreshPolicy: 'OnChange', data: dataKeys(5) },
      ],
    },
  ]);
  const r = await cli(['budget', '--env', 'test', '--catalogue', dir]);
  expect(r.code).toBe(0);
  expect(r.stdout.split('\n')).toEqual([
    'vault kv-test (test): limit 4,000 requests per 10 s',
    '  steady state   1.18 per 10 s = 0.03% of the limit (budget 25%): within budget',
    '  restart burst  15 requests = 0.38% of the limit (budget 100%): within budget',
    '  assumed        60 secrets in the vault (3 list pages per dataFrom.find), 4 matches per dataFrom.find',
    '',
    'ENV   EXTERNALSECRET  REFRESH   GETS  LIST PAGES  MATCH GETS  PER SYNC  PER 10 S  OF LIMIT',
    'test  data/pattern    1m        0     3           4           7         1.17      0.03%',
    'test  airflow/hourly  1h        3     0           0           3         0.0083    0.00021%',
    'test  data/quiet      OnChange  5     0           0           5         0         0%',
  ]);
});

test('fails when over budget, naming the costliest secrets with their catalogue locations', async () => {
  const dir = catalogueDir([{ environment: 'test', budget: { assumedVaultSecrets: 10000, assumedFindMatches: 100 }, secrets: [hot('a'), hot('b'), hot('c')] }]);
  const r = await cli(['budget', '--env', 'test', '--catalogue', dir]);
  expect(r.code).toBe(1);
  expect(r.stdout).toContain('steady state   1,500 per 10 s = 37.5% of the limit (budget 25%): OVER BUDGET');
  expect(r.stdout).toMatch(/test\.yaml:\d+:\d+: secrets\[0\]: airflow\/a 500 per sync, 500 per 10 s/);
  const json = JSON.parse((await cli(['budget', '--env', 'test', '--catalogue', dir, '--json'])).stdout);
  expect(json[0].overSteadyState).toBe(true);
  expect(json[0].violations[0].threshold).toBe('maxSteadyStatePercent');
});

test('command-line assumptions override the catalogue', async () => {
  const dir = catalogueDir([{ environment: 'test', budget: { assumedVaultSecrets: 10000, assumedFindMatches: 100 }, secrets: [hot('a'), hot('b'), hot('c')] }]);
  const r = await cli(['budget', '--env', 'test', '--catalogue', dir, '--vault-secrets', '50', '--find-matches', '3', '--json']);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout)[0].steadyPer10s).toBe(3 * (2 + 3));
});

test('without --env it covers every environment, vault by vault', async () => {
  const dir = catalogueDir([
    { environment: 'a', vault: 'kv-one', secrets: [{ name: 's', namespace: 'airflow', store: 'kv', data: dataKeys(1) }] },
    { environment: 'b', vault: 'kv-one', secrets: [{ name: 's', namespace: 'airflow', store: 'kv', data: dataKeys(1) }] },
    { environment: 'c', vault: 'kv-two', secrets: [{ name: 's', namespace: 'airflow', store: 'kv', data: dataKeys(1) }] },
  ]);
  const r = await cli(['budget', '--catalogue', dir, '--json']);
  expect(JSON.parse(r.stdout).map((b: { vault: string; environments: string[]; burst: number }) => [b.vault, b.environments, b.burst])).toEqual([
    ['kv-one', ['a', 'b'], 2],
    ['kv-two', ['c'], 1],
  ]);
});

test('the example environments are within budget', async () => {
  const r = await cli(['budget', '--json']);
  expect(r.code).toBe(0);
  const budgets = JSON.parse(r.stdout) as Array<{ environments: string[]; overSteadyState: boolean; overBurst: boolean }>;
  expect(budgets.flatMap((b) => b.environments)).toEqual(expect.arrayContaining(['dev', 'prod', 'staging']));
  expect(budgets.every((b) => !b.overSteadyState && !b.overBurst)).toBe(true);
});

test('the bin shim runs the TypeScript CLI after npm ci (npx kv-secrets-sync --help)', () => {
  const root = projectRoot();
  const out = execFileSync(process.execPath, [path.join(root, 'bin', 'kv-secrets-sync.js'), '--help'], { encoding: 'utf8', cwd: root });
  expect(out).toContain('Usage: kv-secrets-sync [options] [command]');
  expect(out).toMatch(/verify \[options\]\s+check every Key Vault secret/);
  let code = 0;
  try {
    execFileSync(process.execPath, [path.join(root, 'bin', 'kv-secrets-sync.js'), 'verify'], { encoding: 'utf8', cwd: root, stdio: 'pipe' });
  } catch (e) {
    code = (e as { status: number }).status;
  }
  expect(code).toBe(2);
});
