import { Construct } from 'constructs';
import { ApiObjectMetadata } from 'cdk8s';
import { DNS1123_LABEL } from '../config';
import {
  SecretStore,
  SecretStoreSpecProviderAzurekvAuthType,
  SecretStoreSpecProviderAzurekvEnvironmentType,
} from './imports/external-secrets.io';
import type { IKeyVaultStore } from './key-vault-store';
import { KeyVaultStoreBaseProps, azurekvValues, checkStoreProps } from './_azurekv';
import { collectProblems, ruleCheck } from './_validation';

/** Props of {@link KeyVaultSecretStore}. */
export interface KeyVaultSecretStoreProps extends KeyVaultStoreBaseProps {
  /** Namespace of the store; must be the ServiceAccount's namespace. */
  readonly namespace: string;
  /** Extra labels and annotations. @default - none */
  readonly metadata?: Pick<ApiObjectMetadata, 'labels' | 'annotations'>;
}

/**
 * A namespace-scoped ESO `SecretStore` reading Azure Key Vault with Workload Identity.
 *
 * Only ExternalSecrets of its own namespace can use it, and its ServiceAccount must live there too (ESO
 * ignores `serviceAccountRef.namespace` on namespaced stores).
 *
 * @see https://external-secrets.io/v2.9.0/provider/azure-key-vault/
 */
export class KeyVaultSecretStore extends Construct implements IKeyVaultStore {
  public readonly name: string;
  public readonly namespace: string;
  public readonly kind = 'SecretStore' as const;
  public readonly admittedNamespaces: readonly string[];
  public readonly resource: SecretStore;

  constructor(scope: Construct, id: string, props: KeyVaultSecretStoreProps) {
    super(scope, id);
    collectProblems(this, (problem) => {
      ruleCheck(problem, DNS1123_LABEL, props.name, 'name');
      ruleCheck(problem, DNS1123_LABEL, props.namespace, 'namespace');
      checkStoreProps(problem, props);
      if (props.serviceAccount && props.serviceAccount.namespace !== props.namespace) {
        problem(
          'serviceAccount',
          `${props.serviceAccount.namespace}/${props.serviceAccount.name} is in another namespace than the store (${props.namespace}); a SecretStore can only use a ServiceAccount of its own namespace`,
        );
      }
    });
    this.name = props.name;
    this.namespace = props.namespace;
    this.admittedNamespaces = [props.namespace];

    const kv = azurekvValues(props);
    this.resource = new SecretStore(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace, ...props.metadata },
      spec: {
        provider: {
          azurekv: {
            authType: SecretStoreSpecProviderAzurekvAuthType.WORKLOAD_IDENTITY,
            vaultUrl: kv.vaultUrl,
            // Same strings as our cloud names, validated above.
            environmentType: kv.cloud as SecretStoreSpecProviderAzurekvEnvironmentType,
            tenantId: kv.tenantId,
            serviceAccountRef: { name: kv.serviceAccountName },
          },
        },
      },
    });
  }

  public admits(namespace: string): boolean {
    return namespace === this.namespace;
  }
}
