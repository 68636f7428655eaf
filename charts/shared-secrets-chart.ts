import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { Environment } from '../config';
import { IKeyVaultStore, KeyVaultClusterExternalSecret } from '../constructs';
import { secretMetadata } from './external-secrets-chart';

/** Props of {@link SharedSecretsChart}. */
export interface SharedSecretsChartProps extends ChartProps {
  readonly environment: Environment;
  /** Stores by name (from the stores chart). */
  readonly stores: ReadonlyMap<string, IKeyVaultStore>;
}

/** One ClusterExternalSecret per `operations.sharedSecrets` entry. */
export class SharedSecretsChart extends Chart {
  public readonly clusterExternalSecrets: readonly KeyVaultClusterExternalSecret[];

  constructor(scope: Construct, id: string, props: SharedSecretsChartProps) {
    super(scope, id, props);
    const env = props.environment;
    this.clusterExternalSecrets = env.operations.sharedSecrets.map((shared) => {
      const store = props.stores.get(shared.store);
      if (!store) throw new Error(`shared secret ${shared.name}: unknown store ${shared.store}`);
      return new KeyVaultClusterExternalSecret(this, shared.name, {
        name: shared.name,
        namespaces: shared.namespaces,
        namespaceSelector: shared.namespaceSelector,
        namespacesRefreshTime: shared.namespacesRefreshTime,
        store,
        refreshInterval: shared.refreshInterval ?? env.defaults.refreshInterval,
        refreshPolicy: shared.refreshPolicy ?? env.defaults.refreshPolicy,
        data: shared.data,
        dataFrom: shared.dataFrom,
        template: shared.template,
        // The chart's labels (environment, managed-by) too, so `kv-secrets-sync status` finds the ExternalSecrets
        // the ClusterExternalSecret creates.
        metadata: secretMetadata(shared, this.labels),
      });
    });
  }
}
