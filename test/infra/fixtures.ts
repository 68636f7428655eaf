/**
 * Live Azure answers for the infra tests: what the mocks return for identities, vaults, the AKS cluster and
 * the login. Values derive from names, so assertions can compute them.
 */
import { Environment, loadEnvironment } from '../../config';
import { deterministicGuid } from '../../infra/azure';
import type { Recorder } from '../util/pulumi-mocks';

export const SUBSCRIPTION = '6a7b8c9d-0e1f-4a2b-9c3d-4e5f6a7b8c9d';

/** The client id the mock gives a managed identity: the catalogue's when `matchCatalogue`, else a derived one. */
export function liveClientId(env: Environment, identityName: string, matchCatalogue: boolean): string {
  const recorded = env.identities.find((i) => i.name === identityName)?.clientId;
  return matchCatalogue && recorded !== undefined ? recorded : deterministicGuid('client', env.environment, identityName);
}

export function livePrincipalId(identityName: string): string {
  return deterministicGuid('principal', identityName);
}

export function vaultArmId(resourceGroup: string, name: string): string {
  return `/subscriptions/${SUBSCRIPTION}/resourceGroups/${resourceGroup}/providers/Microsoft.KeyVault/vaults/${name}`;
}

/** A kubeconfig as AKS returns it for an Entra ID cluster (kubelogin with device code). */
export const AKS_KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
  - name: aks
    cluster:
      server: https://aks.example.hcp.westeurope.azmk8s.io:443
      certificate-authority-data: Y2E=
contexts:
  - name: aks
    context: { cluster: aks, user: clusterUser_aks }
current-context: aks
users:
  - name: clusterUser_aks
    user:
      exec:
        apiVersion: client.authentication.k8s.io/v1beta1
        command: kubelogin
        args: [get-token, --environment, AzurePublicCloud, --server-id, 6dae42f8-4368-4678-94ff-3960e28e3630, --client-id, 80faf920-1908-4b52-b5ef-a8e7bedfc67a, --tenant-id, 5f2b8c1e-7a4d-4e3b-9c6f-2d8a1b7e4c90, --login, devicecode]
`;

/** Options for {@link answerAzure}. */
export interface AzureAnswers {
  /** Identities report the catalogue's client ids. @default true */
  readonly matchCatalogue?: boolean;
  /** Tenant of the login. @default the catalogue's */
  readonly loginTenant?: string;
  /** Issuer AKS reports. @default the catalogue's cluster.oidcIssuerUrl */
  readonly aksIssuer?: string;
  /** RBAC mode of an existing vault. @default true */
  readonly existingVaultRbac?: boolean;
}

/** Teaches the recorder the Azure answers for `env`. */
export function answerAzure(rec: Recorder, env: Environment, answers: AzureAnswers = {}): void {
  const matchCatalogue = answers.matchCatalogue ?? true;
  rec.invokeHandlers.set('azure-native:authorization:getClientConfig', () => ({
    clientId: '11111111-2222-4333-8444-555555555555',
    objectId: '99999999-8888-4777-8666-555555555555',
    subscriptionId: SUBSCRIPTION,
    tenantId: answers.loginTenant ?? env.tenantId,
  }));
  rec.invokeHandlers.set('azure-native:containerservice:getManagedCluster', (inputs) => ({
    name: inputs.resourceName,
    oidcIssuerProfile: { enabled: true, issuerURL: answers.aksIssuer ?? env.cluster.oidcIssuerUrl },
  }));
  rec.invokeHandlers.set('azure-native:containerservice:listManagedClusterUserCredentials', () => ({
    kubeconfigs: [{ name: 'clusterUser', value: Buffer.from(AKS_KUBECONFIG).toString('base64') }],
  }));
  rec.stateHandler = (args) => {
    switch (args.type) {
      case 'azure-native:managedidentity:UserAssignedIdentity':
        return {
          clientId: liveClientId(env, args.inputs.resourceName, matchCatalogue),
          principalId: livePrincipalId(args.inputs.resourceName),
          id: `/subscriptions/${SUBSCRIPTION}/resourceGroups/${args.inputs.resourceGroupName}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${args.inputs.resourceName}`,
          name: args.inputs.resourceName,
        };
      case 'azure-native:keyvault:Vault':
        if (args.id) {
          // Vault.get of an adopted vault: state read by id.
          const name = args.id.split('/').pop()!;
          return {
            id: args.id,
            name,
            properties: {
              enableRbacAuthorization: answers.existingVaultRbac ?? true,
              vaultUri: `https://${name}.vault.azure.net/`,
              tenantId: env.tenantId,
              sku: { family: 'A', name: 'standard' },
            },
          };
        }
        return {
          id: vaultArmId(args.inputs.resourceGroupName, args.inputs.vaultName),
          properties: { ...args.inputs.properties, vaultUri: `https://${args.inputs.vaultName}.vault.azure.net/` },
        };
      case 'kubernetes:helm.sh/v3:Release':
        return { status: { status: 'deployed', name: args.inputs.name, version: args.inputs.version, namespace: args.inputs.namespace } };
      default:
        return undefined;
    }
  };
}

/** A catalogue environment, deep-copied so a test may change it. */
export function environment(name: string): Environment {
  // Not structuredClone: it builds objects of the outer realm, whose arrays protobuf (inside Jest's realm)
  // serializes as objects.
  return JSON.parse(JSON.stringify(loadEnvironment(name))) as Environment;
}
