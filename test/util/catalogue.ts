import { stringify } from 'yaml';
import { CatalogueError, Environment, formatPath, parseEnvironment } from '../../config';

/** A small valid catalogue as a plain object; tests copy and break it. */
export function validCatalogue(): Record<string, any> {
  return {
    environment: 'test',
    tenantId: '11111111-2222-4333-8444-555555555555',
    keyVault: { name: 'kv-test-weu', cloud: 'PublicCloud' },
    cluster: { name: 'aks-test', oidcIssuerUrl: 'https://westeurope.oic.prod-aks.azure.com/tenant/issuer/' },
    identities: [
      { name: 'airflow-reader', namespace: 'airflow', serviceAccount: 'eso-airflow', clientId: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee' },
      { name: 'shared-reader', namespace: 'external-secrets', clientId: 'bbbbbbbb-cccc-4ddd-8eee-ffffffffffff' },
    ],
    stores: [
      { name: 'kv', kind: 'SecretStore', namespace: 'airflow', identity: 'airflow-reader', authType: 'WorkloadIdentity' },
      { name: 'shared', kind: 'ClusterSecretStore', namespaces: ['airflow', 'jobs'], identity: 'shared-reader', authType: 'WorkloadIdentity' },
    ],
    secrets: [
      { name: 'salesforce-credentials', namespace: 'airflow', store: 'kv', data: { username: 'salesforce-username', password: 'salesforce-password' } },
      { name: 'jobs-db', namespace: 'jobs', store: 'shared', data: { url: 'jobs-db-url' } },
    ],
  };
}

export const TEST_FILE = 'environments/test.yaml';

/** Parses a catalogue object as the loader would read the file `environments/test.yaml`. */
export function parse(catalogue: unknown, options: { requireClientIds?: boolean } = {}): Environment {
  return parseEnvironment(stringify(catalogue), TEST_FILE, { expectedName: 'test', ...options });
}

/** The problems (`path: message`) a catalogue is refused with; fails the test when it is accepted. */
export function problemsOf(catalogue: unknown, options: { requireClientIds?: boolean } = {}): string[] {
  return problemsOfText(typeof catalogue === 'string' ? catalogue : stringify(catalogue), options);
}

export function problemsOfText(text: string, options: { requireClientIds?: boolean } = {}): string[] {
  try {
    parseEnvironment(text, TEST_FILE, { expectedName: 'test', ...options });
  } catch (e) {
    if (e instanceof CatalogueError) return e.problems.map((p) => `${formatPath(p.path)}: ${p.message}`);
    throw e;
  }
  throw new Error('expected the catalogue to be refused, but it was accepted');
}
