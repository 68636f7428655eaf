/**
 * The Prometheus metrics ESO v2.9.0 exposes that our alerts read, with their label names, and the labels
 * Prometheus adds when it scrapes them. Alerts are written against this set and tests check every expression
 * against it, so a renamed metric or label fails a test instead of silently never firing.
 *
 * Sources (external-secrets v2.9.0, tag commit 378bdb622ed9712ef4a58370f6a17af033b7d343):
 * - `docs/api/metrics.md` (metric names and types).
 * - `pkg/controllers/metrics/labels.go`: non-condition metrics carry `name`, `namespace`; condition metrics add
 *   `condition`, `status` (plus `app_kubernetes_io_*` labels when `--enable-extended-metric-labels`, off by
 *   default: chart value `extendedMetricLabels: false`).
 * - `pkg/controllers/externalsecret/esmetrics/esmetrics.go`: `externalsecret_sync_calls_total`,
 *   `externalsecret_sync_calls_error`, `externalsecret_status_condition`, `externalsecret_reconcile_duration`.
 * - `pkg/controllers/secretstore/{ssmetrics,cssmetrics,metrics}`: `secretstore_status_condition`,
 *   `clustersecretstore_status_condition` (condition `Ready`, status `True`/`False`).
 * - `runtime/metrics/metrics.go` and `runtime/constants/constants.go`: `externalsecret_provider_api_calls_count`
 *   with labels `provider`, `call`, `status`; Azure Key Vault reports `provider="Azure/KeyVault"`, calls
 *   `GetSecret`, `GetSecrets`, `GetKey`, `GetCertificate`, ..., status `success` or `error` (a 429 is an `error`;
 *   the metric does not carry the HTTP status).
 * - controller-runtime (kubebuilder metrics reference): `controller_runtime_reconcile_total{controller, result}`,
 *   with `controller` the lowercased kind (`externalsecret`, `secretstore`, `clustersecretstore`).
 *
 * @see https://external-secrets.io/v2.9.0/api/metrics/
 * @see https://book.kubebuilder.io/reference/metrics-reference.html
 */

/** One metric: its type and the label names ESO (or controller-runtime) attaches. */
export interface EsoMetric {
  readonly type: 'counter' | 'gauge';
  readonly labels: readonly string[];
  /** Allowed values of some labels, where ESO fixes them. */
  readonly values?: Readonly<Record<string, readonly string[]>>;
}

const CONDITION_VALUES = { status: ['True', 'False', 'Unknown'] } as const;

/** ESO v2.9.0 metrics by name. */
export const ESO_METRICS: Readonly<Record<string, EsoMetric>> = {
  externalsecret_sync_calls_total: { type: 'counter', labels: ['name', 'namespace'] },
  externalsecret_sync_calls_error: { type: 'counter', labels: ['name', 'namespace'] },
  externalsecret_status_condition: {
    type: 'gauge',
    labels: ['name', 'namespace', 'condition', 'status'],
    values: { ...CONDITION_VALUES, condition: ['Ready', 'Deleted'] },
  },
  externalsecret_reconcile_duration: { type: 'gauge', labels: ['name', 'namespace'] },
  externalsecret_provider_api_calls_count: {
    type: 'counter',
    labels: ['provider', 'call', 'status'],
    values: {
      status: ['success', 'error'],
      provider: ['Azure/KeyVault'],
      call: ['GetKey', 'DeleteKey', 'ImportKey', 'GetSecret', 'GetSecrets', 'DeleteSecret', 'GetCertificate', 'DeleteCertificate', 'ImportCertificate'],
    },
  },
  secretstore_status_condition: {
    type: 'gauge',
    labels: ['name', 'namespace', 'condition', 'status'],
    values: { ...CONDITION_VALUES, condition: ['Ready'] },
  },
  secretstore_reconcile_duration: { type: 'gauge', labels: ['name', 'namespace'] },
  clustersecretstore_status_condition: {
    type: 'gauge',
    labels: ['name', 'namespace', 'condition', 'status'],
    values: { ...CONDITION_VALUES, condition: ['Ready'] },
  },
  clustersecretstore_reconcile_duration: { type: 'gauge', labels: ['name', 'namespace'] },
  clusterexternalsecret_status_condition: { type: 'gauge', labels: ['name', 'namespace', 'condition', 'status'] },
  clusterexternalsecret_reconcile_duration: { type: 'gauge', labels: ['name', 'namespace'] },
  controller_runtime_reconcile_total: {
    type: 'counter',
    labels: ['controller', 'result'],
    values: {
      controller: ['externalsecret', 'secretstore', 'clustersecretstore', 'clusterexternalsecret', 'pushsecret'],
      result: ['success', 'error', 'requeue', 'requeue_after'],
    },
  },
};

/**
 * Labels Prometheus Operator's ServiceMonitor adds to every scraped series. A scraped label with the same name
 * (ESO's `namespace`) is renamed to `exported_<name>` unless `honorLabels` is true.
 * @see https://prometheus.io/docs/prometheus/latest/configuration/configuration/#scrape_config (honor_labels)
 */
export const TARGET_LABELS = ['namespace', 'service', 'pod', 'container', 'endpoint', 'job', 'instance'] as const;

/** The Azure Key Vault provider label value of `externalsecret_provider_api_calls_count`. */
export const AZURE_KEY_VAULT_PROVIDER = 'Azure/KeyVault';
