import { App, Chart } from 'cdk8s';
import { ENVIRONMENT_LABEL, Environment, MANAGED_BY, MANAGED_BY_LABEL } from '../config';
import { ExternalSecretsChart } from './external-secrets-chart';
import { IdentitiesChart } from './identities-chart';
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
  /** Every chart with the file it is written to, in apply order. */
  readonly files: ReadonlyArray<{ readonly file: string; readonly chart: Chart }>;
}

/** Labels every object of an environment carries. */
export function environmentLabels(env: Environment): Record<string, string> {
  return { [MANAGED_BY_LABEL]: MANAGED_BY, [ENVIRONMENT_LABEL]: env.environment };
}

/**
 * Composes the charts of one environment in `app`: ServiceAccounts, then stores, then ExternalSecrets.
 * Used by `npm run synth` (dist/<env>/) and by the Pulumi stack (in-cluster delivery) alike.
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
  return {
    identities,
    stores,
    externalSecrets,
    files: [
      { file: 'service-accounts.yaml', chart: identities },
      { file: 'secret-stores.yaml', chart: stores },
      { file: 'external-secrets.yaml', chart: externalSecrets },
    ],
  };
}
