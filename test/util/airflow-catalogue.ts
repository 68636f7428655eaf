/** A minimal catalogue for tests of `secrets[].airflow`, and helpers to load variants of it. */
import { stringify } from 'yaml';
import { CatalogueError, Environment, parseEnvironment } from '../../config';

/** A valid environment with one store per namespace and no secrets; add secrets per test. */
export function baseCatalogue(secrets: unknown[] = []): Record<string, unknown> {
  return {
    environment: 'test',
    tenantId: '5f2b8c1e-7a4d-4e3b-9c6f-2d8a1b7e4c90',
    keyVault: { name: 'kv-test-weu' },
    cluster: { name: 'aks-test', oidcIssuerUrl: 'https://oidc.example.com/issuer/' },
    identities: [
      { name: 'reader', namespace: 'airflow', clientId: '3b9d2c4e-5a6f-4b70-8c91-d2e3f4a5b6c7' },
      { name: 'other-reader', namespace: 'other', clientId: '8e1f2a3b-4c5d-4e6f-9a0b-1c2d3e4f5a6b' },
    ],
    stores: [
      { name: 'kv', kind: 'SecretStore', namespace: 'airflow', identity: 'reader', authType: 'WorkloadIdentity' },
      { name: 'kv-other', kind: 'SecretStore', namespace: 'other', identity: 'other-reader', authType: 'WorkloadIdentity' },
    ],
    secrets,
  };
}

/** A secret in namespace airflow with fetched keys `user` and `password`, plus `extra` fields. */
export function secret(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, namespace: 'airflow', store: 'kv', data: { user: `${name}-user`, password: `${name}-password` }, ...extra };
}

/** Parses a catalogue object as `environments/test.yaml`. */
export function load(catalogue: Record<string, unknown>): Environment {
  return parseEnvironment(stringify(catalogue), 'environments/test.yaml', { requireClientIds: true });
}

/** The problems (as `path: message` lines, no file or position) a catalogue is refused with; [] when it loads. */
export function problems(catalogue: Record<string, unknown>): string[] {
  try {
    load(catalogue);
    return [];
  } catch (e) {
    if (!(e instanceof CatalogueError)) throw e;
    return e.message.split('\n').slice(1).map((l) => l.trim().replace(/^environments\/test\.yaml(:\d+:\d+)?: /, ''));
  }
}
