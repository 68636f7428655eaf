import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { Environment } from '../config';
import { ExternalSecretsNetworkPolicy, PodSecurityNamespace } from '../constructs';

/** Annotations that keep Argo CD and Flux from pruning an object they apply. */
export const NO_PRUNE_ANNOTATIONS = {
  'argocd.argoproj.io/sync-options': 'Prune=false',
  'kustomize.toolkit.fluxcd.io/prune': 'disabled',
} as const;

/** Props of {@link EsoNamespaceChart}. */
export interface EsoNamespaceChartProps extends ChartProps {
  readonly environment: Environment;
}

/** The ESO namespace with its Pod Security labels, and its NetworkPolicy, each when the environment enables it. */
export class EsoNamespaceChart extends Chart {
  public readonly namespaceObject?: PodSecurityNamespace;
  public readonly networkPolicy?: ExternalSecretsNetworkPolicy;

  constructor(scope: Construct, id: string, props: EsoNamespaceChartProps) {
    super(scope, id, props);
    const env = props.environment;
    const { podSecurity, networkPolicy } = env.operations;
    if (podSecurity.enabled) {
      this.namespaceObject = new PodSecurityNamespace(this, 'namespace', {
        name: env.platform.esoNamespace,
        level: podSecurity.level,
        version: podSecurity.version,
        // The namespace holds the ESO release itself; removing this file from Git must never delete it.
        metadata: { annotations: { ...NO_PRUNE_ANNOTATIONS } },
      });
    }
    if (networkPolicy.enabled) {
      this.networkPolicy = new ExternalSecretsNetworkPolicy(this, 'network-policy', {
        namespace: env.platform.esoNamespace,
        apiServerCidrs: networkPolicy.apiServerCidrs,
        apiServerPorts: networkPolicy.apiServerPorts,
        azureCidrs: networkPolicy.azureCidrs,
        metricsNamespaces: networkPolicy.metricsNamespaces,
        dnsNamespace: networkPolicy.dnsNamespace,
        dnsPodLabels: networkPolicy.dnsPodLabels,
      });
    }
  }
}
