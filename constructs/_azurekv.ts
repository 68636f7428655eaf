import { AZURE_CLOUDS, AzureCloud, KEY_VAULT_NAME, UUID, WI_TENANT_ID_ANNOTATION, keyVaultUrl } from '../config';
import type { IWorkloadIdentityServiceAccount } from './workload-identity-service-account';
import { ProblemSink, ruleCheck } from './_validation';

/** Props shared by both Key Vault store scopes. */
export interface KeyVaultStoreBaseProps {
  /** Store name (DNS-1123 label). */
  readonly name: string;
  /** Key Vault name; the URL is derived from it and {@link cloud}. */
  readonly vaultName: string;
  /**
   * Azure cloud of the vault, as ESO's `environmentType` names it.
   * @default 'PublicCloud'
   */
  readonly cloud?: AzureCloud;
  /**
   * How ESO authenticates. Required on purpose: ESO defaults a missing `authType` to ServicePrincipal,
   * which then fails looking for a client secret.
   */
  readonly authType: 'WorkloadIdentity';
  /** The ServiceAccount whose token ESO exchanges for the managed identity. */
  readonly serviceAccount: IWorkloadIdentityServiceAccount;
  /**
   * Tenant to authenticate against. Refused when the ServiceAccount carries the tenant annotation: ESO then
   * fails with "multiple tenantID found".
   * @default - the ServiceAccount's `azure.workload.identity/tenant-id`
   */
  readonly tenantId?: string;
}

/** Checks the props both scopes share. */
export function checkStoreProps(problem: ProblemSink, props: KeyVaultStoreBaseProps): void {
  ruleCheck(problem, KEY_VAULT_NAME, props.vaultName, 'vaultName');
  if (props.authType !== 'WorkloadIdentity') {
    problem(
      'authType',
      `${JSON.stringify(props.authType)} is not supported (allowed: "WorkloadIdentity"; it must be explicit because ESO defaults a missing authType to ServicePrincipal)`,
    );
  }
  if (props.cloud !== undefined && !(props.cloud in AZURE_CLOUDS)) {
    problem('cloud', `${JSON.stringify(props.cloud)} is not an Azure cloud (allowed: ${Object.keys(AZURE_CLOUDS).join(', ')})`);
  }
  if (!props.serviceAccount) problem('serviceAccount', 'missing (the workload-identity ServiceAccount the store authenticates as)');
  if (props.tenantId !== undefined) {
    ruleCheck(problem, UUID, props.tenantId, 'tenantId');
    if (props.serviceAccount?.carriesTenantId) {
      problem(
        'tenantId',
        `must not be set: ServiceAccount ${props.serviceAccount.namespace}/${props.serviceAccount.name} carries ${WI_TENANT_ID_ANNOTATION} and ESO fails with "multiple tenantID found"`,
      );
    }
  }
}

/** Values of the `spec.provider.azurekv` block both scopes write. */
export interface AzurekvValues {
  readonly vaultUrl: string;
  readonly cloud: AzureCloud;
  readonly tenantId?: string;
  readonly serviceAccountName: string;
}

/** Resolves the provider values once, with defaults applied. */
export function azurekvValues(props: KeyVaultStoreBaseProps): AzurekvValues {
  const cloud = props.cloud ?? 'PublicCloud';
  return {
    vaultUrl: keyVaultUrl(props.vaultName, cloud),
    cloud,
    tenantId: props.tenantId,
    serviceAccountName: props.serviceAccount.name,
  };
}
