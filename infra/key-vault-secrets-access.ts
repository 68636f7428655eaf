import * as pulumi from '@pulumi/pulumi';
import * as authorization from '@pulumi/azure-native/authorization';
import { KEY_VAULT_SECRET_NAME, matches } from '../config';
import {
  KEY_VAULT_SECRETS_USER_ROLE_ID,
  MANAGED_IDENTITY_PRINCIPAL_TYPE,
  deterministicGuid,
  roleDefinitionResourceId,
} from './azure';

/** Where the role is granted: the whole vault, or only the named secrets. */
export type SecretsAccessScope = { readonly kind: 'vault' } | { readonly kind: 'secret'; readonly secretNames: readonly string[] };

/** Arguments of {@link KeyVaultSecretsAccess}. */
export interface KeyVaultSecretsAccessArgs {
  /** Object id of the managed identity's service principal. */
  readonly principalId: pulumi.Input<string>;
  /** ARM id of the vault. */
  readonly vaultId: pulumi.Input<string>;
  /** Subscription holding the role definition (the deployment's). */
  readonly subscriptionId: pulumi.Input<string>;
  /** Vault-wide or per secret. */
  readonly scope: SecretsAccessScope;
  /**
   * Stable parts naming the assignment (environment, vault, identity): the GUID is derived from them and the
   * scope, so re-runs keep the same assignment.
   */
  readonly nameSeed: readonly string[];
}

/** Checks a per-secret scope; returns the problems (empty when fine). */
export function checkSecretsAccessScope(scope: SecretsAccessScope): string[] {
  if (scope.kind === 'vault') return [];
  const problems: string[] = [];
  if (scope.secretNames.length === 0) {
    problems.push('per-secret scope with no secrets: the identity reads nothing by name; use vault scope or reference secrets in data');
  }
  for (const n of scope.secretNames) {
    if (!matches(KEY_VAULT_SECRET_NAME, n)) problems.push(`${JSON.stringify(n)} is not ${KEY_VAULT_SECRET_NAME.noun} (${KEY_VAULT_SECRET_NAME.allowed})`);
  }
  return problems;
}

/**
 * Grants one managed identity `Key Vault Secrets User` (read secret values, nothing else) on a vault or on
 * individual secrets, with principal type ServicePrincipal and names derived from stable inputs.
 *
 * Azure RBAC takes effect after a propagation delay (usually under a minute, up to about ten). ESO retries a
 * failed read with backoff, so an ExternalSecret that reports 403 right after the first `pulumi up` recovers by
 * itself; the in-cluster objects of the `pulumi` delivery mode are created after these assignments.
 *
 * @see https://learn.microsoft.com/azure/key-vault/general/rbac-guide
 * @see https://learn.microsoft.com/azure/role-based-access-control/troubleshooting#symptom---role-assignment-changes-are-not-being-detected
 */
export class KeyVaultSecretsAccess extends pulumi.ComponentResource {
  /** The assignments, one per scope. */
  public readonly assignments: readonly authorization.RoleAssignment[];

  constructor(name: string, args: KeyVaultSecretsAccessArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('kv-secrets-sync:authorization:KeyVaultSecretsAccess', name, {}, opts);
    const problems = checkSecretsAccessScope(args.scope);
    if (problems.length > 0) throw new Error(`${name}: ${problems.join('; ')}`);

    const roleDefinitionId = pulumi
      .output(args.subscriptionId)
      .apply((sub) => roleDefinitionResourceId(sub, KEY_VAULT_SECRETS_USER_ROLE_ID));
    const targets: Array<{ role: string; scope: pulumi.Input<string>; key: string }> =
      args.scope.kind === 'vault'
        ? [{ role: 'vault', scope: args.vaultId, key: 'vault' }]
        : args.scope.secretNames.map((secret) => ({
            role: `secret-${secret}`,
            scope: pulumi.interpolate`${args.vaultId}/secrets/${secret}`,
            key: `secret/${secret}`,
          }));

    this.assignments = targets.map(
      (t) =>
        new authorization.RoleAssignment(
          `${name}-${t.role}`,
          {
            roleAssignmentName: deterministicGuid(...args.nameSeed, t.key, KEY_VAULT_SECRETS_USER_ROLE_ID),
            scope: t.scope,
            principalId: args.principalId,
            principalType: MANAGED_IDENTITY_PRINCIPAL_TYPE,
            roleDefinitionId,
            description: 'External Secrets Operator reads secrets for Kubernetes (kv-secrets-sync).',
          },
          { parent: this },
        ),
    );
    this.registerOutputs({});
  }
}
