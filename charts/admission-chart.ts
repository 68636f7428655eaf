import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { Environment, governedNamespaces, storeAdmits } from '../config';
import { AllowedStoreRef, ExternalSecretAdmissionPolicy } from '../constructs';

/** Props of {@link AdmissionChart}. */
export interface AdmissionChartProps extends ChartProps {
  readonly environment: Environment;
}

/** The stores the catalogue allows in each governed namespace: its SecretStores and the ClusterSecretStores admitting it. */
export function allowedStoresByNamespace(env: Environment): Record<string, AllowedStoreRef[]> {
  const out: Record<string, AllowedStoreRef[]> = {};
  for (const ns of governedNamespaces(env)) {
    out[ns] = env.stores.filter((s) => storeAdmits(s, ns)).map((s) => ({ kind: s.kind, name: s.name }));
  }
  return out;
}

/** The ValidatingAdmissionPolicy and binding that hold ExternalSecrets in governed namespaces to the catalogue. */
export class AdmissionChart extends Chart {
  public readonly policy: ExternalSecretAdmissionPolicy;

  constructor(scope: Construct, id: string, props: AdmissionChartProps) {
    super(scope, id, props);
    const env = props.environment;
    this.policy = new ExternalSecretAdmissionPolicy(this, 'policy', {
      allowedStores: allowedStoresByNamespace(env),
      minRefreshInterval: env.operations.admission.minRefreshInterval,
      validationActions: env.operations.admission.validationActions,
    });
  }
}
