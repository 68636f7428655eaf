/**
 * Names and constants that cross tool boundaries. Charts and the Pulumi program both call these, so the
 * ServiceAccount a manifest creates and the federated credential Azure trusts can never disagree.
 */

/** Audience Entra ID expects on a Kubernetes token exchanged for a workload identity. */
export const WORKLOAD_IDENTITY_AUDIENCE = 'api://AzureADTokenExchange';

/** ServiceAccount annotation carrying the managed identity's client id. @see https://azure.github.io/azure-workload-identity/docs/topics/service-account-labels-and-annotations.html */
export const WI_CLIENT_ID_ANNOTATION = 'azure.workload.identity/client-id';

/** ServiceAccount annotation carrying the Entra ID tenant id. */
export const WI_TENANT_ID_ANNOTATION = 'azure.workload.identity/tenant-id';

/** Pod label that makes the workload identity webhook inject the token volume. */
export const WI_USE_LABEL = 'azure.workload.identity/use';

/** ESO API group and version we generate. v1beta1 is no longer served since ESO v0.17. */
export const ESO_API_VERSION = 'external-secrets.io/v1';

/** ESO release this project targets (CRDs, chart, docs). */
export const ESO_VERSION = '2.9.0';

/** Label every object we generate carries, so `kubectl get -l` finds them. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';

/** Value of {@link MANAGED_BY_LABEL}. */
export const MANAGED_BY = 'kv-secrets-sync';

/** Label naming the catalogue environment an object was generated from. */
export const ENVIRONMENT_LABEL = 'kv-secrets-sync.io/environment';

/** Azure clouds ESO's azurekv provider supports, keyed by ESO's `environmentType`. */
export const AZURE_CLOUDS = {
  PublicCloud: { keyVaultDnsSuffix: 'vault.azure.net', authorityHost: 'https://login.microsoftonline.com/' },
  USGovernmentCloud: { keyVaultDnsSuffix: 'vault.usgovcloudapi.net', authorityHost: 'https://login.microsoftonline.us/' },
  ChinaCloud: { keyVaultDnsSuffix: 'vault.azure.cn', authorityHost: 'https://login.chinacloudapi.cn/' },
} as const;

/** An Azure cloud, named as ESO's `environmentType` names it. */
export type AzureCloud = keyof typeof AZURE_CLOUDS;

/** The cloud names, for error messages and schema enums. */
export const AZURE_CLOUD_NAMES = Object.keys(AZURE_CLOUDS) as AzureCloud[];

/** `https://<vault>.vault.azure.net/` (or the sovereign cloud's suffix). */
export function keyVaultUrl(vaultName: string, cloud: AzureCloud = 'PublicCloud'): string {
  return `https://${vaultName.toLowerCase()}.${AZURE_CLOUDS[cloud].keyVaultDnsSuffix}/`;
}

/** The subject of a federated identity credential: `system:serviceaccount:<namespace>:<name>`. */
export function serviceAccountSubject(namespace: string, serviceAccount: string): string {
  return `system:serviceaccount:${namespace}:${serviceAccount}`;
}

/** The object name of the ExternalSecret that produces a target Secret (they share the name). */
export function externalSecretName(targetSecretName: string): string {
  return targetSecretName;
}

/** Annotation carrying a catalogue secret's description onto its ExternalSecret and Secret. */
export const DESCRIPTION_ANNOTATION = 'kv-secrets-sync.io/description';

/**
 * Name of the ServiceAccount the ESO Helm chart creates for its controller (the release's fullname). A catalogue
 * identity with this name in the ESO namespace is the controller's own identity: the chart owns the account.
 */
export const ESO_CONTROLLER_SERVICE_ACCOUNT = 'external-secrets';
