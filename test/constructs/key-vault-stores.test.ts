import { Testing } from 'cdk8s';
import { KeyVaultClusterSecretStore, KeyVaultSecretStore, WorkloadIdentityServiceAccount } from '../../constructs';

const TENANT = '11111111-2222-4333-8444-555555555555';
const airflowSa = WorkloadIdentityServiceAccount.fromServiceAccountName('airflow', 'eso-airflow', { carriesTenantId: true });
const sharedSa = WorkloadIdentityServiceAccount.fromServiceAccountName('external-secrets', 'eso-shared', { carriesTenantId: true });

describe('KeyVaultSecretStore', () => {
  test('minimal snapshot', () => {
    const chart = Testing.chart();
    new KeyVaultSecretStore(chart, 'store', {
      name: 'azure-key-vault',
      namespace: 'airflow',
      vaultName: 'kv-dataplat-dev',
      authType: 'WorkloadIdentity',
      serviceAccount: airflowSa,
    });
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  test('writes an explicit WorkloadIdentity provider with the derived vault URL', () => {
    const chart = Testing.chart();
    const store = new KeyVaultSecretStore(chart, 'store', {
      name: 'kv',
      namespace: 'airflow',
      vaultName: 'KV-Gov-01',
      cloud: 'USGovernmentCloud',
      authType: 'WorkloadIdentity',
      serviceAccount: airflowSa,
    });
    const [obj] = Testing.synth(chart);
    expect(obj.apiVersion).toBe('external-secrets.io/v1');
    expect(obj.spec.provider.azurekv).toEqual({
      authType: 'WorkloadIdentity',
      environmentType: 'USGovernmentCloud',
      vaultUrl: 'https://kv-gov-01.vault.usgovcloudapi.net/',
      serviceAccountRef: { name: 'eso-airflow' },
    });
    expect(obj.spec.provider.azurekv.tenantId).toBeUndefined();
    expect(store.admits('airflow')).toBe(true);
    expect(store.admits('jobs')).toBe(false);
  });

  test('fails when authType is not WorkloadIdentity (ESO would default to ServicePrincipal)', () => {
    const chart = Testing.chart();
    expect(
      () =>
        new KeyVaultSecretStore(chart, 'store', {
          name: 'kv',
          namespace: 'airflow',
          vaultName: 'kv-dev',
          authType: undefined as unknown as 'WorkloadIdentity',
          serviceAccount: airflowSa,
        }),
    ).toThrow('test/store: authType: undefined is not supported (allowed: "WorkloadIdentity"; it must be explicit because ESO defaults a missing authType to ServicePrincipal)');
  });

  test('fails when tenantId is set and the ServiceAccount carries one ("multiple tenantID found")', () => {
    const chart = Testing.chart();
    expect(
      () =>
        new KeyVaultSecretStore(chart, 'store', {
          name: 'kv',
          namespace: 'airflow',
          vaultName: 'kv-dev',
          authType: 'WorkloadIdentity',
          serviceAccount: airflowSa,
          tenantId: TENANT,
        }),
    ).toThrow('test/store: tenantId: must not be set: ServiceAccount airflow/eso-airflow carries azure.workload.identity/tenant-id and ESO fails with "multiple tenantID found"');
  });

  test('fails when the ServiceAccount is in another namespace', () => {
    const chart = Testing.chart();
    expect(
      () =>
        new KeyVaultSecretStore(chart, 'store', { name: 'kv', namespace: 'airflow', vaultName: 'kv-dev', authType: 'WorkloadIdentity', serviceAccount: sharedSa }),
    ).toThrow('test/store: serviceAccount: external-secrets/eso-shared is in another namespace than the store (airflow); a SecretStore can only use a ServiceAccount of its own namespace');
  });

  test('fails when the vault name is invalid', () => {
    const chart = Testing.chart();
    expect(
      () => new KeyVaultSecretStore(chart, 'store', { name: 'kv', namespace: 'airflow', vaultName: 'kv--1', authType: 'WorkloadIdentity', serviceAccount: airflowSa }),
    ).toThrow('test/store: vaultName: "kv--1" is not a Key Vault name');
  });
});

describe('KeyVaultClusterSecretStore', () => {
  test('minimal snapshot', () => {
    const chart = Testing.chart();
    new KeyVaultClusterSecretStore(chart, 'store', {
      name: 'shared-key-vault',
      namespaces: ['jobs', 'airflow'],
      vaultName: 'kv-dataplat-dev',
      authType: 'WorkloadIdentity',
      serviceAccount: sharedSa,
    });
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  test('admits only the namespaces named, and names the ServiceAccount namespace', () => {
    const chart = Testing.chart();
    const store = new KeyVaultClusterSecretStore(chart, 'store', {
      name: 'shared',
      namespaces: ['jobs', 'airflow', 'jobs'],
      vaultName: 'kv-dataplat-dev',
      authType: 'WorkloadIdentity',
      serviceAccount: sharedSa,
    });
    const [obj] = Testing.synth(chart);
    expect(obj.kind).toBe('ClusterSecretStore');
    expect(obj.metadata.namespace).toBeUndefined();
    expect(obj.spec.conditions).toEqual([{ namespaces: ['airflow', 'jobs'] }]);
    expect(obj.spec.provider.azurekv.serviceAccountRef).toEqual({ name: 'eso-shared', namespace: 'external-secrets' });
    expect(store.admits('jobs')).toBe(true);
    expect(store.admits('default')).toBe(false);
  });

  test('fails when no namespace is admitted (it would serve the whole cluster)', () => {
    const chart = Testing.chart();
    expect(
      () => new KeyVaultClusterSecretStore(chart, 'store', { name: 'shared', namespaces: [], vaultName: 'kv-dev', authType: 'WorkloadIdentity', serviceAccount: sharedSa }),
    ).toThrow('test/store: namespaces: must name at least one namespace (without conditions a ClusterSecretStore serves every namespace)');
  });
});
