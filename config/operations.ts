/**
 * Values of the operations section that cross tool boundaries: the Pod Security labels of the ESO namespace,
 * the ESO Helm release values that switch monitoring on, and the Reloader annotation for long-running
 * consumers. The charts and the Pulumi stack call these, so both write the same thing.
 */
import type { Environment } from './schema';

/** Pod Security Admission label prefix. @see https://kubernetes.io/docs/concepts/security/pod-security-admission/ */
export const POD_SECURITY_LABEL_PREFIX = 'pod-security.kubernetes.io';

/**
 * Stakater Reloader: a Deployment/StatefulSet annotated with this key is rolled when one of the listed Secrets
 * (comma-separated names, same namespace) changes.
 * @see https://github.com/stakater/Reloader#how-to-use-reloader
 */
export const RELOADER_SECRET_ANNOTATION = 'secret.reloader.stakater.com/reload';

/**
 * ESO's annotation on a ClusterExternalSecret that, when its value changes, refreshes every ExternalSecret it
 * created. On a plain ExternalSecret any annotation change triggers a sync; `force-sync` is the convention.
 * @see https://external-secrets.io/v2.9.0/introduction/faq/
 */
export const ESO_FORCE_SYNC_ANNOTATION = 'external-secrets.io/force-sync';

/** The enforce, audit and warn labels (and their versions) for a Pod Security level. */
export function podSecurityLabels(level: 'restricted' | 'baseline', version = 'latest'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const mode of ['enforce', 'audit', 'warn']) {
    out[`${POD_SECURITY_LABEL_PREFIX}/${mode}`] = level;
    out[`${POD_SECURITY_LABEL_PREFIX}/${mode}-version`] = version;
  }
  return out;
}

/**
 * The part of the ESO Helm release values that the operations section decides: the ServiceMonitor (with
 * `honorLabels` matching the alerts' namespace label) and the Grafana dashboard. Empty without Prometheus
 * Operator, because the chart's ServiceMonitor needs its CRD.
 *
 * @see https://github.com/external-secrets/external-secrets/blob/v2.9.0/deploy/charts/external-secrets/values.yaml
 */
export function esoMonitoringValues(env: Environment): Record<string, unknown> {
  const alerts = env.operations.alerts;
  if (!env.platform.prometheusOperator) return {};
  return {
    serviceMonitor: {
      enabled: alerts.serviceMonitor,
      // With honorLabels the scraped `namespace` (the ExternalSecret's) wins over the target's.
      honorLabels: alerts.namespaceLabel === 'namespace',
    },
    grafanaDashboard: { enabled: alerts.grafanaDashboard },
  };
}

/**
 * The Reloader annotation for a workload in `namespace` that reads the catalogue's Secrets there (all of them,
 * or only `secretNames`): put it on the Airflow scheduler, webserver and triggerer Deployments so they restart
 * when a Secret they hold in memory changes. Task pods need none: each reads its Secrets when it starts.
 */
export function reloaderAnnotation(env: Environment, namespace: string, secretNames?: readonly string[]): Record<string, string> {
  const names = new Set<string>();
  env.secrets.filter((s) => s.namespace === namespace).forEach((s) => names.add(s.name));
  env.operations.sharedSecrets.filter((s) => s.namespaces.includes(namespace)).forEach((s) => names.add(s.name));
  const unknown = (secretNames ?? []).filter((n) => !names.has(n));
  if (unknown.length > 0) {
    throw new Error(
      `${env.environment}: namespace ${JSON.stringify(namespace)} gets no Secret named ${unknown.map((n) => JSON.stringify(n)).join(', ')} from the catalogue (it gets: ${[...names].sort().join(', ') || 'none'})`,
    );
  }
  const chosen = secretNames ? [...new Set(secretNames)] : [...names];
  return chosen.length === 0 ? {} : { [RELOADER_SECRET_ANNOTATION]: chosen.sort().join(',') };
}
