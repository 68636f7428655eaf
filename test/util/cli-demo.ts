/**
 * Runs every CLI command against the loopback Key Vault and Kubernetes API servers with the prod example
 * catalogue, printing what an operator would see. The example output in docs/cli.md comes from this:
 *
 *     npx tsx test/util/cli-demo.ts
 */
import { run } from '../../cli/main';
import { processOutput } from '../../cli/output';
import { loadEnvironment } from '../../config';
import { vaultDeps } from './cli';
import { FakeKeyVault } from './key-vault-server';
import { FakeKubeApi, esoObject } from './kube-server';

const DAY = 86_400_000;

async function main(): Promise<void> {
  const now = new Date();
  const iso = (offsetMs: number) => new Date(now.getTime() + offsetMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const vault = await new FakeKeyVault([
    { name: 'salesforce-username' },
    { name: 'salesforce-password' },
    { name: 'salesforce-security-token', expiresOn: new Date(now.getTime() + 9 * DAY) },
    { name: 'snowflake-user' },
    { name: 'snowflake-password', enabled: false },
    { name: 'snowflake-account' },
    { name: 'acr-pull-username' },
    { name: 'acr-pull-pasword' },
    { name: 'reporting-postgres' },
    { name: 'partner-sftp-private-key' },
    { name: 'smtp-relay-username' },
    { name: 'smtp-relay-password' },
    ...['dag-owner', 'alert-email', 'dwh-schema', 'retention-days'].map((v) => ({ name: `airflow-var-${v}` })),
    { name: 'airflow-var-old-bucket', enabled: false },
    ...Array.from({ length: 20 }, (_, i) => ({ name: `app-config-${i + 1}` })),
  ]).start();
  const out = processOutput();
  const step = async (title: string, argv: string[], deps = {}) => {
    out.out(`\n$ kv-secrets-sync ${argv.join(' ')}`);
    const code = await run(argv, { output: out, ...deps });
    out.out(`(exit ${code})  # ${title}`);
  };
  const deps = vaultDeps(vault);
  await step('problems found', ['verify', '--env', 'prod', '--vault-url', vault.url], deps);
  vault.faults.push({ path: /^\/secrets$/, status: 429, code: 'Throttled', retryAfter: 1, times: 1 });
  await step('throttled once (429), retried after Retry-After, then the same report as JSON', ['verify', '--env', 'prod', '--vault-url', vault.url, '--json'], deps);
  vault.faults.push({ status: 403, code: 'Forbidden', innerCode: 'ForbiddenByRbac', message: 'Caller is not authorized to perform action on resource.' });
  await step('no permission', ['verify', '--env', 'prod', '--vault-url', vault.url], deps);
  vault.faults.push({ hang: true, times: 10 });
  await step('no answer', ['verify', '--env', 'prod', '--vault-url', vault.url, '--timeout', '2', '--retries', '1'], deps);
  await vault.stop();

  const env = loadEnvironment('prod');
  const labels = { environment: 'prod', vaultUrl: 'https://kv-dataplat-prod-weu.vault.azure.net/' };
  const local = { kind: 'SecretStore', name: 'azure-key-vault' };
  const kube = await new FakeKubeApi([
    esoObject('ClusterSecretStore', 'shared-key-vault', { ...labels, transitionTime: iso(-3 * DAY) }),
    esoObject('SecretStore', 'azure-key-vault', { ...labels, namespace: 'airflow', transitionTime: iso(-3 * DAY) }),
    esoObject('ExternalSecret', 'salesforce-credentials', { ...labels, namespace: 'airflow', store: local, refreshTime: iso(-12 * 60_000) }),
    esoObject('ExternalSecret', 'snowflake-connection', {
      ...labels,
      namespace: 'airflow',
      store: local,
      refreshInterval: '30m0s',
      ready: 'False',
      reason: 'SecretSyncedError',
      message: 'error processing spec.data[1] (key: snowflake-password), err: Operation get is not allowed on a disabled secret.',
      refreshTime: iso(-5 * 3600_000),
    }),
    // Edited in the cluster by hand: drifted from the catalogue's 1h.
    esoObject('ExternalSecret', 'airflow-variables', { ...labels, namespace: 'airflow', store: local, refreshInterval: '5m0s', refreshTime: iso(-4 * 60_000) }),
    esoObject('ExternalSecret', 'warehouse-postgres', {
      ...labels,
      namespace: 'data-services',
      store: { kind: 'ClusterSecretStore', name: 'shared-key-vault' },
      refreshTime: iso(-7 * 60_000),
    }),
    esoObject('ExternalSecret', 'reporting-postgres-connection', { ...labels, namespace: 'airflow', store: local, refreshTime: iso(-9 * 60_000) }),
    esoObject('ExternalSecret', 'partner-sftp-key', { ...labels, namespace: 'airflow', store: local, refreshTime: iso(-11 * 60_000) }),
    // Created by the smtp-relay ClusterExternalSecret in each namespace it reaches.
    ...['airflow', 'data-services'].map((namespace) =>
      esoObject('ExternalSecret', 'smtp-relay', {
        ...labels,
        namespace,
        store: { kind: 'ClusterSecretStore', name: 'shared-key-vault' },
        refreshTime: iso(-14 * 60_000),
      }),
    ),
    esoObject('ExternalSecret', 'legacy-ftp', { ...labels, namespace: 'airflow', store: local, refreshTime: iso(-20 * 60_000) }),
  ]).start();
  const kubeconfig = kube.kubeconfig();
  await step('not Ready, missing, unknown and drifted objects', ['status', '--env', env.environment, '--kubeconfig', kubeconfig]);
  // Stands in for ESO: syncs at once what it can, keeps failing snowflake-connection (still Ready=False, no transition).
  kube.controller = (o) => {
    const ready = o.status.conditions[0];
    if (o.metadata.name === 'snowflake-connection') ready.lastTransitionTime = iso(0);
    else o.status.refreshTime = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  };
  await step('one synced, one failing, one not in the cluster', ['force-sync', '--env', 'prod', '--namespace', 'airflow', '--wait', '--timeout', '4', '--kubeconfig', kubeconfig]);
  await kube.stop();

  await step('the request model of every environment', ['budget']);
}

void main();
