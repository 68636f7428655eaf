import { CatalogueSpec, catalogueDir, dataKeys } from '../util/catalogue-spec';
import { cli } from '../util/cli';
import { FakeKubeApi, esoObject } from '../util/kube-server';

const NOW = new Date('2026-11-28T10:00:00Z');
const spec: CatalogueSpec = {
  environment: 'test',
  secrets: [
    { name: 'salesforce', namespace: 'airflow', store: 'kv', data: dataKeys(2) },
    { name: 'warehouse', namespace: 'data', store: 'kv', refreshInterval: '30m', data: dataKeys(1) },
    { name: 'not-applied', namespace: 'airflow', store: 'kv', data: dataKeys(1) },
  ],
};

let kube: FakeKubeApi;
let dir: string;
beforeEach(async () => {
  dir = catalogueDir([spec]);
  kube = await new FakeKubeApi([
    esoObject('ClusterSecretStore', 'kv'),
    esoObject('ExternalSecret', 'salesforce', { namespace: 'airflow' }),
    esoObject('ExternalSecret', 'warehouse', {
      namespace: 'data',
      refreshInterval: '30m0s',
      ready: 'False',
      reason: 'SecretSyncedError',
      message: 'error processing spec.data[0] (key: warehouse-user), err: Secret does not exist',
      refreshTime: '2026-11-28T08:00:00Z',
    }),
    // Removed from the catalogue, still in the cluster with our label.
    esoObject('ExternalSecret', 'legacy-ftp', { namespace: 'airflow' }),
    // Another environment's and someone else's objects are not ours to report.
    esoObject('ExternalSecret', 'salesforce', { namespace: 'airflow-prod', environment: 'prod' }),
    esoObject('ExternalSecret', 'hand-made', { namespace: 'airflow', environment: '' }),
  ]).start();
});
afterEach(() => kube.stop());

const status = (extra: string[] = []) =>
  cli(['status', '--env', 'test', '--catalogue', dir, '--kubeconfig', kube.kubeconfig(), ...extra], { now: () => NOW });

test('marks NotReady, missing and unknown objects and exits 1', async () => {
  const r = await status();
  expect(r.stderr).toBe('');
  expect(r.code).toBe(1);
  const lines = r.stdout.split('\n');
  expect(lines[0]).toBe(`status test: context loopback (${kube.url})`);
  const rows = lines.slice(3, 8).map((l) => l.split(/\s{2,}/));
  expect(rows).toEqual([
    ['ClusterSecretStore', '-', 'kv', 'True', 'StoreValidated', '1h ago', '-', 'https://kv-test.vault.azure.net/', 'store validated'],
    ['ExternalSecret', 'airflow', 'legacy-ftp', 'True', 'SecretSynced', '30m ago', '1h0m0s', 'ClusterSecretStore/kv', 'NOT IN CATALOGUE', 'secret synced'],
    [
      'ExternalSecret', 'airflow', 'not-applied', '-', '-', '-', '-', '-', 'MISSING',
      'the catalogue has this ExternalSecret but the cluster does not (or it lacks the kv-secrets-sync.io/environment label): is dist/<env>/ applied and synced by GitOps?',
    ],
    ['ExternalSecret', 'airflow', 'salesforce', 'True', 'SecretSynced', '30m ago', '1h0m0s', 'ClusterSecretStore/kv', 'secret synced'],
    [
      'ExternalSecret', 'data', 'warehouse', 'False', 'SecretSyncedError', '2h ago', '30m0s', 'ClusterSecretStore/kv',
      'error processing spec.data[0] (key: warehouse-user), err: Secret does not exist',
    ],
  ]);
  expect(lines.at(-1)).toBe('3 problems: 1 not Ready, 1 missing from the cluster, 1 not in the catalogue.');
  // One list per kind, by our label, across namespaces.
  expect(kube.requests.map((q) => `${q.method} ${q.path}?${q.query.labelSelector}`).sort()).toEqual([
    'GET /apis/external-secrets.io/v1/clustersecretstores?kv-secrets-sync.io/environment=test',
    'GET /apis/external-secrets.io/v1/externalsecrets?kv-secrets-sync.io/environment=test',
    'GET /apis/external-secrets.io/v1/secretstores?kv-secrets-sync.io/environment=test',
  ]);
});

test('JSON carries every field per object', async () => {
  const r = await status(['--json']);
  expect(r.code).toBe(1);
  const report = JSON.parse(r.stdout);
  expect(report.problems).toBe(3);
  expect(report.rows.find((x: { name: string }) => x.name === 'warehouse')).toEqual({
    kind: 'ExternalSecret',
    namespace: 'data',
    name: 'warehouse',
    presence: 'ok',
    ready: 'False',
    reason: 'SecretSyncedError',
    message: 'error processing spec.data[0] (key: warehouse-user), err: Secret does not exist',
    lastRefresh: '2026-11-28T08:00:00Z',
    refreshInterval: '30m0s',
    store: 'ClusterSecretStore/kv',
    problem: true,
  });
});

test('exits 0 when everything is Ready and in the catalogue', async () => {
  kube.get('ExternalSecret', 'data', 'warehouse')!.status.conditions[0].status = 'True';
  kube.add(esoObject('ExternalSecret', 'not-applied', { namespace: 'airflow' }));
  kube.get('ExternalSecret', 'airflow', 'legacy-ftp')!.metadata.labels = {};
  const r = await status();
  expect(r.code).toBe(0);
  expect(r.stdout.split('\n').at(-1)).toBe('all 4 objects Ready and in the catalogue.');
});

test('marks objects that drifted from what the catalogue renders', async () => {
  kube.get('ExternalSecret', 'data', 'warehouse')!.status.conditions[0].status = 'True';
  kube.add(esoObject('ExternalSecret', 'not-applied', { namespace: 'airflow' }));
  kube.get('ExternalSecret', 'airflow', 'legacy-ftp')!.metadata.labels = {};
  const salesforce = kube.get('ExternalSecret', 'airflow', 'salesforce')!;
  salesforce.spec.refreshInterval = '5m';
  salesforce.spec.secretStoreRef = { kind: 'SecretStore', name: 'hand-made' };
  kube.get('ClusterSecretStore', undefined, 'kv')!.spec.provider.azurekv.vaultUrl = 'https://kv-other.vault.azure.net/';
  const r = await status();
  expect(r.code).toBe(1);
  expect(r.stdout).toMatch(
    /ExternalSecret\s+airflow\s+salesforce\s+True\s+SecretSynced\s+30m ago\s+5m0s\s+SecretStore\/hand-made\s+DRIFT\s+drift: store SecretStore\/hand-made here, ClusterSecretStore\/kv in the catalogue; refreshInterval 5m0s here, 1h0m0s in the catalogue; secret synced/,
  );
  expect(r.stdout).toMatch(/ClusterSecretStore\s+-\s+kv\s+True\s+StoreValidated\s+1h ago\s+-\s+https:\/\/kv-other\.vault\.azure\.net\/\s+DRIFT\s+/);
  expect(r.stdout).toContain('DRIFT      drift: vault https://kv-other.vault.azure.net/ here, https://kv-test.vault.azure.net/ in the catalogue; store validated');
  expect(r.stdout.split('\n').at(-1)).toBe('2 problems: 2 drifted from the catalogue.');
});

test('an object ESO has not reconciled yet is not Ready', async () => {
  kube.add(esoObject('ExternalSecret', 'not-applied', { namespace: 'airflow', ready: null }));
  const r = await status(['--json']);
  const row = JSON.parse(r.stdout).rows.find((x: { name: string }) => x.name === 'not-applied');
  expect([row.ready, row.reason, row.problem]).toEqual(['Unknown', 'NotReconciled', true]);
});

describe('connection problems exit 2', () => {
  test('a context that is not in the kubeconfig', async () => {
    const r = await status(['--context', 'prod-aks']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('kv-secrets-sync: --context "prod-aks" is not in the kubeconfig (contexts: "loopback", "stale")');
  });

  test('rejected credentials (401) through --context', async () => {
    const r = await status(['--context', 'stale']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`the Kubernetes API at context stale (${kube.url}) rejected the credentials (401)`);
  });

  test('forbidden (403) says which permissions are needed', async () => {
    kube.faults.push({ status: 403, times: 3 });
    const r = await status();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('(403: injected fault); the account needs get, list and patch on external-secrets.io resources');
  });

  test('an API server that does not answer times out', async () => {
    kube.faults.push({ hang: true, times: 3 });
    const r = await status(['--request-timeout', '0.3']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('to list');
    expect(r.stderr).toContain('in time; check the network path (VPN, authorized IP ranges) or raise --request-timeout');
  });

  test('an API server that is not there', async () => {
    const config = kube.kubeconfig();
    await kube.stop();
    const r = await cli(['status', '--env', 'test', '--catalogue', dir, '--kubeconfig', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot reach the Kubernetes API at context loopback (${kube.url})`);
  });
});
