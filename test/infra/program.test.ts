/**
 * The Pulumi program under recording mocks (an update, not a preview): what each example environment creates,
 * with every security-relevant input, the dependency edges and both delivery modes.
 */
import type * as ProgramModule from '../../infra/program';
import { Environment, WORKLOAD_IDENTITY_AUDIENCE, identityServiceAccount, podSecurityLabels, serviceAccountSubject } from '../../config';
import { renderEnvironment } from '../../charts/synth';
import { KEY_VAULT_SECRETS_USER_ROLE_ID } from '../../infra/azure';
import { StackSettings } from '../../infra/stack-config';
import { Recorder, installMocks, settle, valueOf } from '../util/pulumi-mocks';
import { SUBSCRIPTION, answerAzure, environment, liveClientId, livePrincipalId, vaultArmId } from './fixtures';

const T = {
  vault: 'azure-native:keyvault:Vault',
  lock: 'azure-native:authorization:ManagementLockByScope',
  pe: 'azure-native:network:PrivateEndpoint',
  dns: 'azure-native:network:PrivateDnsZoneGroup',
  diag: 'azure-native:monitor:DiagnosticSetting',
  uami: 'azure-native:managedidentity:UserAssignedIdentity',
  fic: 'azure-native:managedidentity:FederatedIdentityCredential',
  ra: 'azure-native:authorization:RoleAssignment',
  release: 'kubernetes:helm.sh/v3:Release',
  provider: 'pulumi:providers:kubernetes',
  sa: 'kubernetes:core/v1:ServiceAccount',
};

const SECRET_SIG = '4dabf18193072939515e22adb298388d';
const SECRET_VALUE = '1b47061264138c4ac30d75fd1eb44270';

let rec: Recorder;
let program: typeof ProgramModule;

beforeAll(async () => {
  rec = await installMocks();
  // Loaded after the mocks are set, as Pulumi's unit-testing guide requires.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  program = require('../../infra/program') as typeof ProgramModule;
});

// A program error that no test expected fails the test that caused it.
afterEach(async () => expect(await failures()).toEqual([]));

function settings(env: string, extra: Partial<StackSettings> = {}): StackSettings {
  return { environment: env, catalogueDir: 'environments', kubeloginMode: 'azurecli', ...extra };
}

/** The program's unhandled failures so far (how the language host fails a run), deduplicated. */
async function failures(): Promise<string[]> {
  await new Promise((resolve) => setImmediate(resolve));
  return rec.takeFailures();
}

/** Runs the program for `env` on a fresh recording (the resources of earlier runs are forgotten). */
async function run(env: Environment, stackSettings: StackSettings, answers: Parameters<typeof answerAzure>[2] = {}) {
  rec.reset();
  answerAzure(rec, env, answers);
  const stack = program.environmentStack(env.environment, stackSettings, env);
  await settle();
  return stack;
}

describe('dev: public vault behind the firewall, delivery pulumi', () => {
  let env: Environment;
  let stack: ProgramModule.EnvironmentStack;
  // One run serves the block: its tests read the recording (a test that runs again records the same).
  let warnings: string[];
  beforeAll(async () => {
    env = environment('dev');
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    stack = await run(env, settings('dev', { kubeContext: 'aks-dataplat-dev' }), { matchCatalogue: false });
    await valueOf(stack.outputs.catalogueCheck);
    warnings = warn.mock.calls.map((c) => String(c[0]));
    warn.mockRestore();
  });

  test('the vault uses RBAC, soft delete, purge protection and a deny-by-default firewall', () => {
    const vault = rec.get(T.vault, 'key-vault-vault');
    expect(vault.inputs.vaultName).toBe('kv-dataplat-dev-weu');
    expect(vault.inputs.resourceGroupName).toBe('rg-dataplat-dev-weu');
    expect(vault.inputs.location).toBe('westeurope');
    expect(vault.inputs.properties).toEqual({
      tenantId: env.tenantId,
      sku: { family: 'A', name: 'standard' },
      enableRbacAuthorization: true,
      enableSoftDelete: true,
      softDeleteRetentionInDays: 7,
      enablePurgeProtection: true,
      enabledForDeployment: false,
      enabledForDiskEncryption: false,
      enabledForTemplateDeployment: false,
      publicNetworkAccess: 'Enabled',
      networkAcls: {
        defaultAction: 'Deny',
        bypass: 'None',
        ipRules: [{ value: '203.0.113.0/28' }, { value: '198.51.100.24' }],
        virtualNetworkRules: [],
      },
    });
    expect(vault.inputs.properties.accessPolicies).toBeUndefined();
  });

  test('dev turns deletion protection off: no lock, no protect', () => {
    expect(rec.ofType(T.lock)).toHaveLength(0);
    expect(rec.get(T.vault, 'key-vault-vault').protect).toBe(false);
    expect(rec.ofType(T.pe)).toHaveLength(0);
    expect(rec.ofType(T.diag)).toHaveLength(0);
  });

  test('one managed identity and one credential per catalogue identity, subject as in the synthesized ServiceAccount', () => {
    const synthesized = renderEnvironment(env).objects.filter((o) => o.kind === 'ServiceAccount');
    expect(rec.ofType(T.uami).map((r) => r.inputs.resourceName).sort()).toEqual(['airflow-secrets-reader', 'shared-secrets-reader']);
    for (const identity of env.identities) {
      const sa = synthesized.find((o) => o.metadata.name === identityServiceAccount(identity))!;
      const credential = rec.get(T.fic, `identity-${identity.name}-credential-aks-dataplat-dev`);
      expect(credential.inputs).toMatchObject({
        issuer: env.cluster.oidcIssuerUrl,
        subject: `system:serviceaccount:${sa.metadata.namespace}:${sa.metadata.name}`,
        audiences: [WORKLOAD_IDENTITY_AUDIENCE],
        resourceName: identity.name,
        resourceGroupName: 'rg-dataplat-dev-weu',
        federatedIdentityCredentialResourceName: `aks-dataplat-dev-${identity.namespace}-${identityServiceAccount(identity)}`,
      });
      expect(credential.inputs.audiences).toEqual(['api://AzureADTokenExchange']);
    }
  });

  test('Key Vault Secrets User on the vault for each identity a store uses, as ServicePrincipal', () => {
    const assignments = rec.ofType(T.ra);
    expect(assignments.map((a) => a.name).sort()).toEqual(['access-airflow-secrets-reader-vault', 'access-shared-secrets-reader-vault']);
    for (const a of assignments) {
      const identity = a.name.replace(/^access-/, '').replace(/-vault$/, '');
      expect(a.inputs).toMatchObject({
        scope: vaultArmId('rg-dataplat-dev-weu', 'kv-dataplat-dev-weu'),
        principalId: livePrincipalId(identity),
        principalType: 'ServicePrincipal',
        roleDefinitionId: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6`,
      });
      expect(a.inputs.roleAssignmentName).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    expect(KEY_VAULT_SECRETS_USER_ROLE_ID).toBe('4633458b-17de-408a-b874-0445c86b69e6');
  });

  test('role assignment names are the same on every run', async () => {
    const first = rec.ofType(T.ra).map((a) => a.inputs.roleAssignmentName);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    await run(env, settings('dev', { kubeContext: 'aks-dataplat-dev' }), { matchCatalogue: false });
    await settle();
    warn.mockRestore();
    expect(rec.ofType(T.ra).map((a) => a.inputs.roleAssignmentName)).toEqual(first);
    expect(new Set(first).size).toBe(first.length);
  });

  test('the ESO release is the pinned chart with the catalogue overrides merged in', () => {
    const release = rec.get(T.release, 'external-secrets-release');
    expect(release.inputs).toMatchObject({
      name: 'external-secrets',
      chart: 'external-secrets',
      version: '2.9.0',
      repositoryOpts: { repo: 'https://charts.external-secrets.io' },
      namespace: 'external-secrets',
      atomic: true,
    });
    const ns = rec.get('kubernetes:core/v1:Namespace', 'external-secrets-namespace');
    // The same Pod Security labels as dist/<env>/eso-namespace.yaml (operations.podSecurity).
    expect(ns.inputs.metadata).toEqual({ name: 'external-secrets', labels: podSecurityLabels('restricted', 'latest') });
    expect(ns.inputs.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(release.dependencies).toContain(ns.urn);
    expect(ns.retainOnDelete).toBe(true);
    const v = release.inputs.values;
    expect(v.installCRDs).toBe(true);
    expect(v.replicaCount).toBe(1); // dev override
    expect(v.podDisruptionBudget).toEqual({ enabled: false, minAvailable: 1 }); // merged key by key
    expect(v.leaderElect).toBe(true);
    expect(v.rbac.serviceAccountTokenCreate).toBe(true);
    expect(v.serviceMonitor).toEqual({ enabled: false, renderMode: 'alwaysRender' });
    expect(v.grafanaDashboard).toBeUndefined();
    expect(v.webhook.replicaCount).toBe(2);
    expect(v.certController.podDisruptionBudget).toEqual({ enabled: true, minAvailable: 1 });
  });

  test('the Kubernetes provider uses the kubeconfig context with server-side apply', () => {
    const provider = rec.get(T.provider, 'kubernetes');
    expect(provider.inputs.context).toBe('aks-dataplat-dev');
    expect(provider.inputs.kubeconfig).toBeUndefined();
    expect(JSON.parse(provider.inputs.enableServerSideApply)).toBe(true);
    expect(rec.invokes.map((i) => i.token)).not.toContain('azure-native:containerservice:listManagedClusterUserCredentials');
  });

  test('the in-cluster objects are the synthesized ones, with the live client ids', () => {
    const applied = rec.resources.filter((r) => r.type.startsWith('kubernetes:') && r.type !== T.release && r.type !== 'kubernetes:core/v1:Namespace');
    const all = renderEnvironment(env, {
      clientIds: Object.fromEntries(env.identities.map((i) => [i.name, liveClientId(env, i.name, false)])),
    }).objects;
    // The ESO namespace is the release component's (same labels), not applied twice.
    expect(all.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name)).toEqual(['external-secrets']);
    const synthesized = all.filter((o) => o.kind !== 'Namespace');
    expect(new Set(synthesized.map((o) => o.kind))).toEqual(
      new Set(['ServiceAccount', 'SecretStore', 'ClusterSecretStore', 'ExternalSecret', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding']),
    );
    expect(applied).toHaveLength(synthesized.length);
    for (const o of synthesized) {
      const type = o.apiVersion === 'v1' ? `kubernetes:core/v1:${o.kind}` : `kubernetes:${o.apiVersion}:${o.kind}`;
      const r = rec.get(type, `cluster-${o.kind.toLowerCase()}-${o.metadata.namespace ?? 'cluster'}-${o.metadata.name}`);
      expect(r.inputs.metadata).toEqual(o.metadata);
      if (o.kind === 'ServiceAccount') expect(r.inputs.automountServiceAccountToken).toBe(false);
      else expect(r.inputs.spec).toEqual(o.spec);
    }
    const sa = rec.get(T.sa, 'cluster-serviceaccount-airflow-eso-airflow');
    expect(sa.inputs.metadata.annotations['azure.workload.identity/client-id']).toBe(liveClientId(env, 'airflow-secrets-reader', false));
    expect(sa.inputs.metadata.annotations['azure.workload.identity/client-id']).not.toBe(env.identities[0]!.clientId);
  });

  test('in-cluster objects wait for the release and the role assignments; stores for ServiceAccounts; ExternalSecrets for stores', () => {
    const release = rec.get(T.release, 'external-secrets-release');
    const assignments = rec.ofType(T.ra);
    const applied = rec.resources.filter((r) => r.type.startsWith('kubernetes:') && r.type !== T.release && r.type !== 'kubernetes:core/v1:Namespace');
    for (const r of applied) {
      expect(r.dependencies).toContain(release.urn);
      for (const a of assignments) expect(r.dependencies).toContain(a.urn);
    }
    const provider = rec.get(T.provider, 'kubernetes');
    expect(rec.get(T.release, 'external-secrets-release').provider).toBe(`${provider.urn}::${provider.name}-id`);
    const sa = rec.get(T.sa, 'cluster-serviceaccount-airflow-eso-airflow');
    const store = rec.get('kubernetes:external-secrets.io/v1:SecretStore', 'cluster-secretstore-airflow-azure-key-vault');
    const es = rec.get('kubernetes:external-secrets.io/v1:ExternalSecret', 'cluster-externalsecret-airflow-salesforce-credentials');
    expect(store.dependencies).toContain(sa.urn);
    expect(es.dependencies).toContain(store.urn);
    expect(sa.provider).toBe(`${provider.urn}::${provider.name}-id`);
  });

  test('outputs: vault, tenant, client and principal ids, release status', async () => {
    const o = stack.outputs;
    expect(await valueOf(o.vaultUri)).toBe('https://kv-dataplat-dev-weu.vault.azure.net/');
    expect(await valueOf(o.vaultId)).toBe(vaultArmId('rg-dataplat-dev-weu', 'kv-dataplat-dev-weu'));
    expect(await valueOf(o.tenantId)).toBe(env.tenantId);
    expect(await valueOf(o.clientIds['airflow-secrets-reader']!)).toBe(liveClientId(env, 'airflow-secrets-reader', false));
    expect(await valueOf(o.principalIds['shared-secrets-reader']!)).toBe(livePrincipalId('shared-secrets-reader'));
    expect(await valueOf(o.esoReleaseStatus)).toBe('deployed');
    // delivery pulumi applies the live ids itself: a stale catalogue only warns (dist/dev would be wrong).
    const live = liveClientId(env, 'airflow-secrets-reader', false);
    expect(await valueOf(o.catalogueCheck)).toContain(`identities[0].clientId: "${env.identities[0]!.clientId}" is not the client id of managed identity "airflow-secrets-reader"; write clientId: ${live}`);
    expect(warnings).toHaveLength(2);
  });
});

describe('prod: private vault, AKS access, delivery gitops', () => {
  let env: Environment;
  let stack: ProgramModule.EnvironmentStack;
  beforeAll(async () => {
    env = environment('prod');
    stack = await run(env, settings('prod', { kubeloginMode: 'workloadidentity' }));
  });

  test('the vault is locked against deletion and protected', () => {
    const vault = rec.get(T.vault, 'key-vault-vault');
    expect(vault.protect).toBe(true);
    expect(vault.inputs.properties).toMatchObject({
      publicNetworkAccess: 'Disabled',
      enablePurgeProtection: true,
      enableRbacAuthorization: true,
      softDeleteRetentionInDays: 90,
      sku: { family: 'A', name: 'premium' },
      networkAcls: { defaultAction: 'Deny', bypass: 'None', ipRules: [], virtualNetworkRules: [] },
    });
    const lock = rec.get(T.lock, 'key-vault-lock');
    expect(lock.inputs.level).toBe('CanNotDelete');
    expect(lock.inputs.scope).toBe(vaultArmId('rg-dataplat-prod-weu', 'kv-dataplat-prod-weu'));
  });

  test('a private endpoint in the catalogue subnet, registered in the private DNS zone', () => {
    const pe = rec.get(T.pe, 'key-vault-private-endpoint');
    expect(pe.inputs.subnet.id).toBe(env.infra!.keyVault.privateEndpoint!.subnetId);
    expect(pe.inputs.privateLinkServiceConnections).toEqual([
      expect.objectContaining({ groupIds: ['vault'], privateLinkServiceId: vaultArmId('rg-dataplat-prod-weu', 'kv-dataplat-prod-weu') }),
    ]);
    const dns = rec.get(T.dns, 'key-vault-private-dns');
    expect(dns.inputs.privateDnsZoneConfigs[0].privateDnsZoneId).toBe(env.infra!.keyVault.privateEndpoint!.privateDnsZoneId);
  });

  test('audit events go to the Log Analytics workspace', () => {
    const diag = rec.get(T.diag, 'key-vault-diagnostics');
    expect(diag.inputs.workspaceId).toBe(env.infra!.keyVault.logAnalyticsWorkspaceId);
    expect(diag.inputs.resourceUri).toBe(vaultArmId('rg-dataplat-prod-weu', 'kv-dataplat-prod-weu'));
    expect(diag.inputs.logs).toEqual([{ categoryGroup: 'audit', enabled: true }]);
  });

  test('the issuer comes from the AKS cluster', () => {
    const getCluster = rec.invokes.find((i) => i.token === 'azure-native:containerservice:getManagedCluster')!;
    expect(getCluster.inputs).toEqual({ resourceGroupName: 'rg-dataplat-prod-weu', resourceName: 'aks-dataplat-prod' });
    for (const c of rec.ofType(T.fic)) expect(c.inputs.issuer).toBe(env.cluster.oidcIssuerUrl);
  });

  test('the Kubernetes provider uses the AKS credentials, converted to a non-interactive kubelogin, as a secret', () => {
    const provider = rec.get(T.provider, 'kubernetes');
    expect(provider.inputs.context).toBeUndefined();
    // Kept secret in state: the mock sees Pulumi's secret envelope.
    expect(provider.inputs.kubeconfig[SECRET_SIG]).toBe(SECRET_VALUE);
    const kubeconfig = provider.inputs.kubeconfig.value as string;
    expect(kubeconfig).toContain('- workloadidentity');
    expect(kubeconfig).not.toContain('devicecode');
    expect(kubeconfig).toContain('6dae42f8-4368-4678-94ff-3960e28e3630');
    const creds = rec.invokes.find((i) => i.token === 'azure-native:containerservice:listManagedClusterUserCredentials')!;
    expect(creds.inputs).toMatchObject({ resourceGroupName: 'rg-dataplat-prod-weu', resourceName: 'aks-dataplat-prod', format: 'exec' });
  });

  test('gitops stops at identities and the releases (ESO, and Reloader in prod): no in-cluster objects', () => {
    const k8s = rec.resources.filter((r) => r.type.startsWith('kubernetes:'));
    expect(k8s.map((r) => `${r.type} ${r.name}`).sort()).toEqual([
      'kubernetes:core/v1:Namespace external-secrets-namespace',
      'kubernetes:core/v1:Namespace reloader-namespace',
      `${T.release} external-secrets-release`,
      `${T.release} reloader-release`,
    ]);
    expect(stack.clusterResources).toBeUndefined();
  });

  test('Prometheus Operator environments get a ServiceMonitor rendered without a lookup', () => {
    const v = rec.get(T.release, 'external-secrets-release').inputs.values;
    // honorLabels follows operations.alerts.namespaceLabel (exported_namespace by default).
    expect(v.serviceMonitor).toEqual({ enabled: true, honorLabels: false, renderMode: 'alwaysRender' });
    expect(v.grafanaDashboard).toEqual({ enabled: true });
    expect(v.replicaCount).toBe(2);
    expect(v.concurrent).toBe(2);
  });

  test('the catalogue check passes when the recorded client ids are the live ones', async () => {
    expect(await valueOf(stack.outputs.catalogueCheck)).toBe('ok');
    expect(await valueOf(stack.outputs.clientIds['airflow-secrets-reader']!)).toBe(env.identities[0]!.clientId);
  });
});

describe('failures that say what to do', () => {
  test('gitops fails with the exact client id to write when the catalogue differs from the live identity', async () => {
    const env = environment('staging');
    const stack = await run(env, settings('staging'), { matchCatalogue: false });
    const live = liveClientId(env, 'airflow-secrets-reader', false);
    await expect(valueOf(stack.outputs.catalogueCheck)).rejects.toThrow(
      `environments/staging.yaml: identities[0].clientId: "${env.identities[0]!.clientId}" is not the client id of managed identity "airflow-secrets-reader"; write clientId: ${live}, then run \`npm run synth\``,
    );
    expect(await failures()).toEqual([expect.stringContaining(`write clientId: ${live}`)]);
  });

  test('first run (update): an identity without a recorded client id warns with the value to write, and does not fail', async () => {
    const env = environment('staging');
    delete env.identities[1]!.clientId;
    // Without an engine, pulumi.log writes to the console.
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const stack = await run(env, settings('staging'));
    const live = liveClientId(env, 'shared-secrets-reader', true);
    expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([
      expect.stringContaining('identities[1].clientId: not recorded yet; once `pulumi up` has created managed identity "shared-secrets-reader", write its client id (stack output clientIds.shared-secrets-reader) here'),
      expect.stringContaining(`identities[1].clientId: missing; write clientId: ${live}`),
    ]);
    warn.mockRestore();
    expect(await valueOf(stack.outputs.catalogueCheck)).toBe(
      `environments/staging.yaml: identities[1].clientId: missing; write clientId: ${live} (the client id of managed identity "shared-secrets-reader"), then run \`npm run synth\` and commit environments/ and dist/ together`,
    );
  });

  test('fails when the AKS cluster reports another issuer than the catalogue', async () => {
    const env = environment('prod');
    const stack = await run(env, settings('prod'), { aksIssuer: 'https://westeurope.oic.prod-aks.azure.com/other/' });
    await expect(valueOf(stack.identities.get('airflow-secrets-reader')!.credentials[0]!.issuer)).rejects.toThrow(
      'environments/prod.yaml: cluster.oidcIssuerUrl: "https://westeurope.oic.prod-aks.azure.com/5f2b8c1e-7a4d-4e3b-9c6f-2d8a1b7e4c90/9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a/" is not the OIDC issuer of AKS cluster "aks-dataplat-prod"; write oidcIssuerUrl: https://westeurope.oic.prod-aks.azure.com/other/',
    );
    expect(await failures()).toEqual([expect.stringContaining('write oidcIssuerUrl: https://westeurope.oic.prod-aks.azure.com/other/')]);
  });

  test('fails when the Azure login is for another tenant', async () => {
    const env = environment('staging');
    const stack = await run(env, settings('staging'), { loginTenant: '00000000-1111-4222-8333-444444444444' });
    await expect(valueOf(stack.outputs.tenantId)).rejects.toThrow(
      'environments/staging.yaml: tenantId: "5f2b8c1e-7a4d-4e3b-9c6f-2d8a1b7e4c90" but the Azure login is for tenant "00000000-1111-4222-8333-444444444444"',
    );
    expect(await failures()).toEqual([expect.stringContaining('az login --tenant 5f2b8c1e-7a4d-4e3b-9c6f-2d8a1b7e4c90')]);
    expect(rec.ofType(T.vault)).toHaveLength(0);
    expect(rec.ofType(T.uami)).toHaveLength(0);
  });

  test('fails when the catalogue has no infra section, before creating anything', () => {
    rec.reset();
    const env = environment('dev');
    delete (env as { infra?: unknown }).infra;
    expect(() => program.environmentStack('dev', settings('dev'), env)).toThrow(
      'environments/dev.yaml: infra: missing; the Pulumi stack needs at least infra.resourceGroup and infra.location',
    );
    expect(rec.resources).toHaveLength(0);
  });

  test('fails when the stack has no way to reach the cluster', () => {
    rec.reset();
    const env = environment('dev');
    expect(() => program.environmentStack('dev', settings('dev'), env)).toThrow(
      'infra/Pulumi.dev.yaml: kv-secrets-sync:kubeContext: missing, and environments/dev.yaml has no infra.cluster.aksClusterId',
    );
    expect(rec.resources).toHaveLength(0);
  });

  test('fails when an adopted vault uses access policies', async () => {
    const env = environment('staging');
    env.infra!.keyVault = { ...env.infra!.keyVault, existingId: vaultArmId('rg-shared', 'kv-dataplat-stg-weu'), privateEndpoint: undefined, logAnalyticsWorkspaceId: undefined };
    const stack = await run(env, settings('staging'), { existingVaultRbac: false });
    await expect(valueOf(stack.outputs.vaultId)).rejects.toThrow(
      'infra.keyVault.existingId: vault "kv-dataplat-stg-weu" uses access policies; the stack grants access with Azure RBAC',
    );
    expect(await failures()).toEqual([expect.stringContaining('az keyvault update --enable-rbac-authorization true')]);
  });
});

describe('variants', () => {
  test('credentials of one identity are created one after another', async () => {
    const env = environment('staging');
    env.infra!.cluster.additionalIssuers = [
      { name: 'aks-dataplat-stg-green', oidcIssuerUrl: 'https://westeurope.oic.prod-aks.azure.com/t/green/' },
      { name: 'aks-dataplat-stg-blue', oidcIssuerUrl: 'https://westeurope.oic.prod-aks.azure.com/t/blue/' },
    ];
    await run(env, settings('staging'));
    for (const identity of env.identities) {
      const names = ['aks-dataplat-stg', 'aks-dataplat-stg-green', 'aks-dataplat-stg-blue'];
      const creds = names.map((n) => rec.get(T.fic, `identity-${identity.name}-credential-${n}`));
      expect(creds.map((c) => c.inputs.issuer)).toEqual([
        env.cluster.oidcIssuerUrl,
        'https://westeurope.oic.prod-aks.azure.com/t/green/',
        'https://westeurope.oic.prod-aks.azure.com/t/blue/',
      ]);
      expect(creds[0]!.dependencies.filter((d) => d.includes('FederatedIdentityCredential'))).toEqual([]);
      expect(creds[1]!.dependencies).toContain(creds[0]!.urn);
      expect(creds[2]!.dependencies).toContain(creds[1]!.urn);
      for (const c of creds) {
        expect(c.inputs.subject).toBe(serviceAccountSubject(identity.namespace, identityServiceAccount(identity)));
      }
    }
  });

  test('fails when a workload identity is given more than 20 issuers, before creating its children', async () => {
    rec.reset();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { WorkloadIdentity } = require('../../infra/workload-identity') as typeof import('../../infra/workload-identity');
    const issuers = Array.from({ length: 21 }, (_, i) => ({ cluster: `aks-${i}`, issuerUrl: `https://issuer.example/${i}/` }));
    expect(
      () =>
        new WorkloadIdentity('too-many', {
          identityName: 'reader',
          resourceGroupName: 'rg',
          location: 'westeurope',
          namespace: 'airflow',
          serviceAccount: 'reader',
          issuers,
        }),
    ).toThrow('identity "reader": 21 federated credentials requested but Azure allows 20 per identity');
    await settle();
    expect(rec.ofType('kv-secrets-sync:identity:WorkloadIdentity').map((r) => r.name)).toEqual(['too-many']);
    expect(rec.ofType(T.uami)).toHaveLength(0);
    expect(rec.ofType(T.fic)).toHaveLength(0);
  });

  test('per-secret scope grants the role on exactly the secrets each identity reads, shared secrets included', async () => {
    const env = environment('dev');
    env.secrets = env.secrets.filter((s) => !(s.dataFrom ?? []).some((d) => 'find' in d));
    env.operations.sharedSecrets.push({
      name: 'smtp-relay',
      store: 'shared-key-vault',
      namespaces: ['airflow'],
      namespacesRefreshTime: '1m',
      data: { username: 'smtp-relay-username' },
    } as (typeof env.operations.sharedSecrets)[number]);
    env.infra!.roleAssignmentScope = 'secret';
    await run(env, settings('dev', { kubeContext: 'dev' }));
    const vaultId = vaultArmId('rg-dataplat-dev-weu', 'kv-dataplat-dev-weu');
    const scopes = (identity: string) =>
      rec
        .ofType(T.ra)
        .filter((a) => a.name.startsWith(`access-${identity}-`))
        .map((a) => a.inputs.scope)
        .sort();
    expect(scopes('airflow-secrets-reader')).toEqual(
      [
        'acr-pull-password',
        'acr-pull-username',
        'partner-sftp-private-key',
        'reporting-postgres',
        'salesforce-password',
        'salesforce-security-token',
        'salesforce-username',
        'snowflake-account',
        'snowflake-password',
        'snowflake-user',
      ].map((s) => `${vaultId}/secrets/${s}`),
    );
    expect(scopes('shared-secrets-reader')).toEqual([`${vaultId}/secrets/reporting-postgres`, `${vaultId}/secrets/smtp-relay-username`]);
    for (const a of rec.ofType(T.ra)) {
      expect(a.inputs.principalType).toBe('ServicePrincipal');
      expect(a.inputs.roleDefinitionId).toMatch(/\/roleDefinitions\/4633458b-17de-408a-b874-0445c86b69e6$/);
    }
    expect(new Set(rec.ofType(T.ra).map((a) => a.inputs.roleAssignmentName)).size).toBe(12);
  });

  test('an existing vault is adopted: no vault, lock or endpoint is created, access is granted on it', async () => {
    const env = environment('staging');
    const existing = '/subscriptions/0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e/resourceGroups/rg-shared/providers/Microsoft.KeyVault/vaults/kv-dataplat-stg-weu';
    env.infra!.keyVault = { ...env.infra!.keyVault, existingId: existing, privateEndpoint: undefined, logAnalyticsWorkspaceId: undefined };
    const stack = await run(env, settings('staging'));
    // Read by id, not created: the only Vault registration is the read of the existing one.
    expect(rec.ofType(T.vault).map((r) => r.name)).toEqual(['key-vault-existing']);
    expect(rec.ofType(T.lock)).toHaveLength(0);
    expect(rec.ofType(T.pe)).toHaveLength(0);
    expect(rec.ofType(T.diag)).toHaveLength(0);
    for (const a of rec.ofType(T.ra)) {
      expect(a.inputs.scope).toBe(existing);
      // The role definition is named in the vault's subscription, not the login's.
      expect(a.inputs.roleDefinitionId).toBe(
        '/subscriptions/0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6',
      );
    }
    expect(await valueOf(stack.outputs.vaultUri)).toBe('https://kv-dataplat-stg-weu.vault.azure.net/');
  });

  test("an identity that is the controller's own ServiceAccount labels the controller and is left to Helm", async () => {
    const env = environment('dev');
    env.identities[1] = { ...env.identities[1]!, serviceAccount: 'external-secrets' };
    await run(env, settings('dev', { kubeContext: 'dev' }));
    const v = rec.get(T.release, 'external-secrets-release').inputs.values;
    const clientId = liveClientId(env, 'shared-secrets-reader', true);
    expect(v.podLabels).toEqual({ 'azure.workload.identity/use': 'true' });
    expect(v.serviceAccount).toEqual({
      create: true,
      name: 'external-secrets',
      annotations: { 'azure.workload.identity/client-id': clientId, 'azure.workload.identity/tenant-id': env.tenantId },
    });
    expect(rec.ofType(T.sa).map((r) => r.name)).toEqual(['cluster-serviceaccount-airflow-eso-airflow']);
  });

  test('Reloader is installed only when infra.reloader.enabled, pinned, opt-in per workload, in a restricted namespace', async () => {
    const env = environment('staging');
    await run(env, settings('staging'));
    expect(rec.resources.filter((r) => r.name.startsWith('reloader'))).toEqual([]);

    env.infra!.reloader = { enabled: true, namespace: 'reloader', values: { reloader: { watchGlobally: false } } };
    await run(env, settings('staging'));
    const release = rec.get(T.release, 'reloader-release');
    expect(release.inputs).toMatchObject({
      chart: 'reloader',
      version: '2.2.11',
      repositoryOpts: { repo: 'https://stakater.github.io/stakater-charts' },
      namespace: 'reloader',
      atomic: true,
    });
    // Typed defaults with the catalogue override merged key by key.
    expect(release.inputs.values).toEqual({
      reloader: { autoReloadAll: false, ignoreConfigMaps: true, reloadStrategy: 'annotations', watchGlobally: false, readOnlyRootFileSystem: true },
    });
    const ns = rec.get('kubernetes:core/v1:Namespace', 'reloader-namespace');
    expect(ns.inputs.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(release.dependencies).toContain(ns.urn);
    expect(release.provider).toBe(rec.get(T.release, 'external-secrets-release').provider);
  });
});
