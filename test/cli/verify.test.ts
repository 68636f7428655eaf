import type { AccessToken } from '@azure/identity';
import { FAKE_TENANT, FakeCredential, FakeKeyVault } from '../util/key-vault-server';
import { CatalogueSpec, catalogueDir } from '../util/catalogue-spec';
import { cli, vaultDeps } from '../util/cli';

const NOW = new Date('2026-11-28T10:00:00Z');
const days = (n: number) => new Date(NOW.getTime() + n * 86_400_000);

const spec: CatalogueSpec = {
  environment: 'test',
  budget: { assumedFindMatches: 2, assumedVaultSecrets: 100 },
  secrets: [
    { name: 'salesforce', namespace: 'airflow', store: 'kv', data: { username: 'salesforce-username', password: 'salesforce-pasword' } },
    { name: 'warehouse', namespace: 'data', store: 'kv', data: { user: 'warehouse-user', password: { key: 'warehouse-password', property: 'pw' } } },
    { name: 'old', namespace: 'data', store: 'kv', data: { token: 'legacy-token', cert: 'future-cert' } },
    { name: 'variables', namespace: 'airflow', store: 'kv', dataFrom: [{ find: { name: '^airflow-var-' } }, { find: { tags: { team: 'nobody' } } }] },
  ],
};

const secrets = [
  { name: 'salesforce-username' },
  { name: 'salesforce-password' },
  { name: 'warehouse-user', enabled: false },
  { name: 'warehouse-password', expiresOn: days(-2) },
  { name: 'legacy-token', expiresOn: days(5) },
  { name: 'future-cert', notBefore: days(3) },
  { name: 'airflow-var-a' },
  { name: 'airflow-var-b', tags: { team: 'data' } },
  { name: 'airflow-var-c' },
  { name: 'airflow-var-d', enabled: false },
];

let vault: FakeKeyVault;
let dir: string;
beforeEach(async () => {
  vault = await new FakeKeyVault(secrets).start();
  dir = catalogueDir([spec]);
});
afterEach(() => vault.stop());

const verify = (extra: string[] = [], deps = {}) =>
  cli(['verify', '--env', 'test', '--catalogue', dir, '--vault-url', vault.url, ...extra], { ...vaultDeps(vault), now: () => NOW, ...deps });

/** The problem lines without the temporary folder. */
const problemLines = (stdout: string) =>
  stdout
    .split('\n')
    .filter((l) => /^\s+(error|warning)\s/.test(l))
    .map((l) => l.replace(/\S*environments\//, 'environments/').trim());

test('reports every problem at once, located in the catalogue, with a near-miss suggestion', async () => {
  const r = await verify();
  expect(r.stderr).toBe('');
  expect(r.code).toBe(1);
  expect(r.stdout.split('\n')[0]).toBe(`verify test: vault kv-test (${vault.url}), 10 secrets listed, 8 references checked`);
  expect(problemLines(r.stdout)).toEqual([
    'error    environments/test.yaml:26:7: secrets[0].data.password: "salesforce-pasword" is not a secret of vault kv-test; did you mean "salesforce-password"? (create it with `az keyvault secret set --vault-name kv-test --name salesforce-pasword --file <file>`, or fix the name)',
    'error    environments/test.yaml:31:7: secrets[1].data.user: "warehouse-user" is disabled in vault kv-test, so ESO cannot read it; enable it (`az keyvault secret set-attributes --vault-name kv-test --name warehouse-user --enabled true`) or stop referencing it',
    'error    environments/test.yaml:33:9: secrets[1].data.password.key: "warehouse-password" expired on 2026-11-26T10:00:00Z; rotate it: set a new version with a later expiry date',
    'warning  environments/test.yaml:39:7: secrets[2].data.token: "legacy-token" expires on 2026-12-03T10:00:00Z (in 5 days); rotate it before then',
    'error    environments/test.yaml:40:7: secrets[2].data.cert: "future-cert" is not active until 2026-12-01T10:00:00Z (not-before date); ESO cannot read it before then',
    'warning  environments/test.yaml:45:9: secrets[3].dataFrom[0].find: matches 3 secrets, more than budget.assumedFindMatches 2; raise it so the request budget holds',
    'warning  environments/test.yaml:45:9: secrets[3].dataFrom[0].find: skips 1 disabled secret that matches: "airflow-var-d"',
    'error    environments/test.yaml:47:9: secrets[3].dataFrom[1].find: matches no enabled secret of vault kv-test (tag team=nobody; 10 secrets listed), so the Secret would be empty; add matching secrets or fix the pattern and tags',
  ]);
  expect(r.stdout).toMatch(/airflow\/variables\s+secrets\[3\]\.dataFrom\[0\]\.find\s+name=~\^airflow-var-\s+3 matches/);
  expect(r.stdout).toContain('5 errors, 3 warnings:');
});

test('reads metadata only, after the bearer challenge, with an api-version', async () => {
  const credential = new FakeCredential();
  await verify([], vaultDeps(vault, credential));
  expect(vault.valueReads()).toEqual([]);
  expect(vault.requests[0]).toMatchObject({ path: '/secrets', authorized: false, status: 401 });
  expect(vault.requests.slice(1).every((q) => q.authorized && q.status === 200)).toBe(true);
  expect(vault.requests.every((q) => q.query['api-version'] !== undefined)).toBe(true);
  expect(credential.scopes).toEqual(['https://vault.azure.net/.default']);
  expect(credential.tenants).toEqual([FAKE_TENANT]);
});

test('passes with exit 0 when every reference is fine', async () => {
  const clean = catalogueDir([
    { environment: 'test', secrets: [{ name: 'salesforce', namespace: 'airflow', store: 'kv', data: { username: 'SALESFORCE-USERNAME' } }] },
  ]);
  const r = await cli(['verify', '--env', 'test', '--catalogue', clean, '--vault-url', vault.url], { ...vaultDeps(vault), now: () => NOW });
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('no problems: every referenced secret exists, is enabled and active.');
});

test('follows list pages and checks pinned versions', async () => {
  for (let i = 0; i < 40; i++) vault.put({ name: `bulk-${String(i).padStart(2, '0')}` });
  vault.put({ name: 'pinned', versions: ['0123456789abcdef0123456789abcdef', 'fedcba9876543210fedcba9876543210'] });
  const pinnedDir = catalogueDir([
    {
      environment: 'test',
      secrets: [
        {
          name: 'p',
          namespace: 'airflow',
          store: 'kv',
          data: {
            last: 'bulk-39',
            good: { key: 'pinned', version: '0123456789abcdef0123456789abcdef' },
            bad: { key: 'pinned', version: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' },
          },
        },
      ],
    },
  ]);
  const r = await cli(['verify', '--env', 'test', '--catalogue', pinnedDir, '--vault-url', vault.url, '--json'], { ...vaultDeps(vault), now: () => NOW });
  expect(r.code).toBe(1);
  const report = JSON.parse(r.stdout);
  expect(report.secretsInVault).toBe(51);
  expect(report.references.map((x: { field: string; state: string }) => [x.field, x.state])).toEqual([
    ['secrets[0].data.last', 'ok'],
    ['secrets[0].data.good.key', 'ok'],
    ['secrets[0].data.bad.key', 'no-version'],
  ]);
  expect(report.problems).toHaveLength(1);
  expect(report.problems[0].message).toBe(
    'version "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" of "pinned" does not exist in vault kv-test; pin an existing version or remove version to follow the latest',
  );
  // 51 secrets: 3 pages of 25, then one versions list for the pinned secret.
  expect(vault.requests.filter((q) => q.path === '/secrets' && q.status === 200)).toHaveLength(3);
  expect(vault.requests.filter((q) => q.path === '/secrets/pinned/versions')).toHaveLength(1);
  expect(vault.valueReads()).toEqual([]);
});

test('a pinned secret deleted between the list and its versions (404) is reported, not fatal', async () => {
  vault.put({ name: 'pinned', versions: ['0123456789abcdef0123456789abcdef'] });
  vault.faults.push({ path: /^\/secrets\/pinned\/versions$/, status: 404, code: 'SecretNotFound', message: 'A secret with (name/id) pinned was not found in this key vault.' });
  const pinnedDir = catalogueDir([
    { environment: 'test', secrets: [{ name: 'p', namespace: 'airflow', store: 'kv', data: { v: { key: 'pinned', version: '0123456789abcdef0123456789abcdef' } } }] },
  ]);
  const r = await cli(['verify', '--env', 'test', '--catalogue', pinnedDir, '--vault-url', vault.url], { ...vaultDeps(vault), now: () => NOW });
  expect(r.code).toBe(1);
  expect(problemLines(r.stdout)).toEqual([
    'error    environments/test.yaml:26:9: secrets[0].data.v.key: version "0123456789abcdef0123456789abcdef" of "pinned" does not exist in vault kv-test; pin an existing version or remove version to follow the latest',
  ]);
});

test('fails when a pattern uses lookaround, which RE2 does not support', async () => {
  const re2 = catalogueDir([{ environment: 'test', secrets: [{ name: 'v', namespace: 'airflow', store: 'kv', dataFrom: [{ find: { name: '^airflow-(?!var)' } }] }] }]);
  const r = await cli(['verify', '--env', 'test', '--catalogue', re2, '--vault-url', vault.url], { ...vaultDeps(vault), now: () => NOW });
  expect(r.code).toBe(1);
  expect(problemLines(r.stdout)).toEqual([
    `error    environments/test.yaml:26:11: secrets[0].dataFrom[0].find.name: "^airflow-(?!var)" uses lookaround, which Go's RE2 (ESO's regular expressions) does not support; ESO would match nothing`,
  ]);
});

describe('connection problems exit 2 and say what to do', () => {
  test('403 names the role that is missing', async () => {
    vault.faults.push({ path: /^\/secrets$/, status: 403, code: 'Forbidden', innerCode: 'ForbiddenByRbac', message: 'Caller is not authorized to perform action on resource.' });
    const r = await verify();
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'kv-secrets-sync: not allowed to list the secrets of 127.0.0.1:' +
        new URL(vault.url).port +
        ' (403 ForbiddenByRbac): the signed-in identity needs the "Key Vault Reader" role on the vault (data action Microsoft.KeyVault/vaults/secrets/readMetadata/action; "Key Vault Secrets User" includes it), or the List permission for secrets in its access policy; verify reads metadata only and never needs a secret value',
    );
  });

  test('403 from the firewall says so', async () => {
    vault.faults.push({ status: 403, code: 'Forbidden', innerCode: 'ForbiddenByFirewall', message: 'Client address is not authorized and caller is not a trusted service.' });
    const r = await verify();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('refused the request at its firewall (403 ForbiddenByFirewall)');
  });

  test('401 after the challenge says to sign in to the vault tenant', async () => {
    const wrongTenant = { getToken: async (): Promise<AccessToken> => ({ token: 'token-from-another-tenant', expiresOnTimestamp: Date.now() + 3600_000 }) };
    const r = await verify([], vaultDeps(vault, wrongTenant as unknown as FakeCredential));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('rejected the token (401 Unauthorized)');
    expect(r.stderr).toContain('sign in with `az login --tenant 11111111-2222-4333-8444-555555555555`');
  });

  test('a missing credential says how to sign in', async () => {
    const none = {
      getToken: async () => {
        const e = new Error('DefaultAzureCredential failed to retrieve a token from the included credentials.');
        e.name = 'CredentialUnavailableError';
        throw e;
      },
    };
    const r = await verify([], vaultDeps(vault, none as unknown as FakeCredential));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no Azure credential available');
    expect(r.stderr).toContain('az login --tenant 11111111-2222-4333-8444-555555555555');
  });

  test('404 for the vault itself says the URL is not a Key Vault', async () => {
    vault.faults.push({ path: /^\/secrets$/, status: 404, code: 'NotFound', message: 'Not Found' });
    const r = await verify();
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`kv-secrets-sync: ${vault.url} answered 404 (NotFound) to listing its secrets: it is not a Key Vault endpoint; check keyVault.name and keyVault.cloud in the catalogue, or --vault-url`);
  });

  test('429 is retried with backoff, then succeeds', async () => {
    vault.faults.push({ path: /^\/secrets$/, status: 429, code: 'Throttled', retryAfter: 0, times: 2 });
    const r = await verify();
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('10 secrets listed');
    expect(vault.requests.filter((q) => q.status === 429)).toHaveLength(2);
  });

  test('429 that does not stop gives up after the retries', async () => {
    vault.faults.push({ status: 429, code: 'Throttled', retryAfter: 0, times: 100 });
    const r = await verify(['--retries', '2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('kept throttling (429 Too Many Requests) after 2 retries');
    expect(vault.requests.filter((q) => q.status === 429)).toHaveLength(3);
  });

  test('a vault that does not answer times out', async () => {
    vault.faults.push({ hang: true, times: 100 });
    const started = Date.now();
    const r = await verify(['--timeout', '0.3', '--retries', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no answer from 127.0.0.1:');
    expect(r.stderr).toContain('within 0.3s');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('usage', () => {
  test('fails when --env is missing', async () => {
    const r = await cli(['verify']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("required option '-e, --env <name>' not specified");
  });

  test('fails when the environment does not exist, before any request', async () => {
    const r = await verify([]).then(() => cli(['verify', '--env', 'nope', '--catalogue', dir, '--vault-url', vault.url], vaultDeps(vault)));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"nope" is not an environment (valid: "test")');
  });

  test('colours only when the output allows it', async () => {
    const plain = await verify();
    expect(plain.stdout).not.toContain('\u001b[');
    const coloured = await verify([], { color: true });
    expect(coloured.stdout).toContain('\u001b[');
  });
});
