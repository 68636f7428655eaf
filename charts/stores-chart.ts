import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { Environment } from '../config';
import {
  IKeyVaultStore,
  IWorkloadIdentityServiceAccount,
  KeyVaultClusterSecretStore,
  KeyVaultSecretStore,
} from '../constructs';

/** Props of {@link StoresChart}. */
export interface StoresChartProps extends ChartProps {
  readonly environment: Environment;
  /** The ServiceAccounts by identity name (from the identities chart). */
  readonly serviceAccounts: ReadonlyMap<string, IWorkloadIdentityServiceAccount>;
}

/** The environment's SecretStores and ClusterSecretStores, all reading its Key Vault. */
export class StoresChart extends Chart {
  /** Stores by name. */
  public readonly stores: ReadonlyMap<string, IKeyVaultStore>;

  constructor(scope: Construct, id: string, props: StoresChartProps) {
    super(scope, id, props);
    const env = props.environment;
    const stores = new Map<string, IKeyVaultStore>();
    for (const store of env.stores) {
      const serviceAccount = props.serviceAccounts.get(store.identity);
      if (!serviceAccount) throw new Error(`store ${store.name}: identity ${store.identity} has no ServiceAccount`);
      const common = {
        name: store.name,
        vaultName: env.keyVault.name,
        cloud: env.keyVault.cloud,
        authType: store.authType,
        serviceAccount,
        tenantId: store.tenantId,
      };
      stores.set(
        store.name,
        store.kind === 'SecretStore'
          ? new KeyVaultSecretStore(this, store.name, { ...common, namespace: store.namespace })
          : new KeyVaultClusterSecretStore(this, store.name, {
              ...common,
              namespaces: store.namespaces,
              namespaceSelector: store.namespaceSelector,
            }),
      );
    }
    this.stores = stores;
  }
}
