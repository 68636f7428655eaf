import { Construct } from 'constructs';
import { ApiObjectMetadata } from 'cdk8s';
import { DNS1123_LABEL, LabelSelector, NamespaceCondition, conditionsBound, storeConditions } from '../config';
import {
  ClusterSecretStore,
  ClusterSecretStoreSpecProviderAzurekvAuthType,
  ClusterSecretStoreSpecProviderAzurekvEnvironmentType,
} from './imports/external-secrets.io';
import type { IKeyVaultStore } from './key-vault-store';
import { KeyVaultStoreBaseProps, azurekvValues, checkStoreProps } from './_azurekv';
import { collectProblems, ruleCheck } from './_validation';

/** Props of {@link KeyVaultClusterSecretStore}. */
export interface KeyVaultClusterSecretStoreProps extends KeyVaultStoreBaseProps {
  /**
   * The namespaces whose ExternalSecrets may use the store, written to `spec.conditions`. Required and
   * non-empty: a ClusterSecretStore without conditions serves every namespace of the cluster.
   */
  readonly namespaces: readonly string[];
  /**
   * Of {@link namespaces}, admit only those whose labels match. The selector is pinned to the listed names
   * (`kubernetes.io/metadata.name In [...]`), so it narrows the list and never admits another namespace.
   * @default - every listed namespace
   */
  readonly namespaceSelector?: LabelSelector;
  /** Extra labels and annotations. @default - none */
  readonly metadata?: Pick<ApiObjectMetadata, 'labels' | 'annotations'>;
}

/**
 * A cluster-scoped ESO `ClusterSecretStore` reading Azure Key Vault with Workload Identity, admitting only
 * the namespaces it is given.
 *
 * @see https://external-secrets.io/v2.9.0/api/clustersecretstore/
 */
export class KeyVaultClusterSecretStore extends Construct implements IKeyVaultStore {
  public readonly name: string;
  public readonly kind = 'ClusterSecretStore' as const;
  public readonly admittedNamespaces: readonly string[];
  /** The `spec.conditions` written. */
  public readonly conditions: readonly NamespaceCondition[];
  public readonly resource: ClusterSecretStore;

  constructor(scope: Construct, id: string, props: KeyVaultClusterSecretStoreProps) {
    super(scope, id);
    collectProblems(this, (problem) => {
      ruleCheck(problem, DNS1123_LABEL, props.name, 'name');
      checkStoreProps(problem, props);
      if (!props.namespaces || props.namespaces.length === 0) {
        problem('namespaces', 'must name at least one namespace (without conditions a ClusterSecretStore serves every namespace)');
      }
      (props.namespaces ?? []).forEach((ns, i) => ruleCheck(problem, DNS1123_LABEL, ns, `namespaces[${i}]`));
      if (props.namespaceSelector && Object.keys(props.namespaceSelector).length === 0) {
        problem('namespaceSelector', 'must not be empty (an empty selector matches every namespace); omit it to admit the listed namespaces');
      }
    });
    this.name = props.name;
    this.admittedNamespaces = [...new Set(props.namespaces)].sort();
    this.conditions = storeConditions(this.admittedNamespaces, props.namespaceSelector);
    // The guarantee the catalogue relies on: whatever labels namespaces carry, nothing outside the list is admitted.
    const bound = conditionsBound(this.conditions);
    const outside = bound === undefined ? ['(any namespace)'] : bound.filter((ns) => !this.admittedNamespaces.includes(ns));
    if (outside.length > 0) {
      throw new Error(`${this.node.path}: conditions would admit ${outside.join(', ')} beyond namespaces ${this.admittedNamespaces.join(', ')}`);
    }

    const kv = azurekvValues(props);
    this.resource = new ClusterSecretStore(this, 'Resource', {
      metadata: { name: props.name, ...props.metadata },
      spec: {
        provider: {
          azurekv: {
            authType: ClusterSecretStoreSpecProviderAzurekvAuthType.WORKLOAD_IDENTITY,
            vaultUrl: kv.vaultUrl,
            environmentType: kv.cloud as ClusterSecretStoreSpecProviderAzurekvEnvironmentType,
            tenantId: kv.tenantId,
            // Cluster-scoped stores must say where the ServiceAccount lives.
            serviceAccountRef: { name: kv.serviceAccountName, namespace: props.serviceAccount.namespace },
          },
        },
        conditions: this.conditions.map((c) => ({
          namespaces: c.namespaces ? [...c.namespaces] : undefined,
          namespaceSelector: c.namespaceSelector
            ? {
                matchLabels: c.namespaceSelector.matchLabels,
                matchExpressions: c.namespaceSelector.matchExpressions?.map((e) => ({ ...e, values: e.values ? [...e.values] : undefined })),
              }
            : undefined,
        })),
      },
    });
  }

  /** True when the store can admit `namespace` (with a selector: when the namespace carries matching labels). */
  public admits(namespace: string): boolean {
    return this.admittedNamespaces.includes(namespace);
  }
}
