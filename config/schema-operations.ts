/**
 * The `operations` section of the catalogue: sync alerts, admission guardrails, network and pod security for
 * the ESO namespace, and secrets shared across namespaces through ClusterExternalSecrets.
 *
 * Every setting has a secure default, so an environment that leaves the section out still gets the admission
 * policy, the `restricted` Pod Security level and (with Prometheus Operator) the alerts.
 */
import { z } from 'zod';
import { ruleString } from './rule-string';
import type { SecretSchema as SecretSchemaType } from './schema';
import { DNS1123_LABEL, GO_DURATION, LABEL_VALUE, QUALIFIED_NAME, formatRule } from './rules';

/**
 * A Prometheus duration, as `for:` and range selectors take it (no fractions, no µs).
 * @see https://prometheus.io/docs/prometheus/latest/querying/basics/#float-literals-and-time-durations
 */
export const PROM_DURATION = formatRule(
  'a Prometheus duration',
  'one or more numbers with units ms, s, m, h, d, w, y, such as "5m", "1h30m"',
  /^([0-9]+(ms|s|m|h|d|w|y))+$/,
);

/** An IPv4 or IPv6 CIDR block, as NetworkPolicy `ipBlock.cidr` takes it. */
export const CIDR = formatRule(
  'a CIDR block',
  'an IPv4 or IPv6 network such as "10.0.0.0/16" or "fd00::/8"',
  /^([0-9]{1,3}(\.[0-9]{1,3}){3}\/[0-9]{1,2}|[0-9a-fA-F:]+:[0-9a-fA-F:]*\/[0-9]{1,3})$/,
  (v) => {
    const [addr, bits] = v.split('/') as [string, string];
    if (addr.includes('.')) return Number(bits) <= 32 && addr.split('.').every((o) => Number(o) <= 255);
    return Number(bits) <= 128;
  },
);

/** A Kubernetes label selector (`matchLabels` and `matchExpressions`), as ESO and NetworkPolicy take it. */
export const LabelSelectorSchema = z
  .strictObject({
    matchLabels: z.record(ruleString(QUALIFIED_NAME), ruleString(LABEL_VALUE)).optional(),
    matchExpressions: z
      .array(
        z.strictObject({
          key: ruleString(QUALIFIED_NAME),
          operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
          values: z.array(ruleString(LABEL_VALUE)).optional(),
        }),
      )
      .optional(),
  })
  .meta({ description: 'A Kubernetes label selector on namespace labels.' });

/** Thresholds and wiring of the PrometheusRule. */
export const AlertsSchema = z
  .strictObject({
    enabled: z
      .boolean()
      .default(true)
      .meta({ description: 'Write the PrometheusRule (only when platform.prometheusOperator is true).' }),
    runbookUrl: z
      .string()
      .min(1)
      .default('docs/runbook.md')
      .meta({ description: 'Where docs/runbook.md is published; each alert links to a section (#anchor) of it.' }),
    namespaceLabel: z.enum(['exported_namespace', 'namespace']).default('exported_namespace').meta({
      description:
        'The label that carries the ExternalSecret namespace after scraping: exported_namespace with the chart default serviceMonitor.honorLabels=false, namespace with honorLabels=true.',
    }),
    ruleLabels: z
      .record(ruleString(QUALIFIED_NAME), ruleString(LABEL_VALUE))
      .default({})
      .meta({ description: "Labels on the PrometheusRule, to match the Prometheus ruleSelector (e.g. release: kube-prometheus-stack)." }),
    pageSeverity: z
      .enum(['critical', 'warning'])
      .default('critical')
      .meta({ description: 'Severity of the alerts that mean secrets stop arriving; "warning" keeps an environment from paging.' }),
    externalSecretNotReadyFor: ruleString(PROM_DURATION, 'How long an ExternalSecret may be not Ready before it alerts.').default('10m'),
    storeNotReadyFor: ruleString(PROM_DURATION, 'How long a SecretStore or ClusterSecretStore may be not Ready.').default('5m'),
    controllerAbsentFor: ruleString(PROM_DURATION, 'How long the ESO controller may be missing from Prometheus.').default('5m'),
    rateWindow: ruleString(PROM_DURATION, 'Range of the rate() windows of the ratio alerts.').default('10m'),
    syncErrorRatio: z
      .number()
      .gt(0)
      .max(1)
      .default(0.1)
      .meta({ description: 'Fraction of an ExternalSecret’s sync calls that may fail before it alerts.' }),
    syncErrorFor: ruleString(PROM_DURATION, 'How long the sync error ratio must hold.').default('15m'),
    providerErrorRatio: z
      .number()
      .gt(0)
      .max(1)
      .default(0.05)
      .meta({ description: 'Fraction of Key Vault API calls that may fail (403, 404, 429, 5xx) before it alerts.' }),
    providerErrorFor: ruleString(PROM_DURATION, 'How long the Key Vault error ratio must hold.').default('15m'),
    providerCallRate: z
      .number()
      .positive()
      .default(100)
      .meta({
        description:
          'Key Vault calls per second that warn of throttling; Key Vault allows 4000 secret transactions per 10 s per vault (400/s).',
      }),
    providerCallRateFor: ruleString(PROM_DURATION, 'How long the call rate must hold.').default('15m'),
    serviceMonitor: z
      .boolean()
      .default(true)
      .meta({ description: 'Switch on the ESO chart ServiceMonitor (release values; needs platform.prometheusOperator).' }),
    grafanaDashboard: z
      .boolean()
      .default(false)
      .meta({ description: 'Switch on the ESO chart Grafana dashboard ConfigMap (release values).' }),
  })
  .meta({ description: 'PrometheusRule alerts on ESO sync health.' });

/** The ValidatingAdmissionPolicy for ExternalSecrets. */
export const AdmissionSchema = z
  .strictObject({
    enabled: z.boolean().default(true).meta({ description: 'Write the ValidatingAdmissionPolicy and its binding.' }),
    namespaces: z
      .array(ruleString(DNS1123_LABEL))
      .optional()
      .meta({ description: 'Governed namespaces. Default: every namespace the catalogue delivers secrets to.' }),
    minRefreshInterval: ruleString(GO_DURATION, 'Smallest refreshInterval an ExternalSecret may ask for ("0" stays allowed).').default('1m'),
    validationActions: z
      .array(z.enum(['Deny', 'Warn', 'Audit']))
      .min(1)
      .default(['Deny'])
      .meta({ description: 'What a violation does; [Warn, Audit] to roll the policy out without refusing anything.' }),
  })
  .meta({ description: 'Admission guardrails for ExternalSecrets in governed namespaces.' });

/** The NetworkPolicy of the ESO namespace. */
export const NetworkPolicySchema = z
  .strictObject({
    enabled: z
      .boolean()
      .default(false)
      .meta({ description: 'Write the NetworkPolicy; off by default because it needs the API server address (apiServerCidrs).' }),
    apiServerCidrs: z
      .array(ruleString(CIDR))
      .default([])
      .meta({ description: 'Where the API server is reached after Service NAT (AKS: the API server IP, or the API server subnet with VNet integration).' }),
    apiServerPorts: z
      .array(z.number().int().min(1).max(65535))
      .min(1)
      .default([443])
      .meta({ description: 'API server ports (AKS: 443).' }),
    azureCidrs: z
      .array(ruleString(CIDR))
      .min(1)
      .default(['0.0.0.0/0'])
      .meta({
        description:
          'Destinations of HTTPS egress to Entra ID and Key Vault. NetworkPolicy cannot name hosts; narrow this to the Key Vault private endpoint subnet and the AzureActiveDirectory service tag ranges where you can.',
      }),
    metricsNamespaces: z
      .array(ruleString(DNS1123_LABEL))
      .default([])
      .meta({ description: 'Namespaces that may scrape the metrics port; empty allows any.' }),
    dnsNamespace: ruleString(DNS1123_LABEL, 'Namespace of the cluster DNS pods.').default('kube-system'),
    dnsPodLabels: z
      .record(ruleString(QUALIFIED_NAME), ruleString(LABEL_VALUE))
      .default({ 'k8s-app': 'kube-dns' })
      .meta({ description: 'Labels of the cluster DNS pods (AKS CoreDNS: k8s-app=kube-dns).' }),
  })
  .meta({ description: 'NetworkPolicy for the ESO namespace.' });

/** Pod Security Admission labels of the ESO namespace. */
export const PodSecuritySchema = z
  .strictObject({
    enabled: z.boolean().default(true).meta({ description: 'Write the ESO Namespace with Pod Security labels.' }),
    level: z
      .enum(['restricted', 'baseline'])
      .default('restricted')
      .meta({ description: 'Pod Security level enforced, audited and warned on (the ESO chart defaults meet restricted).' }),
    version: z
      .string()
      .regex(/^(latest|v1\.[0-9]+)$/, { error: 'is not a Pod Security version ("latest" or "v1.<minor>")' })
      .default('latest')
      .meta({ description: 'Pod Security standard version to pin, e.g. v1.31.' }),
  })
  .meta({ description: 'Pod Security Admission on the ESO namespace.' });

/**
 * The section's schema. A factory, because shared secrets reuse the secret schema of `schema.ts` and the two
 * files must not import each other at load time.
 */
export function operationsSchema(secretSchema: typeof SecretSchemaType) {
  // No `airflow` consumption: the generated Airflow helpers cover namespace secrets only, so the field is
  // refused here rather than silently ignored.
  const SharedSecretSchema = secretSchema
    .omit({ namespace: true, airflow: true })
    .extend({
      namespaces: z
        .array(ruleString(DNS1123_LABEL))
        .min(1, { error: 'must list at least one namespace (the ClusterExternalSecret reaches only the namespaces named)' })
        .meta({ description: 'Namespaces that receive the Secret. A namespaceSelector can only narrow this list.' }),
      namespaceSelector: LabelSelectorSchema.optional().meta({
        description: 'Of the namespaces listed, only those whose labels match (e.g. opt-in labels).',
      }),
      namespacesRefreshTime: ruleString(GO_DURATION, 'How often ESO re-evaluates which namespaces match.').default('1m'),
    })
    .meta({ description: 'One Secret fanned out to several namespaces by a ClusterExternalSecret.' });

  return z
    .strictObject({
      alerts: AlertsSchema.prefault({}),
      admission: AdmissionSchema.prefault({}),
      networkPolicy: NetworkPolicySchema.prefault({}),
      podSecurity: PodSecuritySchema.prefault({}),
      sharedSecrets: z.array(SharedSecretSchema).default([]).meta({
        description: 'Secrets delivered to several namespaces through one ClusterExternalSecret; the store must be a ClusterSecretStore.',
      }),
    })
    .meta({ description: 'Alerts, admission policy, network and pod security, and cross-namespace sharing.' });
}

export type LabelSelector = z.output<typeof LabelSelectorSchema>;
export type Alerts = z.output<typeof AlertsSchema>;
export type Admission = z.output<typeof AdmissionSchema>;
export type NetworkPolicySettings = z.output<typeof NetworkPolicySchema>;
export type PodSecurity = z.output<typeof PodSecuritySchema>;
export type Operations = z.output<ReturnType<typeof operationsSchema>>;
export type SharedSecretEntry = Operations['sharedSecrets'][number];
