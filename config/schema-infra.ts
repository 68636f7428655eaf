/**
 * The `infra` section of the catalogue: the Azure and cluster facts the Pulumi stack needs to provision what
 * the synced secrets depend on (Key Vault, managed identities, role assignments, the ESO release).
 *
 * Settings that belong to an environment live here, beside the secrets they serve; per-stack deployment
 * details (which catalogue environment, which kubeconfig context) live in `infra/Pulumi.<stack>.yaml`.
 */
import { z } from 'zod';
import { ruleString } from './rule-string';
import { DNS1123_LABEL, FormatRule, HTTPS_URL } from './rules';

/** Azure resource group name. @see https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftresources */
export const RESOURCE_GROUP_NAME: FormatRule = {
  noun: 'a resource group name',
  allowed: '1-90 letters, digits, "-", "_", ".", "(" and ")", not ending with "."',
  pattern: /^[-\w.()]{0,89}[-\w()]$/,
};

/** Azure region name as ARM spells it (`westeurope`, `eastus2`). */
export const AZURE_LOCATION: FormatRule = {
  noun: 'an Azure region name',
  allowed: 'lowercase letters and digits as `az account list-locations -o table` prints them, such as "westeurope"',
  pattern: /^[a-z][a-z0-9]{2,40}$/,
};

/** IPv4 address or CIDR range, as Key Vault network rules accept them. */
export const IPV4_CIDR: FormatRule = {
  noun: 'an IPv4 address or CIDR range',
  allowed: 'such as "203.0.113.7" or "203.0.113.0/24" (Key Vault accepts IPv4 only)',
  pattern: /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\/(3[0-2]|[12]?\d))?$/,
};

const SEGMENT = '[^/\\s]+';

/** An Azure resource id of a given provider type, e.g. `Microsoft.KeyVault/vaults`. */
export function armIdRule(noun: string, type: string): FormatRule {
  return {
    noun,
    allowed: `/subscriptions/<id>/resourceGroups/<group>/providers/${type
      .split('/')
      .map((part, i) => (i === 0 ? part : `${part}/<name>`))
      .join('/')}`,
    pattern: new RegExp(
      `^/subscriptions/${SEGMENT}/resourceGroups/${SEGMENT}/providers/${type
        .split('/')
        .map((part, i) => (i === 0 ? part.replace('.', '\\.') : `${part}/${SEGMENT}`))
        .join('/')}$`,
      'i',
    ),
  };
}

/** Key Vault resource id. */
export const KEY_VAULT_ID = armIdRule('a Key Vault resource id', 'Microsoft.KeyVault/vaults');
/** Subnet resource id. */
export const SUBNET_ID = armIdRule('a subnet resource id', 'Microsoft.Network/virtualNetworks/subnets');
/** Private DNS zone resource id. */
export const PRIVATE_DNS_ZONE_ID = armIdRule('a private DNS zone resource id', 'Microsoft.Network/privateDnsZones');
/** Log Analytics workspace resource id. */
export const LOG_ANALYTICS_WORKSPACE_ID = armIdRule(
  'a Log Analytics workspace resource id',
  'Microsoft.OperationalInsights/workspaces',
);
/** AKS cluster resource id. */
export const AKS_CLUSTER_ID = armIdRule('an AKS cluster resource id', 'Microsoft.ContainerService/managedClusters');

/** Key Vault network rules: deny by default, allow the listed public ranges and subnets. */
export const KeyVaultNetworkSchema = z
  .strictObject({
    bypass: z
      .enum(['None', 'AzureServices'])
      .default('None')
      .meta({ description: 'Let trusted Azure services bypass the rules. None (as the Azure Verified Module) keeps the vault closed to them.' }),
    ipRules: z
      .array(ruleString(IPV4_CIDR))
      .default([])
      .meta({
        description:
          'Public IPv4 addresses or ranges allowed through the firewall: the AKS egress IPs (unless a private endpoint or subnet rule covers them) and the deployment runner.',
      }),
    subnetIds: z
      .array(ruleString(SUBNET_ID))
      .default([])
      .meta({ description: 'Subnets (with the Microsoft.KeyVault service endpoint) allowed through the firewall, e.g. the AKS node subnet.' }),
  })
  .meta({ description: 'Key Vault firewall: the default action is always Deny.' });

/** A private endpoint for the vault. */
export const PrivateEndpointSchema = z
  .strictObject({
    subnetId: ruleString(SUBNET_ID, 'Subnet the private endpoint takes its IP address from.'),
    privateDnsZoneId: ruleString(
      PRIVATE_DNS_ZONE_ID,
      'The privatelink.vaultcore.azure.net zone to register the endpoint in; omit when Azure Policy or another team manages the records.',
    ).optional(),
  })
  .meta({ description: 'A private endpoint (group "vault") so the cluster reaches the vault without public access.' });

/** How the stack creates (or adopts) the environment's Key Vault. */
export const InfraKeyVaultSchema = z
  .strictObject({
    existingId: ruleString(
      KEY_VAULT_ID,
      'Bring your own vault: its resource id. The stack then creates no vault, lock, endpoint or diagnostics, and only grants access to it. Its name must equal keyVault.name.',
    ).optional(),
    sku: z
      .enum(['standard', 'premium'])
      .default('premium')
      .meta({ description: 'Vault SKU; premium (the Azure Verified Module default) allows HSM-backed keys.' }),
    softDeleteRetentionDays: z
      .number()
      .int()
      .min(7)
      .max(90)
      .default(90)
      .meta({ description: 'Days a deleted vault or secret can be recovered (7-90). Purge protection is always on.' }),
    publicNetworkAccess: z
      .enum(['Enabled', 'Disabled'])
      .default('Disabled')
      .meta({
        description:
          'Enabled lets the firewall rules below admit public traffic; Disabled (default) admits only private endpoints.',
      }),
    network: KeyVaultNetworkSchema.prefault({}),
    privateEndpoint: PrivateEndpointSchema.optional(),
    logAnalyticsWorkspaceId: ruleString(
      LOG_ANALYTICS_WORKSPACE_ID,
      'Send the audit log (every secret read and change) and metrics to this workspace.',
    ).optional(),
    deletionProtection: z
      .boolean()
      .default(true)
      .meta({
        description:
          'A CanNotDelete lock on the vault and Pulumi protect, so neither a portal click nor `pulumi destroy` removes it. Turn off only for throwaway environments.',
      }),
  })
  .meta({ description: 'The Key Vault the stack creates, or the existing one it adopts.' });

/** Another cluster whose ServiceAccounts the identities also trust (blue/green cluster replacement). */
export const AdditionalIssuerSchema = z
  .strictObject({
    name: ruleString(DNS1123_LABEL, 'Short cluster name, used in the federated credential name.'),
    oidcIssuerUrl: ruleString(HTTPS_URL, 'OIDC issuer URL of that cluster, exactly as it reports it.'),
  })
  .meta({ description: 'A further cluster issuer to federate with.' });

/** Cluster facts only the stack needs. */
export const InfraClusterSchema = z
  .strictObject({
    aksClusterId: ruleString(
      AKS_CLUSTER_ID,
      'AKS cluster resource id: the stack reads its OIDC issuer (and must equal cluster.oidcIssuerUrl) and, without a kubeContext stack setting, its credentials.',
    ).optional(),
    additionalIssuers: z
      .array(AdditionalIssuerSchema)
      .default([])
      .meta({ description: 'Further clusters running the same ServiceAccounts; each adds one federated credential per identity (Azure allows 20).' }),
  })
  .meta({ description: 'How the stack reaches the cluster.' });

/** The ESO Helm release. */
export const InfraEsoSchema = z
  .strictObject({
    values: z
      .record(z.string(), z.unknown())
      .default({})
      .meta({
        description:
          'Helm values merged over the stack\'s typed defaults (objects merge key by key, lists and scalars replace), with the key names of the external-secrets chart 2.9.0 values.yaml.',
      }),
    timeoutSeconds: z
      .number()
      .int()
      .min(60)
      .default(600)
      .meta({ description: 'How long Helm waits for the release to become ready.' }),
  })
  .meta({ description: 'The External Secrets Operator Helm release.' });

/** The optional Stakater Reloader release, which restarts long-running consumers when their Secrets change. */
export const InfraReloaderSchema = z
  .strictObject({
    enabled: z
      .boolean()
      .default(false)
      .meta({
        description:
          'Install Stakater Reloader (chart pinned in infra/reloader.ts). It rolls only workloads annotated with secret.reloader.stakater.com/reload (docs/operations.md#rotation).',
      }),
    namespace: ruleString(DNS1123_LABEL, 'Namespace of the Reloader release.').default('reloader'),
    values: z
      .record(z.string(), z.unknown())
      .default({})
      .meta({ description: 'Helm values merged over the stack\'s typed defaults, with the key names of the stakater/reloader chart.' }),
  })
  .meta({ description: 'Stakater Reloader, for Airflow scheduler, webserver and triggerer restarts on rotation.' });

/** Everything the Pulumi stack provisions for the environment. */
export const InfraSchema = z
  .strictObject({
    resourceGroup: ruleString(RESOURCE_GROUP_NAME, 'Existing resource group for the vault and the managed identities.'),
    location: ruleString(AZURE_LOCATION, 'Azure region of the vault and the managed identities.'),
    tags: z
      .record(z.string().min(1).max(512), z.string().max(256))
      .default({})
      .meta({ description: 'Azure tags on every resource the stack creates.' }),
    keyVault: InfraKeyVaultSchema.prefault({}),
    cluster: InfraClusterSchema.prefault({}),
    roleAssignmentScope: z
      .enum(['vault', 'secret'])
      .default('vault')
      .meta({
        description:
          'Where Key Vault Secrets User is granted: vault (every secret) or secret (only the secrets the identity\'s stores reference; refused when they use dataFrom.find, which lists the vault).',
      }),
    delivery: z
      .enum(['gitops', 'pulumi'])
      .default('gitops')
      .meta({
        description:
          'gitops: the stack stops at identities and the ESO release and Argo CD or Flux applies dist/<env>/; pulumi: the stack also applies the ServiceAccounts, stores and ExternalSecrets with the live client ids.',
      }),
    eso: InfraEsoSchema.prefault({}),
    reloader: InfraReloaderSchema.prefault({}),
  })
  .meta({ description: 'What the Pulumi stack provisions: Key Vault, workload identities, role assignments and the ESO release.' });

/** The parsed `infra` section, defaults applied. */
export type Infra = z.output<typeof InfraSchema>;
/** The parsed `infra.reloader` settings, defaults applied. */
export type InfraReloader = z.output<typeof InfraReloaderSchema>;
/** The parsed `infra.keyVault` settings, defaults applied. */
export type InfraKeyVault = z.output<typeof InfraKeyVaultSchema>;
