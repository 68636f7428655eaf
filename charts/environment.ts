import { App, Chart } from 'cdk8s';
import { ENVIRONMENT_LABEL, Environment, MANAGED_BY, MANAGED_BY_LABEL } from '../config';
import { AdmissionChart } from './admission-chart';
import { AlertsChart } from './alerts-chart';
import { EsoNamespaceChart } from './eso-namespace-chart';
import { ExternalSecretsChart } from './external-secrets-chart';
import { IdentitiesChart } from './identities-chart';
import { SharedSecretsChart } from './shared-secrets-chart';
import { StoresChart } from './stores-chart';

/** Options for {@link buildEnvironment}. */
export interface BuildEnvironmentOptions {
  /** Client ids by identity name, overriding the catalogue. @default - the catalogue's */
  readonly clientIds?: Readonly<Record<string, string>>;
}

/** The charts of one environment, each written to its own file. */
export interface EnvironmentCharts {
  readonly identities: IdentitiesChart;
  readonly stores: StoresChart;
  readonly externalSecrets: ExternalSecretsChart;
  /** The ESO namespace (Pod Security labels) and its NetworkPolicy, when either is enabled. */
  readonly esoNamespace?: EsoNamespaceChart;
  /** The admission policy, when `operations.admission.enabled`. */
  readonly admission?: AdmissionChart;
  /** ClusterExternalSecrets, when `operations.sharedSecrets` lists any. */
  readonly sharedSecrets?: SharedSecretsChart;
  /** The PrometheusRule, when the cluster runs Prometheus Operator and `operations.alerts.enabled`. */
  readonly alerts?: AlertsChart;
  /** Every chart with the file it is written to, in apply order. */
  readonly files: ReadonlyArray<{ readonly file: string; readonly chart: Chart }>;
}

/** Labels every object of an environment carries. */
export function environmentLabels(env: Environment): Record<string, string> {
  return { [MANAGED_BY_LABEL]: MANAGED_BY, [ENVIRONMENT_LABEL]: env.environment };
}

/**
 * Composes the charts of one environment in `app`: the ESO namespace, ServiceAccounts, stores, the admission
 * policy, ExternalSecrets, ClusterExternalSecrets and alerts; the optional ones only when the environment
 * enables them. Used by `npm run synth` (dist/<env>/) and by the Pulumi stack (in-cluster delivery) alike.
 */
export function buildEnvironment(app: App, env: Environment, options: BuildEnvironmentOptions = {}): EnvironmentCharts {
  const labels = environmentLabels(env);
  const identities = new IdentitiesChart(app, `${env.environment}-identities`, {
    environment: env,
    clientIds: options.clientIds,
    labels,
  });
  const stores = new StoresChart(app, `${env.environment}-stores`, {
    environment: env,
    serviceAccounts: identities.serviceAccounts,
    labels,
  });
  const externalSecrets = new ExternalSecretsChart(app, `${env.environment}-external-secrets`, {
    environment: env,
    stores: stores.stores,
    labels,
  });
  const ops = env.operations;
  const esoNamespace =
    ops.podSecurity.enabled || ops.networkPolicy.enabled
      ? new EsoNamespaceChart(app, `${env.environment}-eso-namespace`, { environment: env, labels })
      : undefined;
  const admission = ops.admission.enabled
    ? new AdmissionChart(app, `${env.environment}-admission-policy`, { environment: env, labels })
    : undefined;
  const sharedSecrets =
    ops.sharedSecrets.length > 0
      ? new SharedSecretsChart(app, `${env.environment}-cluster-external-secrets`, { environment: env, stores: stores.stores, labels })
      : undefined;
  const alerts =
    env.platform.prometheusOperator && ops.alerts.enabled
      ? new AlertsChart(app, `${env.environment}-alerts`, { environment: env, labels })
      : undefined;
  const optional = (file: string, chart: Chart | undefined) => (chart ? [{ file, chart }] : []);
  return {
    identities,
    stores,
    externalSecrets,
    esoNamespace,
    admission,
    sharedSecrets,
    alerts,
    files: [
      ...optional('eso-namespace.yaml', esoNamespace),
      { file: 'service-accounts.yaml', chart: identities },
      { file: 'secret-stores.yaml', chart: stores },
      ...optional('admission-policy.yaml', admission),
      { file: 'external-secrets.yaml', chart: externalSecrets },
      ...optional('cluster-external-secrets.yaml', sharedSecrets),
      ...optional('alerts.yaml', alerts),
    ],
  };
}
