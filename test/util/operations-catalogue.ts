import { stringify } from 'yaml';
import { CatalogueError, Environment, formatPath, parseEnvironment } from '../../config';

/** A small valid catalogue with an operations section, as a plain object; tests copy and break it. */
export function operationsCatalogue(): Record<string, any> {
  return {
    environment: 'test',
    tenantId: '11111111-2222-4333-8444-555555555555',
    keyVault: { name: 'kv-test-weu' },
    cluster: { name: 'aks-test', oidcIssuerUrl: 'https://westeurope.oic.prod-aks.azure.com/tenant/issuer/' },
    platform: { esoNamespace: 'external-secrets', prometheusOperator: true },
    identities: [
      { name: 'airflow-reader', namespace: 'airflow', clientId: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee' },
      { name: 'shared-reader', namespace: 'external-secrets', clientId: 'bbbbbbbb-cccc-4ddd-8eee-ffffffffffff' },
    ],
    stores: [
      { name: 'kv', kind: 'SecretStore', namespace: 'airflow', identity: 'airflow-reader', authType: 'WorkloadIdentity' },
      { name: 'shared', kind: 'ClusterSecretStore', namespaces: ['airflow', 'jobs'], identity: 'shared-reader', authType: 'WorkloadIdentity' },
    ],
    secrets: [{ name: 'salesforce-credentials', namespace: 'airflow', store: 'kv', data: { password: 'salesforce-password' } }],
    operations: {
      sharedSecrets: [{ name: 'smtp-relay', store: 'shared', namespaces: ['airflow', 'jobs'], data: { password: 'smtp-relay-password' } }],
    },
  };
}

/** Parses a catalogue object as the loader reads `environments/test.yaml`. */
export function parseOps(catalogue: unknown): Environment {
  return parseEnvironment(stringify(catalogue), 'environments/test.yaml', { expectedName: 'test', requireClientIds: true });
}

/** The problems (`path: message`) a catalogue is refused with; fails when it is accepted. */
export function opsProblems(catalogue: unknown): string[] {
  try {
    parseOps(catalogue);
  } catch (e) {
    if (e instanceof CatalogueError) return e.problems.map((p) => `${formatPath(p.path)}: ${p.message}`);
    throw e;
  }
  throw new Error('expected the catalogue to be refused, but it was accepted');
}
