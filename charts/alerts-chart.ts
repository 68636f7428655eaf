import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { Environment } from '../config';
import { ExternalSecretsAlerts } from '../constructs';

/** Props of {@link AlertsChart}. */
export interface AlertsChartProps extends ChartProps {
  readonly environment: Environment;
}

/** The PrometheusRule of an environment, in the ESO namespace, with its thresholds from `operations.alerts`. */
export class AlertsChart extends Chart {
  public readonly alerts: ExternalSecretsAlerts;

  constructor(scope: Construct, id: string, props: AlertsChartProps) {
    super(scope, id, props);
    const env = props.environment;
    const a = env.operations.alerts;
    this.alerts = new ExternalSecretsAlerts(this, 'alerts', {
      namespace: env.platform.esoNamespace,
      runbookUrl: a.runbookUrl,
      namespaceLabel: a.namespaceLabel,
      pageSeverity: a.pageSeverity,
      externalSecretNotReadyFor: a.externalSecretNotReadyFor,
      storeNotReadyFor: a.storeNotReadyFor,
      controllerAbsentFor: a.controllerAbsentFor,
      rateWindow: a.rateWindow,
      syncErrorRatio: a.syncErrorRatio,
      syncErrorFor: a.syncErrorFor,
      providerErrorRatio: a.providerErrorRatio,
      providerErrorFor: a.providerErrorFor,
      providerCallRate: a.providerCallRate,
      providerCallRateFor: a.providerCallRateFor,
      metadata: Object.keys(a.ruleLabels).length > 0 ? { labels: { ...a.ruleLabels } } : undefined,
    });
  }
}
