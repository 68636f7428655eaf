/** Pure helpers of the stack: names, ids, kubeconfig conversion, chart values, catalogue comparison. */
import { parse } from 'yaml';
import { Environment, loadEnvironment } from '../../config';
import { deterministicGuid, federatedCredentialName, parseResourceId, roleDefinitionResourceId } from '../../infra/azure';
import { checkClientIds, checkIssuer, firstRunNotices } from '../../infra/catalogue-check';
import { controllerIdentity } from '../../config';
import { esoChartValues, mergeValues } from '../../infra/external-secrets-operator';
import { checkSecretsAccessScope } from '../../infra/key-vault-secrets-access';
import { convertKubelogin } from '../../infra/kubernetes-provider';
import { checkCredentialCount } from '../../infra/workload-identity';
import { AKS_KUBECONFIG } from './fixtures';

function env(name: string): Environment {
  return JSON.parse(JSON.stringify(loadEnvironment(name))) as Environment;
}

describe('names and ids', () => {
  test('deterministicGuid is stable, well-formed and distinct per input', () => {
    const a = deterministicGuid('prod', 'kv', 'airflow', 'vault');
    expect(a).toBe(deterministicGuid('prod', 'kv', 'airflow', 'vault'));
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deterministicGuid('prod', 'kv', 'airflow', 'secret/x')).not.toBe(a);
    // Parts are separated, so shifting characters between them changes the result.
    expect(deterministicGuid('ab', 'c')).not.toBe(deterministicGuid('a', 'bc'));
  });

  test('role definition ids are subscription-scoped', () => {
    expect(roleDefinitionResourceId('sub', '4633458b-17de-408a-b874-0445c86b69e6')).toBe(
      '/subscriptions/sub/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6',
    );
  });

  test('parseResourceId reads subscription, group and name', () => {
    expect(parseResourceId('/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks', 'x')).toEqual({
      subscriptionId: 's',
      resourceGroup: 'rg',
      name: 'aks',
    });
  });

  test('fails when a resource id is malformed', () => {
    expect(() => parseResourceId('/subscriptions/s/aks', 'infra.cluster.aksClusterId')).toThrow(
      'infra.cluster.aksClusterId: "/subscriptions/s/aks" is not a resource id (/subscriptions/<id>/resourceGroups/<group>/providers/<namespace>/<type>/<name>)',
    );
  });

  test('federated credential names stay within 120 characters', () => {
    expect(federatedCredentialName('aks', 'airflow', 'eso-airflow')).toBe('aks-airflow-eso-airflow');
    expect(federatedCredentialName('a'.repeat(63), 'b'.repeat(63), 'c'.repeat(63))).toHaveLength(120);
  });
});

describe('validators of the components', () => {
  test('fails when an identity would get more than 20 credentials', () => {
    expect(checkCredentialCount('reader', 20)).toBeUndefined();
    expect(checkCredentialCount('reader', 21)).toBe(
      'identity "reader": 21 federated credentials requested but Azure allows 20 per identity; trust fewer clusters (infra.cluster.additionalIssuers)',
    );
  });

  test('fails when a per-secret scope names no secret or a bad name', () => {
    expect(checkSecretsAccessScope({ kind: 'vault' })).toEqual([]);
    expect(checkSecretsAccessScope({ kind: 'secret', secretNames: [] })).toEqual([
      'per-secret scope with no secrets: the identity reads nothing by name; use vault scope or reference secrets in data',
    ]);
    expect(checkSecretsAccessScope({ kind: 'secret', secretNames: ['ok-name', 'bad_name'] })).toEqual([
      '"bad_name" is not a Key Vault secret name (1-127 letters, digits and dashes)',
    ]);
  });
});

describe('convertKubelogin', () => {
  test('replaces the device-code login and keeps the server id', () => {
    const out = parse(convertKubelogin(AKS_KUBECONFIG, 'azurecli'));
    expect(out.users[0].user.exec.args).toEqual(['get-token', '--login', 'azurecli', '--server-id', '6dae42f8-4368-4678-94ff-3960e28e3630']);
    expect(out.clusters[0].cluster.server).toBe('https://aks.example.hcp.westeurope.azmk8s.io:443');
  });

  test('msi and spn keep client, tenant and environment', () => {
    const out = parse(convertKubelogin(AKS_KUBECONFIG, 'msi'));
    expect(out.users[0].user.exec.args).toEqual([
      'get-token', '--login', 'msi', '--server-id', '6dae42f8-4368-4678-94ff-3960e28e3630',
      '--client-id', '80faf920-1908-4b52-b5ef-a8e7bedfc67a', '--tenant-id', '5f2b8c1e-7a4d-4e3b-9c6f-2d8a1b7e4c90', '--environment', 'AzurePublicCloud',
    ]);
  });

  test('leaves a kubeconfig without kubelogin alone', () => {
    const local = 'apiVersion: v1\nkind: Config\nusers:\n  - name: admin\n    user:\n      token: abc\n';
    expect(convertKubelogin(local, 'azurecli')).toBe(local);
  });
});

describe('ESO chart values', () => {
  test('two replicas with budgets, leader election, limits and hardened containers for every component', () => {
    const v = esoChartValues(env('staging'));
    for (const c of [v, v.webhook, v.certController]) {
      expect(c.replicaCount).toBe(2);
      expect(c.podDisruptionBudget).toEqual({ enabled: true, minAvailable: 1 });
      expect(Object.keys(c.resources.requests)).toEqual(['cpu', 'memory']);
      expect(Object.keys(c.resources.limits)).toEqual(['cpu', 'memory']);
      expect(c.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(c.topologySpreadConstraints).toHaveLength(2);
    }
    expect(v.leaderElect).toBe(true);
    expect(v.installCRDs).toBe(true);
    expect(v.rbac.serviceAccountTokenCreate).toBe(true);
    expect(v.serviceMonitor).toEqual({ enabled: true, renderMode: 'alwaysRender' });
  });

  test('no ServiceMonitor without Prometheus Operator', () => {
    expect(esoChartValues(env('dev')).serviceMonitor.enabled).toBe(false);
  });

  test('the controller carries workload identity only when it has its own identity', () => {
    const e = env('dev');
    expect(controllerIdentity(e)).toBeUndefined();
    expect(esoChartValues(e).podLabels).toEqual({});
    expect(esoChartValues(e).serviceAccount.annotations).toEqual({});
    e.identities[1] = { ...e.identities[1]!, serviceAccount: 'external-secrets' };
    expect(controllerIdentity(e)).toBe('shared-secrets-reader');
  });

  test('mergeValues merges objects key by key and replaces lists and scalars', () => {
    expect(mergeValues({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3] }, d: null, e: 'x' })).toEqual({ a: { b: 1, c: [3] }, d: null, e: 'x' });
    expect(mergeValues({ a: 1 }, undefined)).toEqual({ a: 1 });
  });
});

describe('catalogue check', () => {
  const live = { 'airflow-secrets-reader': '0f0e0d0c-0b0a-4909-8807-060504030201', 'shared-secrets-reader': '8e1f2a3b-4c5d-4e6f-9a0b-1c2d3e4f5a6b' };

  test('fails when a recorded client id differs, naming the value to write', () => {
    const r = checkClientIds(env('dev'), live, { dryRun: false });
    expect(r.errors).toEqual([
      'environments/dev.yaml: identities[0].clientId: "3b9d2c4e-5a6f-4b70-8c91-d2e3f4a5b6c7" is not the client id of managed identity "airflow-secrets-reader"; write clientId: 0f0e0d0c-0b0a-4909-8807-060504030201, then run `npm run synth` and commit environments/ and dist/ together',
    ]);
    expect(r.warnings).toEqual([]);
  });

  test('a missing client id fails a preview but only warns during an update (first run)', () => {
    const e = env('dev');
    delete e.identities[1]!.clientId;
    const message =
      'environments/dev.yaml: identities[1].clientId: missing; write clientId: 8e1f2a3b-4c5d-4e6f-9a0b-1c2d3e4f5a6b (the client id of managed identity "shared-secrets-reader"), then run `npm run synth` and commit environments/ and dist/ together';
    expect(checkClientIds(e, { 'shared-secrets-reader': live['shared-secrets-reader'] }, { dryRun: true })).toEqual({ errors: [message], warnings: [] });
    expect(checkClientIds(e, { 'shared-secrets-reader': live['shared-secrets-reader'] }, { dryRun: false })).toEqual({ errors: [], warnings: [message] });
    expect(firstRunNotices(e)).toEqual([
      'environments/dev.yaml: identities[1].clientId: not recorded yet; once `pulumi up` has created managed identity "shared-secrets-reader", write its client id (stack output clientIds.shared-secrets-reader) here, then run `npm run synth` and commit environments/ and dist/ together',
    ]);
  });

  test('fails when the AKS cluster has no OIDC issuer', () => {
    expect(checkIssuer(env('prod'), undefined, 'aks-dataplat-prod')).toBe(
      'infra.cluster.aksClusterId: AKS cluster "aks-dataplat-prod" has no OIDC issuer; enable it (az aks update --enable-oidc-issuer --enable-workload-identity) and run again',
    );
    expect(checkIssuer(env('prod'), env('prod').cluster.oidcIssuerUrl, 'aks-dataplat-prod')).toBeUndefined();
  });
});
