import { ApiObjectMetadata } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { CIDR, DNS1123_LABEL, LABEL_VALUE, NAMESPACE_NAME_LABEL, QUALIFIED_NAME } from '../config';
import { collectProblems, ruleCheck } from './_validation';

/** Props of {@link ExternalSecretsNetworkPolicy}. */
export interface ExternalSecretsNetworkPolicyProps {
  /** The ESO namespace; the policy selects every pod in it (controller, webhook, cert controller). */
  readonly namespace: string;
  /**
   * Where the API server is reached, as CIDRs. Policies see the address after Service NAT, so this is the API
   * server's own IP (AKS: `az aks show --query fqdn`, resolved; or the API server subnet with VNet integration),
   * not the `kubernetes` Service IP.
   */
  readonly apiServerCidrs: readonly string[];
  /** @default [443] */
  readonly apiServerPorts?: readonly number[];
  /**
   * Destinations of HTTPS egress to Entra ID (token exchange) and Key Vault. NetworkPolicy cannot name hosts.
   * @default ['0.0.0.0/0']
   */
  readonly azureCidrs?: readonly string[];
  /** Namespaces that may scrape the metrics port. @default - any namespace */
  readonly metricsNamespaces?: readonly string[];
  /** @default 'kube-system' */
  readonly dnsNamespace?: string;
  /** @default { 'k8s-app': 'kube-dns' } */
  readonly dnsPodLabels?: Readonly<Record<string, string>>;
  /** Port the webhook listens on (chart value `webhook.port`). @default 10250 */
  readonly webhookPort?: number;
  /** Metrics port of controller, webhook and cert controller (chart `*.metrics.listen.port`). @default 8080 */
  readonly metricsPort?: number;
  /** @default 'external-secrets' */
  readonly name?: string;
  /** @default - none */
  readonly metadata?: Pick<ApiObjectMetadata, 'labels' | 'annotations'>;
}

/**
 * A NetworkPolicy for the ESO namespace: egress only to cluster DNS, the API server, and HTTPS to Entra ID and
 * Key Vault; ingress only to the webhook port (from the API server) and the metrics port (from Prometheus).
 *
 * Kubelet probes come from the node, which NetworkPolicy implementations on AKS (Azure NPM, Cilium, Calico)
 * let through, so the health ports (8081, 8082) need no rule.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 * @see https://learn.microsoft.com/azure/aks/outbound-rules-control-egress
 */
export class ExternalSecretsNetworkPolicy extends Construct {
  public readonly resource: k8s.KubeNetworkPolicy;

  constructor(scope: Construct, id: string, props: ExternalSecretsNetworkPolicyProps) {
    super(scope, id);
    const p = {
      name: props.name ?? 'external-secrets',
      apiServerPorts: props.apiServerPorts ?? [443],
      azureCidrs: props.azureCidrs ?? ['0.0.0.0/0'],
      metricsNamespaces: props.metricsNamespaces ?? [],
      dnsNamespace: props.dnsNamespace ?? 'kube-system',
      dnsPodLabels: props.dnsPodLabels ?? { 'k8s-app': 'kube-dns' },
      webhookPort: props.webhookPort ?? 10250,
      metricsPort: props.metricsPort ?? 8080,
    };
    collectProblems(this, (problem) => {
      ruleCheck(problem, DNS1123_LABEL, props.namespace, 'namespace');
      ruleCheck(problem, DNS1123_LABEL, p.name, 'name');
      ruleCheck(problem, DNS1123_LABEL, p.dnsNamespace, 'dnsNamespace');
      if (!props.apiServerCidrs || props.apiServerCidrs.length === 0) {
        problem('apiServerCidrs', 'must name the API server address (without it ESO cannot reach the API server)');
      }
      (props.apiServerCidrs ?? []).forEach((c, i) => ruleCheck(problem, CIDR, c, `apiServerCidrs[${i}]`));
      if (p.azureCidrs.length === 0) problem('azureCidrs', 'must not be empty (ESO must reach Entra ID and Key Vault)');
      p.azureCidrs.forEach((c, i) => ruleCheck(problem, CIDR, c, `azureCidrs[${i}]`));
      p.metricsNamespaces.forEach((ns, i) => ruleCheck(problem, DNS1123_LABEL, ns, `metricsNamespaces[${i}]`));
      for (const [k, v] of Object.entries(p.dnsPodLabels)) {
        ruleCheck(problem, QUALIFIED_NAME, k, 'dnsPodLabels');
        ruleCheck(problem, LABEL_VALUE, v, `dnsPodLabels[${JSON.stringify(k)}]`);
      }
      const ports: Array<[string, number]> = [
        ['webhookPort', p.webhookPort],
        ['metricsPort', p.metricsPort],
        ...p.apiServerPorts.map((port, i): [string, number] => [`apiServerPorts[${i}]`, port]),
      ];
      for (const [field, port] of ports) {
        if (!Number.isInteger(port) || port < 1 || port > 65535) problem(field, `${JSON.stringify(port)} is not a port (1-65535)`);
      }
    });

    const tcp = (port: number): k8s.NetworkPolicyPort => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) });
    const ipBlocks = (cidrs: readonly string[]): k8s.NetworkPolicyPeer[] => cidrs.map((cidr) => ({ ipBlock: { cidr } }));
    this.resource = new k8s.KubeNetworkPolicy(this, 'Resource', {
      metadata: { name: p.name, namespace: props.namespace, ...props.metadata },
      spec: {
        podSelector: {},
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          // The API server calls the webhook; its source address is not stable on AKS, so any source.
          { ports: [tcp(p.webhookPort)] },
          {
            ports: [tcp(p.metricsPort)],
            from:
              p.metricsNamespaces.length > 0
                ? [{ namespaceSelector: { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'In', values: [...p.metricsNamespaces].sort() }] } }]
                : undefined,
          },
        ],
        egress: [
          {
            to: [
              {
                namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: p.dnsNamespace } },
                podSelector: { matchLabels: { ...p.dnsPodLabels } },
              },
            ],
            ports: [
              { protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) },
              { protocol: 'TCP', port: k8s.IntOrString.fromNumber(53) },
            ],
          },
          { to: ipBlocks(props.apiServerCidrs), ports: p.apiServerPorts.map(tcp) },
          { to: ipBlocks(p.azureCidrs), ports: [tcp(443)] },
        ],
      },
    });
  }
}
