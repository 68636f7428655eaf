/**
 * Runs the generated `kv_secrets.py` under Python with the official Kubernetes client models (Debian
 * `python3-kubernetes`), proving the pod overrides build and serialize to the expected pod spec, and that the
 * KubernetesPodOperator route yields the same container. Fails (never skips) when no such Python exists.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadEnvironments } from '../../config';
import {
  AIRFLOW_HELPERS_DIR,
  AIRFLOW_MODULE_FILE,
  AIRFLOW_REFERENCES_FILE,
  AirflowReferencesJson,
  renderAirflowHelpers,
} from '../../charts/airflow-helpers';
import { baseCatalogue, load, secret } from '../util/airflow-catalogue';
import { findPython, pythonCandidates, runPython } from '../util/python';

type Json = Record<string, unknown>;
type Ref = AirflowReferencesJson['secrets'][number];
interface Probed {
  environment: string;
  airflowImported: boolean;
  withoutAirflow: { type: string; message: string } | null;
  attributes: Record<string, string>;
  errors: Record<string, { type: string; message: string } | null>;
  secrets: Array<{
    namespace: string;
    name: string;
    lookup: boolean;
    keys: string[] | null;
    connectionId: string | null;
    executorConfig: Record<string, string>;
    podOverride: Json;
    operatorSecrets: Json[];
    operatorPod: Json;
  }>;
  combined: Record<string, { podOverride: Json; operatorPod: Json }>;
}

const UTIL = path.join(__dirname, '..', 'util');

/** The pod spec a pod_override for `refs` must serialize to, built from references.json alone. */
function expectedPod(refs: readonly Ref[], volumeName: (r: Ref, i: number) => string = (r) => r.volume!.name): Json {
  const env = refs.flatMap((r) => r.env.map((e) => ({ name: e.name, valueFrom: { secretKeyRef: { key: e.key, name: r.name } } })));
  const envFrom = refs.filter((r) => r.envFrom).map((r) => ({ secretRef: { name: r.name } }));
  const mounted = refs.filter((r) => r.volume);
  const mounts = mounted.map((r, i) => ({ mountPath: r.volume!.mountPath, name: volumeName(r, i), readOnly: true }));
  const volumes = mounted.map((r, i) => ({
    name: volumeName(r, i),
    secret: { secretName: r.name, ...(r.volume!.items ? { items: r.volume!.items } : {}) },
  }));
  const container: Json = { name: 'base' };
  if (env.length > 0) container.env = env;
  if (envFrom.length > 0) container.envFrom = envFrom;
  if (mounts.length > 0) container.volumeMounts = mounts;
  return { spec: { containers: [container], ...(volumes.length > 0 ? { volumes } : {}) } };
}

/** KubernetesPodOperator lists env entries, then envFrom, then volumes, per Secret in order. */
const operatorExpected = (refs: readonly Ref[]) => expectedPod(refs, (_r, i) => `vol${i}`);

// Render every example environment, plus a catalogue with two namespaces, to a scratch folder and probe them all
// in one Python process (importing the Kubernetes client dominates the run time).
const examples = loadEnvironments(undefined, { requireClientIds: true });
const twoNamespaces = load(
  baseCatalogue([
    secret('api', { airflow: { envFrom: true }, data: { API_TOKEN: 'api-token' } }),
    { ...secret('db', { airflow: { env: { user: 'DB_USER' }, volume: { mountPath: '/var/run/db' } } }), namespace: 'other', store: 'kv-other' },
  ]),
);
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'kv-airflow-'));
const references: Record<string, Ref[]> = {};
const modules: Record<string, string> = {};
for (const env of [...examples, twoNamespaces]) {
  const dir = path.join(scratch, env.environment);
  fs.mkdirSync(dir);
  const files = renderAirflowHelpers(env);
  modules[env.environment] = path.join(dir, AIRFLOW_MODULE_FILE);
  fs.writeFileSync(modules[env.environment]!, files.get(`${AIRFLOW_HELPERS_DIR}/${AIRFLOW_MODULE_FILE}`)!);
  references[env.environment] = (JSON.parse(files.get(`${AIRFLOW_HELPERS_DIR}/${AIRFLOW_REFERENCES_FILE}`)!) as { secrets: Ref[] }).secrets;
}

let probed: { python: string; kubernetes: string; environments: Record<string, Probed> };
beforeAll(() => {
  probed = JSON.parse(
    runPython(path.join(UTIL, 'airflow_helpers_probe.py'), [JSON.stringify({ modules, stub: path.join(UTIL, 'airflow_stub') })]),
  );
});
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

test('fails with a clear message when no Python has the Kubernetes client', () => {
  expect(() => findPython(['/nonexistent/python3'])).toThrow(
    /no Python 3 with the Kubernetes client found \(tried \/nonexistent\/python3: ENOENT\); install it with `apt-get install -y python3-kubernetes`/,
  );
  expect(pythonCandidates({ PYTHON: '/opt/py/bin/python3' })).toEqual(['/opt/py/bin/python3', '/usr/bin/python3', 'python3']);
});

describe.each(examples.map((e) => e.environment))('%s: generated module under python3', (name) => {
  test('imports without Airflow; only pod_operator_secrets() asks for the provider', () => {
    const p = probed.environments[name]!;
    expect(p.environment).toBe(name);
    expect(p.airflowImported).toBe(false);
    expect(p.withoutAirflow).toEqual({
      type: 'ImportError',
      message: expect.stringMatching(/^pod_operator_secrets\(\) needs apache-airflow-providers-cncf-kubernetes/),
    });
    expect(p.errors.empty).toEqual({ type: 'ValueError', message: 'pass at least one SecretRef' });
    expect(p.errors.unknown).toEqual({ type: 'KeyError', message: expect.stringContaining('no Secret airflow/no-such-secret in environment') });
  });

  test('exposes each Secret under the name references.json gives', () => {
    const p = probed.environments[name]!;
    const refs = references[name]!;
    expect(p.attributes).toEqual(Object.fromEntries(refs.map((r) => [`${r.namespace}/${r.name}`, r.python])));
    expect(p.secrets.map((s) => ({ ns: s.namespace, name: s.name, keys: s.keys, conn: s.connectionId, lookup: s.lookup }))).toEqual(
      refs.map((r) => ({ ns: r.namespace, name: r.name, keys: r.keys, conn: r.connection?.id ?? null, lookup: true })),
    );
  });

  test('executor_config pod overrides serialize to the expected pod spec', () => {
    const p = probed.environments[name]!;
    const refs = references[name]!;
    for (const [i, s] of p.secrets.entries()) {
      expect(s.executorConfig).toEqual({ pod_override: 'V1Pod' });
      expect(s.podOverride).toEqual(expectedPod([refs[i]!]));
    }
    expect(p.combined.airflow!.podOverride).toEqual(expectedPod(refs.filter((r) => r.namespace === 'airflow')));
  });

  test('KubernetesPodOperator secrets build the same container as the pod override', () => {
    const p = probed.environments[name]!;
    const refs = references[name]!;
    for (const [i, s] of p.secrets.entries()) expect(s.operatorPod).toEqual(operatorExpected([refs[i]!]));
    expect(p.combined.airflow!.operatorPod).toEqual(operatorExpected(refs.filter((r) => r.namespace === 'airflow')));
  });
});

test('dev: the serialized pod overrides are exactly what a DAG author would write by hand', () => {
  const byName = Object.fromEntries(probed.environments.dev!.secrets.map((s) => [s.name, s]));
  expect(byName['salesforce-credentials']!.podOverride).toEqual({
    spec: {
      containers: [
        {
          name: 'base',
          env: [
            { name: 'SALESFORCE_USERNAME', valueFrom: { secretKeyRef: { name: 'salesforce-credentials', key: 'username' } } },
            { name: 'SALESFORCE_PASSWORD', valueFrom: { secretKeyRef: { name: 'salesforce-credentials', key: 'password' } } },
            { name: 'SALESFORCE_SECURITY_TOKEN', valueFrom: { secretKeyRef: { name: 'salesforce-credentials', key: 'security_token' } } },
          ],
        },
      ],
    },
  });
  expect(byName['snowflake-connection']!.podOverride).toEqual({
    spec: {
      containers: [
        {
          name: 'base',
          env: [
            {
              name: 'AIRFLOW_CONN_SNOWFLAKE_DEFAULT',
              valueFrom: { secretKeyRef: { name: 'snowflake-connection', key: 'AIRFLOW_CONN_SNOWFLAKE_DEFAULT' } },
            },
          ],
        },
      ],
    },
  });
  expect(byName['partner-sftp-key']!.podOverride).toEqual({
    spec: {
      containers: [{ name: 'base', volumeMounts: [{ name: 'kv-partner-sftp-key', mountPath: '/opt/airflow/secrets/partner-sftp', readOnly: true }] }],
      volumes: [{ name: 'kv-partner-sftp-key', secret: { secretName: 'partner-sftp-key', items: [{ key: 'ssh-privatekey', path: 'id_ed25519' }] } }],
    },
  });
  expect(byName['salesforce-credentials']!.operatorSecrets).toEqual([
    { deploy_type: 'env', deploy_target: 'SALESFORCE_USERNAME', secret: 'salesforce-credentials', key: 'username', items: [] },
    { deploy_type: 'env', deploy_target: 'SALESFORCE_PASSWORD', secret: 'salesforce-credentials', key: 'password', items: [] },
    { deploy_type: 'env', deploy_target: 'SALESFORCE_SECURITY_TOKEN', secret: 'salesforce-credentials', key: 'security_token', items: [] },
  ]);
  expect(byName['partner-sftp-key']!.operatorSecrets).toEqual([
    {
      deploy_type: 'volume',
      deploy_target: '/opt/airflow/secrets/partner-sftp',
      secret: 'partner-sftp-key',
      key: null,
      items: [{ key: 'ssh-privatekey', path: 'id_ed25519' }],
    },
  ]);
});

test('envFrom and two namespaces: one override per namespace, mixing namespaces is refused', () => {
  const p = probed.environments.test!;
  expect(Object.keys(p.combined).sort()).toEqual(['airflow', 'other']);
  expect(p.attributes).toEqual({ 'airflow/api': 'airflow.API', 'other/db': 'other.DB' });
  expect(p.combined.airflow!.podOverride).toEqual({ spec: { containers: [{ name: 'base', envFrom: [{ secretRef: { name: 'api' } }] }] } });
  expect(p.combined.other!.podOverride).toEqual(expectedPod(references.test!.filter((r) => r.namespace === 'other')));
  expect(p.secrets.find((s) => s.name === 'api')!.operatorSecrets).toEqual([
    { deploy_type: 'env', deploy_target: null, secret: 'api', key: null, items: [] },
  ]);
  expect(p.errors.mixed).toEqual({
    type: 'ValueError',
    message: "a pod reads Secrets of its own namespace only, but these come from airflow, other: split the task or move the Secrets",
  });
});
