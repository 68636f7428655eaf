import { CatalogueSpec, catalogueDir, dataKeys } from '../util/catalogue-spec';
import { cli } from '../util/cli';
import { FakeKubeApi, esoObject } from '../util/kube-server';

const spec: CatalogueSpec = {
  environment: 'test',
  secrets: [
    { name: 'salesforce', namespace: 'airflow', store: 'kv', data: dataKeys(2) },
    { name: 'snowflake', namespace: 'airflow', store: 'kv', data: dataKeys(1) },
    { name: 'warehouse', namespace: 'data', store: 'kv', data: dataKeys(1) },
  ],
};

/** A clock that only moves when the CLI sleeps. */
function fakeClock(start = Date.parse('2026-11-28T10:00:00.400Z'), onSleep: (elapsedMs: number) => void = () => {}) {
  let t = start;
  return {
    now: () => new Date(t),
    sleep: async (ms: number) => {
      t += ms;
      onSleep(t - start);
    },
    iso: () => new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
}

let kube: FakeKubeApi;
let dir: string;
beforeEach(async () => {
  dir = catalogueDir([spec]);
  kube = await new FakeKubeApi([
    esoObject('ExternalSecret', 'salesforce', { namespace: 'airflow' }),
    esoObject('ExternalSecret', 'snowflake', { namespace: 'airflow' }),
    esoObject('ExternalSecret', 'warehouse', { namespace: 'data' }),
  ]).start();
});
afterEach(() => kube.stop());

const forceSync = (args: string[], clock = fakeClock()) =>
  cli(['force-sync', '--env', 'test', '--catalogue', dir, '--kubeconfig', kube.kubeconfig(), ...args], clock);

test('annotates every ExternalSecret of the environment with a merge patch', async () => {
  const r = await forceSync(['--all']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const patches = kube.requests.filter((q) => q.method === 'PATCH');
  expect(patches.map((q) => q.path)).toEqual([
    '/apis/external-secrets.io/v1/namespaces/airflow/externalsecrets/salesforce',
    '/apis/external-secrets.io/v1/namespaces/airflow/externalsecrets/snowflake',
    '/apis/external-secrets.io/v1/namespaces/data/externalsecrets/warehouse',
  ]);
  expect(patches.every((q) => q.contentType === 'application/merge-patch+json')).toBe(true);
  expect(patches[0]!.body).toEqual({ metadata: { annotations: { 'force-sync': '1795860000' } } });
  expect(kube.get('ExternalSecret', 'data', 'warehouse')!.metadata.annotations).toEqual({ 'force-sync': '1795860000' });
  expect(r.stdout.split('\n')[0]).toBe(`force-sync test: context loopback (${kube.url}), force-sync=1795860000`);
  expect(r.stdout.split('\n').at(-1)).toBe('3 ExternalSecrets annotated; ESO refreshes them now (add --wait to follow).');
});

test('selects by namespace and by name', async () => {
  await forceSync(['--namespace', 'airflow']);
  expect(kube.requests.filter((q) => q.method === 'PATCH').map((q) => q.path.split('/').pop())).toEqual(['salesforce', 'snowflake']);
  kube.requests.length = 0;
  await forceSync(['--name', 'warehouse', 'snowflake']);
  expect(kube.requests.filter((q) => q.method === 'PATCH').map((q) => q.path.split('/').pop())).toEqual(['snowflake', 'warehouse']);
});

test('reports ExternalSecrets the cluster lacks and exits 1', async () => {
  await kube.stop();
  kube = await new FakeKubeApi([esoObject('ExternalSecret', 'salesforce', { namespace: 'airflow' })]).start();
  const r = await forceSync(['--namespace', 'airflow', '--json']);
  expect(r.code).toBe(1);
  expect(JSON.parse(r.stdout).rows.map((x: { name: string; result: string }) => [x.name, x.result])).toEqual([
    ['salesforce', 'annotated'],
    ['snowflake', 'missing'],
  ]);
});

test('--wait follows each until it has synced after the annotation and is Ready', async () => {
  // "ESO": refreshes salesforce at once, warehouse 3 s later.
  const clock = fakeClock(undefined, (elapsed) => {
    const warehouse = kube.get('ExternalSecret', 'data', 'warehouse')!;
    if (elapsed >= 3000 && warehouse.status.refreshTime < '2026-11-28T10:00:00Z') warehouse.status.refreshTime = clock.iso();
  });
  kube.controller = (o) => {
    if (o.metadata.name === 'salesforce') o.status.refreshTime = clock.iso();
  };
  const r = await forceSync(['--name', 'salesforce', 'warehouse', '--wait', '--interval', '1', '--timeout', '600'], clock);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/airflow\s+salesforce\s+synced\s+True\s+SecretSynced\s+2026-11-28T10:00:00Z/);
  expect(r.stdout).toMatch(/data\s+warehouse\s+synced\s+True\s+SecretSynced\s+2026-11-28T10:00:03Z/);
  expect(r.stdout.split('\n').at(-1)).toBe('all 2 synced and Ready.');
  // salesforce done at the first poll; warehouse polled at 0, 1, 2 and 3 s.
  expect(kube.requests.filter((q) => q.method === 'GET').map((q) => q.path.split('/').pop())).toEqual([
    'salesforce',
    'warehouse',
    'warehouse',
    'warehouse',
    'warehouse',
  ]);
});

test('--wait reports a sync that fails after the annotation, and one that times out', async () => {
  const clock = fakeClock();
  kube.controller = (o) => {
    if (o.metadata.name === 'salesforce') {
      o.status.conditions[0] = {
        type: 'Ready',
        status: 'False',
        reason: 'SecretSyncedError',
        message: 'could not get secret data from provider',
        lastTransitionTime: clock.iso(),
      };
    }
  };
  const r = await forceSync(['--namespace', 'airflow', '--wait', '--interval', '5', '--timeout', '30'], clock);
  expect(r.code).toBe(1);
  expect(r.stdout).toMatch(/airflow\s+salesforce\s+failed\s+False\s+SecretSyncedError\s+2026-11-28T09:30:00Z\s+could not get secret data from provider/);
  expect(r.stdout).toMatch(/airflow\s+snowflake\s+timeout\s+True\s+SecretSynced\s+2026-11-28T09:30:00Z/);
  expect(r.stdout.split('\n').at(-1)).toBe('2 of 2 did not sync.');
  // Polled every 5 s for 30 s: the first poll at once, then 6 more.
  expect(kube.requests.filter((q) => q.method === 'GET' && q.path.endsWith('/snowflake'))).toHaveLength(7);
});

describe('usage errors exit 2', () => {
  test('fails when nothing is selected', async () => {
    const r = await forceSync([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('kv-secrets-sync: select the ExternalSecrets to refresh: --name <name...>, --namespace <namespace> or --all');
    expect(kube.requests).toEqual([]);
  });

  test('fails when a name is not in the catalogue, suggesting the closest', async () => {
    const r = await forceSync(['--name', 'snowflak']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'kv-secrets-sync: --name "snowflak" is not an ExternalSecret of environment test; did you mean "snowflake"? (known: salesforce, snowflake, warehouse)',
    );
  });

  test('fails when the namespace has no ExternalSecret of the environment', async () => {
    const r = await forceSync(['--namespace', 'kube-system']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('kv-secrets-sync: --namespace "kube-system" has no ExternalSecret in environment test (namespaces: airflow, data)');
  });
});
