import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { DESCRIPTION_ANNOTATION, Environment, SecretEntry, secretTemplate } from '../config';
import { IKeyVaultStore, KeyVaultExternalSecret } from '../constructs';

/** Props of {@link ExternalSecretsChart}. */
export interface ExternalSecretsChartProps extends ChartProps {
  readonly environment: Environment;
  /** Stores by name (from the stores chart). */
  readonly stores: ReadonlyMap<string, IKeyVaultStore>;
}

/** One ExternalSecret per catalogue secret. */
export class ExternalSecretsChart extends Chart {
  public readonly externalSecrets: readonly KeyVaultExternalSecret[];

  constructor(scope: Construct, id: string, props: ExternalSecretsChartProps) {
    super(scope, id, props);
    const env = props.environment;
    this.externalSecrets = env.secrets.map((secret) => {
      const store = props.stores.get(secret.store);
      if (!store) throw new Error(`secret ${secret.namespace}/${secret.name}: unknown store ${secret.store}`);
      return new KeyVaultExternalSecret(this, `${secret.namespace}-${secret.name}`, {
        name: secret.name,
        namespace: secret.namespace,
        store,
        refreshInterval: secret.refreshInterval ?? env.defaults.refreshInterval,
        refreshPolicy: secret.refreshPolicy ?? env.defaults.refreshPolicy,
        data: secret.data,
        dataFrom: secret.dataFrom,
        template: secretTemplate(secret),
        metadata: secretMetadata(secret),
      });
    });
  }
}

/**
 * Labels and annotations a catalogue secret asks for (its description as an annotation), for the ExternalSecret
 * and the Secret it creates; `labels` are added first (the chart's own, for objects ESO creates for us).
 */
export function secretMetadata(secret: Pick<SecretEntry, 'labels' | 'annotations' | 'description'>, labels: Record<string, string> = {}) {
  const annotations = {
    ...secret.annotations,
    ...(secret.description !== undefined ? { [DESCRIPTION_ANNOTATION]: secret.description } : {}),
  };
  const allLabels = { ...labels, ...secret.labels };
  return {
    labels: Object.keys(allLabels).length > 0 ? allLabels : undefined,
    annotations: Object.keys(annotations).length > 0 ? annotations : undefined,
  };
}
