import { stringify } from 'yaml';
import { CatalogueError, loadEnvironment, parseEnvironment } from '../../config';
import { TEST_FILE, parse, problemsOf, problemsOfText, validCatalogue } from '../util/catalogue';

/** Applies `edit` to a fresh valid catalogue. */
function broken(edit: (c: Record<string, any>) => void): Record<string, any> {
  const c = validCatalogue();
  edit(c);
  return c;
}

describe('catalogue format rules', () => {
  test('the base catalogue is valid and gets defaults', () => {
    const env = parse(validCatalogue());
    expect(env.defaults).toEqual({ refreshInterval: '1h', refreshPolicy: 'Periodic' });
    expect(env.platform).toEqual({ esoNamespace: 'external-secrets', prometheusOperator: false });
    expect(env.keyVault.cloud).toBe('PublicCloud');
  });

  test('fails when a Key Vault secret name has an underscore', () => {
    expect(problemsOf(broken((c) => (c.secrets[0].data.password = 'sales_pw')))).toEqual([
      'secrets[0].data.password: "sales_pw" is not a Key Vault secret name (1-127 letters, digits and dashes)',
    ]);
  });

  test('fails when a Key Vault secret name is longer than 127 characters', () => {
    expect(problemsOf(broken((c) => (c.secrets[0].data.password = 'a'.repeat(128))))[0]).toMatch(
      /^secrets\[0\]\.data\.password: "a{128}" is not a Key Vault secret name/,
    );
  });

  test('fails when a long-form reference has a bad key', () => {
    expect(problemsOf(broken((c) => (c.secrets[0].data.password = { key: 'bad.name' })))).toEqual([
      'secrets[0].data.password.key: "bad.name" is not a Key Vault secret name (1-127 letters, digits and dashes)',
    ]);
  });

  test.each([
    ['kv', 'too short'],
    ['kv--double-dash', 'double dash'],
    ['1starts-with-digit', 'leading digit'],
    ['a-very-long-key-vault-name-x', 'over 24'],
    ['ends-with-dash-', 'trailing dash'],
  ])('fails when the Key Vault name is %s (%s)', (name) => {
    expect(problemsOf(broken((c) => (c.keyVault.name = name)))).toEqual([
      `keyVault.name: ${JSON.stringify(name)} is not a Key Vault name (3-24 letters, digits and dashes, starting with a letter, ending with a letter or digit, no "--")`,
    ]);
  });

  test('fails when a namespace is not a DNS-1123 label', () => {
    expect(problemsOf(broken((c) => (c.secrets[0].namespace = 'Airflow')))).toContain(
      'secrets[0].namespace: "Airflow" is not a DNS-1123 label (1-63 lowercase letters, digits and dashes, starting and ending with a letter or digit)',
    );
  });

  test('fails when a target Secret name is not a DNS-1123 subdomain', () => {
    expect(problemsOf(broken((c) => (c.secrets[0].name = 'Salesforce_Credentials')))).toEqual([
      'secrets[0].name: "Salesforce_Credentials" is not a DNS-1123 subdomain (1-253 lowercase letters, digits, dashes and dots, each dot-separated part starting and ending with a letter or digit)',
    ]);
  });

  test('fails when a Secret key has a character Kubernetes refuses', () => {
    expect(problemsOf(broken((c) => (c.secrets[0].data = { 'user name': 'salesforce-username' })))).toEqual([
      'secrets[0].data["user name"]: key "user name" is not a Secret key (1-253 letters, digits, ".", "-" and "_")',
    ]);
  });

  test('fails when refreshInterval is not a Go duration', () => {
    expect(problemsOf(broken((c) => (c.secrets[0].refreshInterval = '1 hour')))).toEqual([
      'secrets[0].refreshInterval: "1 hour" is not a Go duration (a sequence of numbers with units ns, us, ms, s, m, h, such as "1h", "30m" or "1h30m"; "0" or "0s" syncs once)',
    ]);
  });

  test('fails when the default refreshInterval uses days, which Go does not know', () => {
    expect(problemsOf(broken((c) => (c.defaults = { refreshInterval: '1d' })))[0]).toMatch(
      /^defaults\.refreshInterval: "1d" is not a Go duration/,
    );
  });

  test('fails when the tenant id is not a UUID', () => {
    expect(problemsOf(broken((c) => (c.tenantId = 'contoso.onmicrosoft.com')))).toEqual([
      'tenantId: "contoso.onmicrosoft.com" is not a UUID (a UUID such as 00000000-0000-0000-0000-000000000000)',
    ]);
  });

  test('fails when a client id is not a UUID', () => {
    expect(problemsOf(broken((c) => (c.identities[0].clientId = 'not-a-guid')))).toEqual([
      'identities[0].clientId: "not-a-guid" is not a UUID (a UUID such as 00000000-0000-0000-0000-000000000000)',
    ]);
  });

  test('fails when the OIDC issuer is not https', () => {
    expect(problemsOf(broken((c) => (c.cluster.oidcIssuerUrl = 'http://issuer.example.com/')))).toEqual([
      'cluster.oidcIssuerUrl: "http://issuer.example.com/" is not an https URL (an absolute https:// URL with a host, no query or fragment)',
    ]);
  });

  test('fails when a field is misspelt, and suggests the right one', () => {
    const problems = problemsOf(broken((c) => (c.secrets[0].refreshIntervall = '30m')));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^secrets\[0\]\.refreshIntervall: unknown field \(allowed: name, namespace, store, description, refreshInterval, refreshPolicy, data, dataFrom, template, labels, annotations(, [a-zA-Z]+)*\); did you mean "refreshInterval"\?$/,
    );
  });

  test('fails when a store omits authType (ESO would default to ServicePrincipal)', () => {
    expect(problemsOf(broken((c) => delete c.stores[0].authType))).toEqual([
      'stores[0].authType: missing: must be "WorkloadIdentity" (written out because ESO silently defaults a missing authType to ServicePrincipal)',
    ]);
  });

  test('fails when a store asks for another authType', () => {
    expect(problemsOf(broken((c) => (c.stores[0].authType = 'ServicePrincipal')))).toEqual([
      'stores[0].authType: "ServicePrincipal": must be "WorkloadIdentity" (written out because ESO silently defaults a missing authType to ServicePrincipal)',
    ]);
  });

  test('fails when a store has an unknown kind', () => {
    expect(problemsOf(broken((c) => (c.stores[0].kind = 'VaultStore')))).toEqual([
      'stores[0].kind: "VaultStore" is not allowed: allowed kinds are "SecretStore" and "ClusterSecretStore"',
    ]);
  });

  test('fails when a ClusterSecretStore admits no namespace', () => {
    expect(problemsOf(broken((c) => (c.stores[1].namespaces = [])))).toContain(
      'stores[1].namespaces: must list at least one namespace (a ClusterSecretStore admits only the namespaces named)',
    );
  });

  test('fails when the cloud is unknown', () => {
    expect(problemsOf(broken((c) => (c.keyVault.cloud = 'AzureCloud')))).toEqual([
      'keyVault.cloud: "AzureCloud" is not allowed (allowed: "PublicCloud", "USGovernmentCloud", "ChinaCloud")',
    ]);
  });

  test('fails when a required section is missing', () => {
    expect(problemsOf(broken((c) => delete c.cluster))).toEqual(['cluster: missing (required: object)']);
  });

  test('fails when a label key is malformed', () => {
    expect(problemsOf(broken((c) => (c.secrets[0].labels = { 'team name': 'data' })))).toEqual([
      'secrets[0].labels["team name"]: key "team name" is not a label or annotation key (an optional DNS subdomain prefix and "/", then 1-63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit)',
    ]);
  });

  test('fails when a key is written twice in YAML', () => {
    const text = stringify(validCatalogue()).replace('environment: test', 'environment: test\nenvironment: test');
    expect(problemsOfText(text)).toEqual(['(document): not valid YAML: Map keys must be unique']);
  });
});

describe('catalogue cross-field rules', () => {
  test('fails when the environment name differs from the file name', () => {
    expect(problemsOf(broken((c) => (c.environment = 'prod')))).toEqual([
      'environment: "prod" does not match the file name; write "test"',
    ]);
  });

  test('fails when an environment does not exist, listing the valid ones', () => {
    expect(() => loadEnvironment('qa')).toThrow(/"qa" is not an environment \(valid: "dev", "prod", "staging"\)/);
  });

  test('fails when two identities share a name', () => {
    expect(problemsOf(broken((c) => (c.identities[1].name = 'airflow-reader')))).toContain(
      'identities[1].name: "airflow-reader" is already used by another identity; names must be unique',
    );
  });

  test('fails when two identities claim one ServiceAccount', () => {
    expect(
      problemsOf(broken((c) => c.identities.push({ name: 'again', namespace: 'airflow', serviceAccount: 'eso-airflow' }))),
    ).toEqual([
      'identities[2]: ServiceAccount airflow/eso-airflow is already claimed by identities[0]; one ServiceAccount federates with one managed identity',
    ]);
  });

  test('fails when two stores share a name', () => {
    expect(problemsOf(broken((c) => (c.stores[1].name = 'kv')))).toContain(
      'stores[1].name: "kv" is already used by another store; store names must be unique',
    );
  });

  test('fails when a store names an unknown identity', () => {
    expect(problemsOf(broken((c) => (c.stores[0].identity = 'nobody')))).toEqual([
      'stores[0].identity: "nobody" is not a known identity (known: "airflow-reader", "shared-reader")',
    ]);
  });

  test('fails when a SecretStore uses a ServiceAccount of another namespace', () => {
    expect(problemsOf(broken((c) => (c.stores[0].identity = 'shared-reader')))).toEqual([
      'stores[0].identity: identity "shared-reader" lives in namespace "external-secrets", but a SecretStore can only use a ServiceAccount of its own namespace "airflow"; move the identity or use a ClusterSecretStore',
    ]);
  });

  test('fails when a store sets tenantId while the ServiceAccount carries one ("multiple tenantID found")', () => {
    expect(problemsOf(broken((c) => (c.stores[0].tenantId = '11111111-2222-4333-8444-555555555555')))).toEqual([
      'stores[0].tenantId: "11111111-2222-4333-8444-555555555555" must not be set: the ServiceAccount already carries azure.workload.identity/tenant-id and ESO fails with "multiple tenantID found"; remove tenantId (the environment tenantId is used)',
    ]);
  });

  test('fails when a ClusterSecretStore lists a namespace twice', () => {
    expect(problemsOf(broken((c) => c.stores[1].namespaces.push('jobs')))).toEqual(['stores[1].namespaces[2]: "jobs" is listed twice']);
  });

  test('fails at synth when an identity in use has no client id yet', () => {
    const c = broken((c) => delete c.identities[0].clientId);
    expect(() => parse(c)).not.toThrow();
    expect(problemsOf(c, { requireClientIds: true })).toEqual([
      "identities[0].clientId: missing: the ServiceAccount needs the managed identity's client id; run the Pulumi stack and write its output clientIds.airflow-reader here",
    ]);
  });

  test('fails when two secrets produce the same target Secret', () => {
    expect(problemsOf(broken((c) => c.secrets.push({ ...c.secrets[0] })))).toEqual([
      'secrets[2].name: Secret airflow/salesforce-credentials is already produced by secrets[0]; each target Secret has one source',
    ]);
  });

  test('fails when a secret names an unknown store', () => {
    expect(problemsOf(broken((c) => (c.secrets[0].store = 'vault')))).toEqual([
      'secrets[0].store: "vault" is not a known store (known: "kv", "shared")',
    ]);
  });

  test('fails when a SecretStore is used from another namespace', () => {
    expect(problemsOf(broken((c) => (c.secrets[1].store = 'kv')))).toEqual([
      'secrets[1].store: SecretStore "kv" is in namespace "airflow" and cannot serve namespace "jobs"; use a store of that namespace or a ClusterSecretStore that admits it',
    ]);
  });

  test('fails when a ClusterSecretStore does not admit the namespace', () => {
    expect(problemsOf(broken((c) => (c.secrets[1].namespace = 'reporting')))).toEqual([
      'secrets[1].store: ClusterSecretStore "shared" does not admit namespace "reporting" (admits: "airflow", "jobs"); add it to stores[1].namespaces',
    ]);
  });

  test('fails when a secret has no source', () => {
    expect(problemsOf(broken((c) => delete c.secrets[0].data))).toEqual([
      'secrets[0]: has no source: give data (Secret key → Key Vault secret) or dataFrom',
    ]);
  });

  test('fails when dataFrom.find has neither name nor tags', () => {
    expect(problemsOf(broken((c) => (c.secrets[0].dataFrom = [{ find: {} }])))).toEqual([
      'secrets[0].dataFrom[0].find: needs name or tags: an empty find lists every secret of the vault on each refresh',
    ]);
  });

  test('fails when dataFrom.find.name is not a regular expression', () => {
    expect(problemsOf(broken((c) => (c.secrets[0].dataFrom = [{ find: { name: '^(airflow' } }])))[0]).toMatch(
      /^secrets\[0\]\.dataFrom\[0\]\.find\.name: "\^\(airflow" is not a regular expression/,
    );
  });

  test('fails when a dataFrom entry is neither find nor extract', () => {
    expect(problemsOf(broken((c) => (c.secrets[0].dataFrom = [{ search: { name: 'x' } }])))).toEqual([
      'secrets[0].dataFrom[0]: {"search":{"name":"x"}} must be {find: {name, tags}} or {extract: {key}}',
    ]);
  });

  test('fails when a template reads a key that data does not fetch', () => {
    expect(
      problemsOf(broken((c) => (c.secrets[0].template = { data: { AIRFLOW_CONN_SF: 'sf://{{ .user }}:{{ .password }}@host' } }))),
    ).toEqual(['secrets[0].template.data.AIRFLOW_CONN_SF: reads "user", which is not a key of data (keys: "username", "password")']);
  });

  test('fails when a template value is a constant (a value in Git)', () => {
    expect(problemsOf(broken((c) => (c.secrets[0].template = { data: { token: 'hunter2' }, mergePolicy: 'Merge' })))).toEqual([
      'secrets[0].template.data.token: has no template expression: a constant here would put a value in Git; keep values in Key Vault and read them with {{ .key }}',
    ]);
  });

  test('fails when a dockerconfigjson Secret lacks .dockerconfigjson', () => {
    expect(problemsOf(broken((c) => (c.secrets[0].template = { type: 'kubernetes.io/dockerconfigjson' })))).toEqual([
      'secrets[0].template: a kubernetes.io/dockerconfigjson Secret needs key ".dockerconfigjson" (has: "password", "username")',
    ]);
  });

  test('fails when a basic-auth Secret has neither username nor password', () => {
    expect(problemsOf(broken((c) => (c.secrets[1].template = { type: 'kubernetes.io/basic-auth' })))).toEqual([
      'secrets[1].template: a kubernetes.io/basic-auth Secret needs at least one of "username", "password" (has: "url")',
    ]);
  });
});

describe('error reporting', () => {
  test('reports every problem of a file at once, each with file, line and column', () => {
    const c = broken((c) => {
      c.keyVault.name = 'kv--x';
      c.secrets[0].data.password = 'sales_pw';
      c.secrets[1].refreshIntervall = '1h';
    });
    let error: CatalogueError | undefined;
    try {
      parseEnvironment(stringify(c), TEST_FILE, { expectedName: 'test' });
    } catch (e) {
      error = e as CatalogueError;
    }
    expect(error).toBeInstanceOf(CatalogueError);
    const lines = error!.message.split('\n');
    expect(lines[0]).toBe('3 problems in environments/test.yaml:');
    expect(lines.slice(1).map((l) => l.replace(/:\d+:\d+:/, ':L:C:'))).toEqual([
      '  environments/test.yaml:L:C: keyVault.name: "kv--x" is not a Key Vault name (3-24 letters, digits and dashes, starting with a letter, ending with a letter or digit, no "--")',
      '  environments/test.yaml:L:C: secrets[0].data.password: "sales_pw" is not a Key Vault secret name (1-127 letters, digits and dashes)',
      expect.stringContaining('secrets[1].refreshIntervall: unknown field'),
    ]);
    // Line numbers point at the offending key in the YAML text.
    const text = stringify(c).split('\n');
    for (const p of error!.problems) expect(text[p.line! - 1]).toContain(String(p.path[p.path.length - 1] === 'name' ? 'name:' : p.path[p.path.length - 1]));
  });
});
