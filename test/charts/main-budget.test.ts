import { runSynth } from '../util/synth';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { catalogueDir, dataKeys } from '../util/catalogue-spec';

const run = runSynth;

const hot = (name: string) => ({ name, namespace: 'airflow', store: 'kv', refreshInterval: '10s', dataFrom: [{ find: { name: `^${name}-` } }] });

test('fails when the catalogue is over its Key Vault budget, names the costliest secrets and writes nothing', () => {
  const dir = catalogueDir([
    { environment: 'busy', budget: { assumedVaultSecrets: 10000, assumedFindMatches: 100 }, secrets: [hot('a'), hot('b'), hot('c')] },
    { environment: 'calm', vault: 'kv-calm', secrets: [{ name: 'one', namespace: 'airflow', store: 'kv', data: dataKeys(1) }] },
  ]);
  const out = path.join(path.dirname(dir), 'dist');
  const r = run(['--catalogue', dir, '--out', out]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('synth: the Key Vault request budget is exceeded:');
  expect(r.stderr).toContain('vault kv-test (busy): steady state 1,500 requests per 10 s is 37.5%');
  // Each costliest secret with its catalogue location.
  expect(r.stderr).toMatch(/busy\.yaml:\d+:\d+: secrets\[0\]: airflow\/a: 0 GETs \+ 400 list pages \+ 100 matched GETs = 500 per sync every 10s = 500 per 10 s/);
  expect(r.stderr).toContain('nothing was written.');
  expect(fs.existsSync(out) ? fs.readdirSync(out).filter((f) => !f.startsWith('.')) : []).toEqual([]);
});

test('writes environments within budget', () => {
  const dir = catalogueDir([{ environment: 'calm', secrets: [{ name: 'one', namespace: 'airflow', store: 'kv', data: dataKeys(2) }] }]);
  const out = path.join(path.dirname(dir), 'dist');
  const r = run(['--catalogue', dir, '--out', out]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(fs.readdirSync(path.join(out, 'calm')).sort()).toEqual(
    expect.arrayContaining(['external-secrets.yaml', 'kustomization.yaml', 'secret-stores.yaml', 'service-accounts.yaml']),
  );
});
