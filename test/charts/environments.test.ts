import * as fs from 'node:fs';
import * as path from 'node:path';
import { conditionsBound, listEnvironments, loadEnvironment } from '../../config';
import { renderEnvironment } from '../../charts/synth';
import * as eso from '../../constructs/imports/external-secrets.io';
import { DIST, distObjects, listFiles } from '../util/dist';

const ENVIRONMENTS = listEnvironments();

describe.each(ENVIRONMENTS)('environment %s', (name) => {
  const env = loadEnvironment(name, { requireClientIds: true });
  const rendered = renderEnvironment(env);

  test('snapshot', () => {
    expect(Object.fromEntries(rendered.files)).toMatchSnapshot();
  });

  test('committed dist/ equals a fresh synth (run `npm run synth` and commit when this fails)', () => {
    const dir = path.join(DIST, name);
    expect(listFiles(dir)).toEqual([...rendered.files.keys()].sort());
    for (const [file, content] of rendered.files) {
      expect({ file, content: fs.readFileSync(path.join(dir, file), 'utf8') }).toEqual({ file, content });
    }
  });

  test('only served ESO APIs and stable Kubernetes APIs are emitted', () => {
    const allowed = ['external-secrets.io/v1', 'v1', 'admissionregistration.k8s.io/v1', 'monitoring.coreos.com/v1', 'networking.k8s.io/v1'];
    for (const o of rendered.objects) expect(allowed).toContain(o.apiVersion);
  });

  test('every ExternalSecret reads through a store that exists and admits its namespace', () => {
    const stores = rendered.objects.filter((o) => o.kind === 'SecretStore' || o.kind === 'ClusterSecretStore') as any[];
    for (const es of rendered.objects.filter((o) => o.kind === 'ExternalSecret') as any[]) {
      const ref = es.spec.secretStoreRef;
      const store = stores.find(
        (s) => s.kind === ref.kind && s.metadata.name === ref.name && (s.kind === 'ClusterSecretStore' || s.metadata.namespace === es.metadata.namespace),
      );
      expect({ es: es.metadata.name, store: store?.metadata.name }).toEqual({ es: es.metadata.name, store: ref.name });
      if (store.kind === 'ClusterSecretStore') {
        const admitted = conditionsBound(store.spec.conditions) ?? [];
        expect(admitted).toContain(es.metadata.namespace);
      }
    }
  });

  test('every store authenticates as a ServiceAccount that exists and carries a client id', () => {
    const accounts = rendered.objects.filter((o) => o.kind === 'ServiceAccount') as any[];
    for (const store of rendered.objects.filter((o) => o.kind.endsWith('SecretStore')) as any[]) {
      const kv = store.spec.provider.azurekv;
      expect(kv.authType).toBe('WorkloadIdentity');
      expect(kv.vaultUrl).toBe(`https://${env.keyVault.name}.vault.azure.net/`);
      expect(kv.tenantId).toBeUndefined();
      const ns = store.kind === 'SecretStore' ? store.metadata.namespace : kv.serviceAccountRef.namespace;
      const sa = accounts.find((a) => a.metadata.name === kv.serviceAccountRef.name && a.metadata.namespace === ns);
      expect(sa).toBeDefined();
      expect(sa.metadata.annotations['azure.workload.identity/client-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(sa.metadata.annotations['azure.workload.identity/tenant-id']).toBe(env.tenantId);
    }
  });

  test('every ESO object survives the generated v1 bindings unchanged (no field the CRD does not define)', () => {
    const roundTrip: Record<string, (spec: any) => unknown> = {
      ExternalSecret: (s) => eso.toJson_ExternalSecretSpec(fromJson(s)),
      SecretStore: (s) => eso.toJson_SecretStoreSpec(fromJson(s)),
      ClusterSecretStore: (s) => eso.toJson_ClusterSecretStoreSpec(fromJson(s)),
      ClusterExternalSecret: (s) => eso.toJson_ClusterExternalSecretSpec(fromJson(s)),
    };
    for (const o of rendered.objects as any[]) {
      const f = roundTrip[o.kind];
      if (f) expect(prune(f(o.spec))).toEqual(o.spec);
    }
  });
});

test('dist/ holds exactly the example environments', () => {
  const dirs = fs.readdirSync(DIST, { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.startsWith('.')).map((d) => d.name);
  expect(dirs.sort()).toEqual(ENVIRONMENTS);
});

test('no Secret object and no secret-looking value anywhere in dist/', () => {
  const objects = distObjects();
  expect(objects.length).toBeGreaterThan(0);
  for (const { file, object } of objects) {
    expect({ file, kind: object.kind }).not.toEqual({ file, kind: 'Secret' });
    expect({ file, kind: object.kind }).not.toEqual({ file, kind: 'ConfigMap' });
  }
  const suspicious = [
    /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
    /AccountKey=/i,
    /eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/, // a JWT
    /\b[A-Za-z0-9+/]{40,}={0,2}(?![A-Za-z0-9+/=])/, // a long base64 blob
    /(password|passwd|secret|token)\s*[:=]\s*(?!\{\{)["']?[A-Za-z0-9!@#$%^&*]{6,}/i, // a literal credential
  ];
  for (const file of listFiles(DIST)) {
    const text = fs.readFileSync(path.join(DIST, file), 'utf8');
    for (const pattern of suspicious) expect({ file, match: text.match(pattern)?.[0] }).toEqual({ file, match: undefined });
  }
});

/** The generated bindings take camelCase TS props; our JSON is the wire form. Map the few renamed keys. */
function fromJson(spec: any): any {
  return JSON.parse(JSON.stringify(spec).replace(/"useAzureSDK"/g, '"useAzureSdk"'));
}

function prune(v: any): any {
  if (Array.isArray(v)) return v.map(prune);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, prune(x)]));
  }
  return v;
}
