/**
 * Azure constants and pure helpers of the stack: role definitions, resource ids, deterministic names.
 */
import { createHash } from 'node:crypto';

/**
 * Built-in role `Key Vault Secrets User`: read secret contents (get, list). The only role ESO needs.
 * @see https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/security#key-vault-secrets-user
 */
export const KEY_VAULT_SECRETS_USER_ROLE_ID = '4633458b-17de-408a-b874-0445c86b69e6';

/** Principal type of a managed identity in a role assignment (skips the directory lookup that races replication). */
export const MANAGED_IDENTITY_PRINCIPAL_TYPE = 'ServicePrincipal';

/** Private link sub-resource (group id) of a Key Vault. */
export const KEY_VAULT_PRIVATE_LINK_GROUP = 'vault';

/** Diagnostic log category group carrying Key Vault's AuditEvent log. */
export const KEY_VAULT_AUDIT_CATEGORY_GROUP = 'audit';

/** `/subscriptions/<sub>/providers/Microsoft.Authorization/roleDefinitions/<id>`. */
export function roleDefinitionResourceId(subscriptionId: string, roleId: string): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleId}`;
}

/** The parts of an ARM resource id this stack reads. */
export interface ParsedResourceId {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
}

/** Parses `/subscriptions/<s>/resourceGroups/<g>/providers/<ns>/<type>/<name>`; throws naming `where` otherwise. */
export function parseResourceId(id: string, where: string): ParsedResourceId {
  const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/[^/]+\/[^/]+\/([^/]+)$/i.exec(id);
  if (!m) throw new Error(`${where}: ${JSON.stringify(id)} is not a resource id (/subscriptions/<id>/resourceGroups/<group>/providers/<namespace>/<type>/<name>)`);
  return { subscriptionId: m[1]!, resourceGroup: m[2]!, name: m[3]! };
}

/**
 * A name-based (version 5 style) UUID from `parts`: the same parts always give the same GUID, so a role
 * assignment keeps its name across runs and a re-run finds the existing assignment instead of failing with
 * RoleAssignmentExists.
 */
export function deterministicGuid(...parts: readonly string[]): string {
  const hash = createHash('sha1').update(`kv-secrets-sync\u0000${parts.join('\u0000')}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Name of a federated identity credential: `<cluster>-<namespace>-<serviceAccount>`, cut to Azure's 120
 * characters (3-120 letters, digits, "-" and "_", starting with a letter or digit).
 */
export function federatedCredentialName(cluster: string, namespace: string, serviceAccount: string): string {
  return `${cluster}-${namespace}-${serviceAccount}`.slice(0, 120);
}
