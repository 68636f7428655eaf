/**
 * Small catalogues for tests: a valid environment file around the secrets and budget a test cares about.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { Environment, parseEnvironment } from '../../config';

/** The parts of a catalogue a test varies; the rest is a minimal valid environment. */
export interface CatalogueSpec {
  readonly environment?: string;
  readonly vault?: string;
  readonly defaults?: Record<string, unknown>;
  readonly budget?: Record<string, unknown>;
  readonly secrets?: ReadonlyArray<Record<string, unknown>>;
  /** `operations.sharedSecrets`: ClusterExternalSecrets through the `kv` ClusterSecretStore. */
  readonly sharedSecrets?: ReadonlyArray<Record<string, unknown>>;
}

/** The YAML text of a catalogue: one ClusterSecretStore `kv` admitting `airflow` and `data`. */
export function catalogueYaml(spec: CatalogueSpec = {}): string {
  const doc: Record<string, unknown> = {
    environment: spec.environment ?? 'test',
    tenantId: '11111111-2222-4333-8444-555555555555',
    keyVault: { name: spec.vault ?? 'kv-test' },
    cluster: { name: 'aks-test', oidcIssuerUrl: 'https://oidc.example.com/issuer/' },
    ...(spec.defaults ? { defaults: spec.defaults } : {}),
    identities: [
      { name: 'reader', namespace: 'external-secrets', clientId: '66666666-7777-4888-9999-000000000000' },
    ],
    stores: [
      { name: 'kv', kind: 'ClusterSecretStore', namespaces: ['airflow', 'data'], identity: 'reader', authType: 'WorkloadIdentity' },
    ],
    secrets: spec.secrets ?? [],
    ...(spec.budget ? { budget: spec.budget } : {}),
    // Budget tests use refresh intervals below the admission policy's floor on purpose.
    operations: { admission: { enabled: false }, sharedSecrets: spec.sharedSecrets ?? [] },
  };
  return stringify(doc, { lineWidth: 0 });
}

/** A parsed catalogue. */
export function catalogue(spec: CatalogueSpec = {}): Environment {
  return parseEnvironment(catalogueYaml(spec), `${spec.environment ?? 'test'}.yaml`, { requireClientIds: true });
}

/** A temporary folder holding `environments/<name>.yaml` for each spec; returns the catalogue folder. */
export function catalogueDir(specs: readonly CatalogueSpec[]): string {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kvss-cat-')), 'environments');
  fs.mkdirSync(dir);
  for (const spec of specs) fs.writeFileSync(path.join(dir, `${spec.environment ?? 'test'}.yaml`), catalogueYaml(spec));
  return dir;
}

/** `n` data entries `key-0: <prefix>-0`, ... */
export function dataKeys(n: number, prefix = 'kv-secret'): Record<string, string> {
  return Object.fromEntries(Array.from({ length: n }, (_, i) => [`key-${i}`, `${prefix}-${i}`]));
}
