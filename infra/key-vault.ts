import * as pulumi from '@pulumi/pulumi';
import * as authorization from '@pulumi/azure-native/authorization';
import * as keyvault from '@pulumi/azure-native/keyvault';
import * as monitor from '@pulumi/azure-native/monitor';
import * as network from '@pulumi/azure-native/network';
import { AzureCloud, InfraKeyVault, keyVaultUrl } from '../config';
import { KEY_VAULT_AUDIT_CATEGORY_GROUP, KEY_VAULT_PRIVATE_LINK_GROUP, parseResourceId } from './azure';

/** Arguments of {@link KeyVault}. */
export interface KeyVaultArgs {
  /** Vault name (globally unique, from the catalogue's keyVault.name). */
  readonly vaultName: string;
  /** Azure cloud, for the vault URI. */
  readonly cloud: AzureCloud;
  /** Entra ID tenant the vault trusts. */
  readonly tenantId: string;
  /** Existing resource group. */
  readonly resourceGroupName: pulumi.Input<string>;
  /** Azure region. */
  readonly location: string;
  /** The catalogue's infra.keyVault settings (defaults applied). */
  readonly settings: InfraKeyVault;
  /** Tags on every resource. @default - none */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The environment's Key Vault with secure defaults, or an existing vault adopted by resource id.
 *
 * A created vault uses RBAC authorization (no access policies), soft delete with purge protection, a
 * firewall that denies by default, no template/disk/VM deployment access, optional private endpoint, audit
 * diagnostics to Log Analytics, and with `deletionProtection` a CanNotDelete lock plus Pulumi `protect`.
 * An adopted vault must use RBAC authorization, or the role assignments the stack makes would grant nothing.
 *
 * @see https://github.com/Azure/terraform-azurerm-avm-res-keyvault-vault (the defaults this matches or exceeds)
 * @see https://learn.microsoft.com/azure/key-vault/general/rbac-guide
 */
export class KeyVault extends pulumi.ComponentResource {
  /** ARM resource id of the vault. */
  public readonly id: pulumi.Output<string>;
  /** Vault name. */
  public readonly vaultName: string;
  /** `https://<name>.vault.azure.net/`. */
  public readonly vaultUri: pulumi.Output<string>;
  /** True when the stack created the vault (false for an adopted one). */
  public readonly created: boolean;
  /** The vault resource, when created. */
  public readonly vault?: keyvault.Vault;
  /** The CanNotDelete lock, when created. */
  public readonly lock?: authorization.ManagementLockByScope;

  constructor(name: string, args: KeyVaultArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('kv-secrets-sync:keyvault:KeyVault', name, {}, opts);
    const s = args.settings;
    this.vaultName = args.vaultName;
    this.created = s.existingId === undefined;

    if (s.existingId !== undefined) {
      const existing = parseResourceId(s.existingId, 'infra.keyVault.existingId');
      // Read by id (any subscription); a read resource is never changed or deleted by the stack.
      const found = keyvault.Vault.get(`${name}-existing`, s.existingId, { parent: this });
      this.id = pulumi.all([found.id, found.properties]).apply(([id, p]) => {
        if (p.enableRbacAuthorization !== true) {
          throw new pulumi.RunError(
            `infra.keyVault.existingId: vault ${JSON.stringify(existing.name)} uses access policies; the stack grants access with Azure RBAC, so switch the vault to the RBAC permission model (az keyvault update --enable-rbac-authorization true) or let the stack create one`,
          );
        }
        return id;
      });
      this.vaultUri = found.properties.apply((p) => p.vaultUri ?? keyVaultUrl(existing.name, args.cloud));
      this.registerOutputs({ id: this.id, vaultUri: this.vaultUri });
      return;
    }

    this.vault = new keyvault.Vault(
      `${name}-vault`,
      {
        vaultName: args.vaultName,
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        tags: args.tags,
        properties: {
          tenantId: args.tenantId,
          sku: { family: 'A', name: s.sku },
          enableRbacAuthorization: true,
          enableSoftDelete: true,
          softDeleteRetentionInDays: s.softDeleteRetentionDays,
          enablePurgeProtection: true,
          enabledForDeployment: false,
          enabledForDiskEncryption: false,
          enabledForTemplateDeployment: false,
          publicNetworkAccess: s.publicNetworkAccess,
          networkAcls: {
            defaultAction: 'Deny',
            bypass: s.network.bypass,
            ipRules: s.network.ipRules.map((value) => ({ value })),
            virtualNetworkRules: s.network.subnetIds.map((id) => ({ id, ignoreMissingVnetServiceEndpoint: false })),
          },
        },
      },
      { parent: this, protect: s.deletionProtection },
    );
    this.id = this.vault.id;
    this.vaultUri = this.vault.properties.apply((p) => p.vaultUri ?? keyVaultUrl(args.vaultName, args.cloud));

    if (s.deletionProtection) {
      this.lock = new authorization.ManagementLockByScope(
        `${name}-lock`,
        {
          scope: this.vault.id,
          lockName: 'kv-secrets-sync-cannot-delete',
          level: 'CanNotDelete',
          notes: 'Source of truth for Kubernetes Secrets synced by External Secrets Operator; remove this lock on purpose only.',
        },
        { parent: this },
      );
    }

    if (s.privateEndpoint !== undefined) {
      const pe = s.privateEndpoint;
      const endpoint = new network.PrivateEndpoint(
        `${name}-private-endpoint`,
        {
          privateEndpointName: `pe-${args.vaultName}`,
          resourceGroupName: args.resourceGroupName,
          location: args.location,
          tags: args.tags,
          subnet: { id: pe.subnetId },
          privateLinkServiceConnections: [
            {
              name: `${args.vaultName}-${KEY_VAULT_PRIVATE_LINK_GROUP}`,
              privateLinkServiceId: this.vault.id,
              groupIds: [KEY_VAULT_PRIVATE_LINK_GROUP],
            },
          ],
        },
        { parent: this },
      );
      if (pe.privateDnsZoneId !== undefined) {
        new network.PrivateDnsZoneGroup(
          `${name}-private-dns`,
          {
            privateDnsZoneGroupName: 'default',
            privateEndpointName: endpoint.name,
            resourceGroupName: args.resourceGroupName,
            privateDnsZoneConfigs: [{ name: 'vaultcore', privateDnsZoneId: pe.privateDnsZoneId }],
          },
          { parent: this },
        );
      }
    }

    if (s.logAnalyticsWorkspaceId !== undefined) {
      new monitor.DiagnosticSetting(
        `${name}-diagnostics`,
        {
          name: 'kv-secrets-sync-audit',
          resourceUri: this.vault.id,
          workspaceId: s.logAnalyticsWorkspaceId,
          logAnalyticsDestinationType: 'Dedicated',
          logs: [{ categoryGroup: KEY_VAULT_AUDIT_CATEGORY_GROUP, enabled: true }],
          metrics: [{ category: 'AllMetrics', enabled: true }],
        },
        { parent: this },
      );
    }

    this.registerOutputs({ id: this.id, vaultUri: this.vaultUri });
  }
}
