import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';
import { DNS1123_LABEL, PROM_DURATION } from '../config';
import { AZURE_KEY_VAULT_PROVIDER } from './_eso-metrics';
import { ProblemSink, collectProblems, ruleCheck } from './_validation';

/** One Prometheus alerting rule as the PrometheusRule CRD takes it. */
export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: { readonly summary: string; readonly description: string; readonly runbook_url: string };
}

/** Props of {@link ExternalSecretsAlerts}. */
export interface ExternalSecretsAlertsProps {
  /** Namespace of the PrometheusRule and of the ESO controller (its metrics carry it as `namespace`). */
  readonly namespace: string;
  /** Object name. @default 'external-secrets' */
  readonly name?: string;
  /**
   * Where `docs/runbook.md` is published; every alert links to `<runbookUrl>#<alert name in lowercase>`.
   * @default 'docs/runbook.md'
   */
  readonly runbookUrl?: string;
  /**
   * The label that carries the ExternalSecret's namespace in Prometheus: `exported_namespace` when the
   * ServiceMonitor keeps `honorLabels: false` (chart default; the target's `namespace` wins), `namespace` when
   * it honours labels.
   * @default 'exported_namespace'
   */
  readonly namespaceLabel?: 'exported_namespace' | 'namespace';
  /** Severity of the alerts that mean Secrets stop arriving. @default 'critical' */
  readonly pageSeverity?: 'critical' | 'warning';
  /** @default '10m' */
  readonly externalSecretNotReadyFor?: string;
  /** @default '5m' */
  readonly storeNotReadyFor?: string;
  /** @default '5m' */
  readonly controllerAbsentFor?: string;
  /** Range of the `rate()` windows. @default '10m' */
  readonly rateWindow?: string;
  /** Fraction of sync calls of one ExternalSecret that may fail. @default 0.1 */
  readonly syncErrorRatio?: number;
  /** @default '15m' */
  readonly syncErrorFor?: string;
  /** Fraction of Key Vault calls that may fail. @default 0.05 */
  readonly providerErrorRatio?: number;
  /** @default '15m' */
  readonly providerErrorFor?: string;
  /** Key Vault calls per second that warn of throttling (the vault allows 400/s). @default 100 */
  readonly providerCallRate?: number;
  /** @default '15m' */
  readonly providerCallRateFor?: string;
  /** Labels and annotations of the PrometheusRule (e.g. the label Prometheus' ruleSelector wants). @default - none */
  readonly metadata?: Pick<ApiObjectMetadata, 'labels' | 'annotations'>;
}

/** The alert names, which are also the runbook anchors (lowercased). */
export const ALERT_NAMES = [
  'ExternalSecretNotReady',
  'ExternalSecretSyncErrors',
  'SecretStoreNotReady',
  'ClusterSecretStoreNotReady',
  'ExternalSecretsControllerAbsent',
  'KeyVaultRequestErrors',
  'KeyVaultThrottlingRisk',
] as const;

/** The runbook section of an alert: its name in lowercase, as GitHub and MkDocs slug a `## Name` heading. */
export function runbookAnchor(alert: string): string {
  return alert.toLowerCase();
}

/**
 * A `monitoring.coreos.com/v1` PrometheusRule with the alerts that say ESO stopped delivering secrets: an
 * ExternalSecret or store not Ready, sync errors, the controller gone from Prometheus, Key Vault errors and a
 * call rate that risks throttling. Each alert names the object, says what to check, and links its runbook
 * section.
 *
 * @see https://external-secrets.io/v2.9.0/api/metrics/
 * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PrometheusRule
 */
export class ExternalSecretsAlerts extends Construct {
  public readonly name: string;
  public readonly namespace: string;
  /** The rules, in the order written. */
  public readonly rules: readonly AlertRule[];
  public readonly resource: ApiObject;

  constructor(scope: Construct, id: string, props: ExternalSecretsAlertsProps) {
    super(scope, id);
    const p = {
      name: props.name ?? 'external-secrets',
      runbookUrl: props.runbookUrl ?? 'docs/runbook.md',
      namespaceLabel: props.namespaceLabel ?? 'exported_namespace',
      pageSeverity: props.pageSeverity ?? 'critical',
      externalSecretNotReadyFor: props.externalSecretNotReadyFor ?? '10m',
      storeNotReadyFor: props.storeNotReadyFor ?? '5m',
      controllerAbsentFor: props.controllerAbsentFor ?? '5m',
      rateWindow: props.rateWindow ?? '10m',
      syncErrorRatio: props.syncErrorRatio ?? 0.1,
      syncErrorFor: props.syncErrorFor ?? '15m',
      providerErrorRatio: props.providerErrorRatio ?? 0.05,
      providerErrorFor: props.providerErrorFor ?? '15m',
      providerCallRate: props.providerCallRate ?? 100,
      providerCallRateFor: props.providerCallRateFor ?? '15m',
    };
    collectProblems(this, (problem) => check(problem, props, p));
    this.name = p.name;
    this.namespace = props.namespace;
    this.rules = alertRules({ ...p, namespace: props.namespace });

    this.resource = new ApiObject(this, 'Resource', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: p.name, namespace: props.namespace, ...props.metadata },
      spec: { groups: [{ name: 'external-secrets', rules: this.rules.map((r) => ({ ...r })) }] },
    });
  }
}

type Resolved = Required<Omit<ExternalSecretsAlertsProps, 'metadata'>>;

function alertRules(p: Resolved): AlertRule[] {
  const ns = p.namespaceLabel;
  const es = `{{ $labels.${ns} }}/{{ $labels.name }}`;
  const kv = `provider="${AZURE_KEY_VAULT_PROVIDER}"`;
  const rule = (
    alert: (typeof ALERT_NAMES)[number],
    severity: string,
    expr: string,
    forDuration: string,
    summary: string,
    description: string,
  ): AlertRule => ({
    alert,
    expr,
    for: forDuration,
    labels: { severity },
    annotations: { summary, description, runbook_url: `${p.runbookUrl}#${runbookAnchor(alert)}` },
  });
  return [
    rule(
      'ExternalSecretNotReady',
      p.pageSeverity,
      `max by (${ns}, name) (externalsecret_status_condition{condition="Ready", status="False"}) == 1`,
      p.externalSecretNotReadyFor,
      `ExternalSecret ${es} is not Ready`,
      `ExternalSecret ${es} has not been Ready for ${p.externalSecretNotReadyFor}, so its Secret is missing or no longer follows Key Vault. See the reason with: kubectl describe externalsecret -n {{ $labels.${ns} }} {{ $labels.name }}`,
    ),
    rule(
      'ExternalSecretSyncErrors',
      'warning',
      `sum by (${ns}, name) (rate(externalsecret_sync_calls_error[${p.rateWindow}])) / sum by (${ns}, name) (rate(externalsecret_sync_calls_total[${p.rateWindow}])) > ${p.syncErrorRatio}`,
      p.syncErrorFor,
      `ExternalSecret ${es} fails to sync`,
      `{{ $value | humanizePercentage }} of the sync calls of ExternalSecret ${es} failed over ${p.rateWindow} (threshold ${percent(p.syncErrorRatio)}). ESO keeps the last Secret and retries with backoff. See: kubectl describe externalsecret -n {{ $labels.${ns} }} {{ $labels.name }}`,
    ),
    rule(
      'SecretStoreNotReady',
      p.pageSeverity,
      `max by (${ns}, name) (secretstore_status_condition{condition="Ready", status="False"}) == 1`,
      p.storeNotReadyFor,
      `SecretStore ${es} is not Ready`,
      `SecretStore ${es} has not been Ready for ${p.storeNotReadyFor}; no ExternalSecret using it can sync. See: kubectl describe secretstore -n {{ $labels.${ns} }} {{ $labels.name }}`,
    ),
    rule(
      'ClusterSecretStoreNotReady',
      p.pageSeverity,
      'max by (name) (clustersecretstore_status_condition{condition="Ready", status="False"}) == 1',
      p.storeNotReadyFor,
      'ClusterSecretStore {{ $labels.name }} is not Ready',
      `ClusterSecretStore {{ $labels.name }} has not been Ready for ${p.storeNotReadyFor}; no ExternalSecret using it can sync, in any namespace. See: kubectl describe clustersecretstore {{ $labels.name }}`,
    ),
    rule(
      'ExternalSecretsControllerAbsent',
      p.pageSeverity,
      `absent(controller_runtime_reconcile_total{namespace="${p.namespace}", controller="externalsecret"})`,
      p.controllerAbsentFor,
      `The External Secrets controller in namespace ${p.namespace} is gone`,
      `Prometheus has had no metrics from the ESO controller in namespace ${p.namespace} for ${p.controllerAbsentFor}: it is down, crash-looping or no longer scraped. No Secret is created or refreshed meanwhile. See: kubectl get deploy,pods -n ${p.namespace}`,
    ),
    rule(
      'KeyVaultRequestErrors',
      'warning',
      `sum by (call) (rate(externalsecret_provider_api_calls_count{${kv}, status="error"}[${p.rateWindow}])) / sum by (call) (rate(externalsecret_provider_api_calls_count{${kv}}[${p.rateWindow}])) > ${p.providerErrorRatio}`,
      p.providerErrorFor,
      'Key Vault {{ $labels.call }} calls fail',
      `{{ $value | humanizePercentage }} of the Key Vault {{ $labels.call }} calls made by ESO failed over ${p.rateWindow} (threshold ${percent(p.providerErrorRatio)}): a missing role (403), a firewall, a deleted secret (404) or throttling (429). See the ESO controller log: kubectl logs -n ${p.namespace} -l app.kubernetes.io/name=external-secrets --tail=200`,
    ),
    rule(
      'KeyVaultThrottlingRisk',
      'warning',
      `sum(rate(externalsecret_provider_api_calls_count{${kv}}[${p.rateWindow}])) > ${p.providerCallRate}`,
      p.providerCallRateFor,
      'ESO calls Key Vault {{ $value | humanize }} times per second',
      `ESO makes {{ $value | humanize }} Key Vault calls per second (threshold ${p.providerCallRate}); Key Vault throttles a vault at 4000 secret transactions per 10 seconds (429). Look for short refreshInterval values and dataFrom.find: kubectl get externalsecrets -A -o custom-columns=NS:.metadata.namespace,NAME:.metadata.name,REFRESH:.spec.refreshInterval`,
    ),
  ];
}

function percent(ratio: number): string {
  return `${Number((ratio * 100).toFixed(2))}%`;
}

function check(problem: ProblemSink, props: ExternalSecretsAlertsProps, p: Omit<Resolved, 'namespace'>): void {
  ruleCheck(problem, DNS1123_LABEL, props.namespace, 'namespace');
  ruleCheck(problem, DNS1123_LABEL, p.name, 'name');
  for (const key of [
    'externalSecretNotReadyFor',
    'storeNotReadyFor',
    'controllerAbsentFor',
    'rateWindow',
    'syncErrorFor',
    'providerErrorFor',
    'providerCallRateFor',
  ] as const) {
    ruleCheck(problem, PROM_DURATION, p[key], key);
  }
  for (const key of ['syncErrorRatio', 'providerErrorRatio'] as const) {
    if (!(p[key] > 0 && p[key] <= 1)) problem(key, `${JSON.stringify(p[key])} is not a ratio (a number above 0 and at most 1)`);
  }
  if (!(p.providerCallRate > 0)) problem('providerCallRate', `${JSON.stringify(p.providerCallRate)} is not a positive rate (calls per second)`);
  if (p.namespaceLabel !== 'exported_namespace' && p.namespaceLabel !== 'namespace') {
    problem('namespaceLabel', `${JSON.stringify(p.namespaceLabel)} is not allowed (allowed: "exported_namespace", "namespace")`);
  }
}
