/**
 * Cross-field rules of the `infra` section and the catalogue facts the Pulumi stack derives from it.
 * Pure functions of a parsed environment; every rule reports a field path and what to do.
 */
import { catalogueSecrets } from './delivered';
import type { FieldPath } from './errors';
import type { Environment } from './schema';
import type { Finding } from './secret-keys';

/**
 * Azure allows at most 20 federated identity credentials on one user-assigned managed identity.
 * @see https://learn.microsoft.com/entra/workload-id/workload-identity-federation-considerations#general-federated-identity-credential-considerations
 */
export const MAX_FEDERATED_CREDENTIALS_PER_IDENTITY = 20;

/** The vault name at the end of a Key Vault resource id. */
export function vaultNameOfId(id: string): string {
  return id.split('/').filter(Boolean).pop() ?? '';
}

/** How many federated credentials each identity gets: one per cluster issuer it trusts. */
export function federatedCredentialCount(env: Environment): number {
  return 1 + (env.infra?.cluster.additionalIssuers.length ?? 0);
}

/**
 * The Key Vault secret names an identity's stores read, by name (data entries and dataFrom.extract), sorted.
 * `find` entries are not included: they list the vault at run time (see {@link identityUsesFind}).
 */
export function secretsReadBy(env: Environment, identityName: string): string[] {
  const stores = new Set(env.stores.filter((s) => s.identity === identityName).map((s) => s.name));
  const names = new Set<string>();
  // Shared secrets too: their ClusterExternalSecret reads through the same stores.
  for (const { entry: secret } of catalogueSecrets(env).filter((s) => stores.has(s.entry.store))) {
    for (const value of Object.values(secret.data ?? {})) names.add(typeof value === 'string' ? value : value.key);
    for (const df of secret.dataFrom ?? []) if ('extract' in df) names.add(df.extract.key);
  }
  return [...names].sort();
}

/** Paths of the `dataFrom.find` entries read through an identity's stores. */
export function findsReadBy(env: Environment, identityName: string): FieldPath[] {
  const stores = new Set(env.stores.filter((s) => s.identity === identityName).map((s) => s.name));
  const out: FieldPath[] = [];
  for (const { entry: secret, path } of catalogueSecrets(env)) {
    if (!stores.has(secret.store)) continue;
    secret.dataFrom?.forEach((df, j) => {
      if ('find' in df) out.push([...path, 'dataFrom', j, 'find']);
    });
  }
  return out;
}

/** Every cross-field problem of the `infra` section (none when the section is absent). */
export function validateInfra(env: Environment): Finding[] {
  const infra = env.infra;
  if (!infra) return [];
  const out: Finding[] = [];
  const add = (path: FieldPath, message: string) => out.push({ path, message });
  const kv = infra.keyVault;

  if (kv.existingId !== undefined) {
    const name = vaultNameOfId(kv.existingId);
    if (name.toLowerCase() !== env.keyVault.name.toLowerCase()) {
      add(
        ['infra', 'keyVault', 'existingId'],
        `names vault ${JSON.stringify(name)} but keyVault.name is ${JSON.stringify(env.keyVault.name)}; the stores read keyVault.name, so make them equal`,
      );
    }
    for (const field of ['privateEndpoint', 'logAnalyticsWorkspaceId'] as const) {
      if (kv[field] !== undefined) {
        add(
          ['infra', 'keyVault', field],
          `is not applied to an existing vault (infra.keyVault.existingId is set); configure it where that vault is managed and remove it here`,
        );
      }
    }
  } else {
    if (kv.publicNetworkAccess === 'Disabled' && kv.privateEndpoint === undefined) {
      add(
        ['infra', 'keyVault', 'publicNetworkAccess'],
        '"Disabled" without infra.keyVault.privateEndpoint leaves the vault unreachable for ESO and for the deployment runner; add a privateEndpoint or set "Enabled" with network.ipRules/subnetIds',
      );
    }
    if (kv.publicNetworkAccess === 'Disabled' && (kv.network.ipRules.length > 0 || kv.network.subnetIds.length > 0)) {
      add(
        ['infra', 'keyVault', 'network'],
        'ipRules and subnetIds have no effect while publicNetworkAccess is "Disabled" (only private endpoints are admitted); remove them or set publicNetworkAccess to "Enabled"',
      );
    }
  }

  const issuers = new Map<string, string>([[env.cluster.oidcIssuerUrl, 'cluster.oidcIssuerUrl']]);
  const names = new Set<string>([env.cluster.name]);
  infra.cluster.additionalIssuers.forEach((issuer, i) => {
    const at: FieldPath = ['infra', 'cluster', 'additionalIssuers', i];
    const prior = issuers.get(issuer.oidcIssuerUrl);
    if (prior !== undefined) {
      add([...at, 'oidcIssuerUrl'], `${JSON.stringify(issuer.oidcIssuerUrl)} is already trusted through ${prior}; each issuer is listed once`);
    } else issuers.set(issuer.oidcIssuerUrl, `infra.cluster.additionalIssuers[${i}]`);
    if (names.has(issuer.name)) add([...at, 'name'], `${JSON.stringify(issuer.name)} is already a cluster name; names must be unique`);
    names.add(issuer.name);
  });
  const count = federatedCredentialCount(env);
  if (count > MAX_FEDERATED_CREDENTIALS_PER_IDENTITY) {
    add(
      ['infra', 'cluster', 'additionalIssuers'],
      `gives every identity ${count} federated credentials (1 + ${infra.cluster.additionalIssuers.length} issuers) but Azure allows ${MAX_FEDERATED_CREDENTIALS_PER_IDENTITY} per identity; remove retired clusters`,
    );
  }

  if (infra.roleAssignmentScope === 'secret') {
    for (const identity of env.identities) {
      for (const path of findsReadBy(env, identity.name)) {
        add(
          path,
          `lists the vault through identity ${JSON.stringify(identity.name)}, which a per-secret role assignment cannot allow; set infra.roleAssignmentScope to "vault" or name the secrets in data`,
        );
      }
    }
  }
  return out;
}
