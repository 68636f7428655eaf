import { Chart, Testing } from 'cdk8s';
import { listEnvironments, loadEnvironment } from '../../config';
import { renderEnvironment } from '../../charts/synth';
import { ALERT_NAMES, AlertRule, ExternalSecretsAlerts, ExternalSecretsAlertsProps } from '../../constructs';
import { ESO_METRICS, TARGET_LABELS } from '../../constructs/_eso-metrics';
import { parsePromQL } from '../util/promql';

function alertsOf(props: Partial<ExternalSecretsAlertsProps> = {}) {
  const chart = new Chart(Testing.app(), 'test');
  return { chart, alerts: new ExternalSecretsAlerts(chart, 'alerts', { namespace: 'external-secrets', ...props }) };
}

/**
 * Checks one rule against the ESO v2.9.0 metric set: it parses, every selector names a known metric, every
 * matcher a label that metric has (or a scrape target label), with a value ESO emits, and every grouping
 * label exists on a metric of the expression.
 */
function checkRule(rule: AlertRule, namespaceLabel: string): string[] {
  const problems: string[] = [];
  const parsed = parsePromQL(rule.expr);
  problems.push(...parsed.errors.map((e) => `${rule.alert}: syntax error ${e}`));
  const scrapeLabels = new Set<string>([...TARGET_LABELS, ...(namespaceLabel === 'exported_namespace' ? ['exported_namespace'] : [])]);
  const available = new Set<string>(scrapeLabels);
  if (parsed.selectors.length === 0) problems.push(`${rule.alert}: reads no metric`);
  for (const s of parsed.selectors) {
    const metric = ESO_METRICS[s.metric];
    if (!metric) {
      problems.push(`${rule.alert}: ${s.metric} is not an ESO v2.9.0 metric`);
      continue;
    }
    metric.labels.forEach((l) => available.add(l));
    for (const m of s.matchers) {
      // ESO's own `namespace` label is renamed to exported_namespace when the target's wins.
      const known = metric.labels.includes(m.label) || scrapeLabels.has(m.label);
      if (!known) problems.push(`${rule.alert}: ${s.metric} has no label ${m.label}`);
      const values = metric.values?.[m.label];
      if (values && m.op === '=' && !values.includes(m.value)) {
        problems.push(`${rule.alert}: ${s.metric}{${m.label}} is never ${JSON.stringify(m.value)} (ESO emits ${values.join(', ')})`);
      }
    }
  }
  for (const l of parsed.groupingLabels) {
    if (!available.has(l)) problems.push(`${rule.alert}: groups by ${l}, which none of its metrics carries`);
  }
  if (namespaceLabel === 'exported_namespace' && parsed.groupingLabels.includes('namespace')) {
    problems.push(`${rule.alert}: groups by namespace, which is the ESO pod's namespace when honorLabels is false`);
  }
  return problems;
}

describe('ExternalSecretsAlerts', () => {
  test('snapshot', () => {
    expect(alertsOf().chart.toJson()).toMatchSnapshot();
  });

  test('a PrometheusRule (monitoring.coreos.com/v1) with one group holding every alert', () => {
    const [rule] = alertsOf().chart.toJson() as any[];
    expect(rule.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(rule.kind).toBe('PrometheusRule');
    expect(rule.metadata).toMatchObject({ name: 'external-secrets', namespace: 'external-secrets' });
    expect(rule.spec.groups[0].rules.map((r: any) => r.alert)).toEqual([...ALERT_NAMES]);
  });

  test.each(['exported_namespace', 'namespace'] as const)(
    'every expression parses with the Prometheus grammar and reads only ESO v2.9.0 metrics and labels (namespaceLabel %s)',
    (namespaceLabel) => {
      const { alerts } = alertsOf({ namespaceLabel });
      expect(alerts.rules.flatMap((r) => checkRule(r, namespaceLabel))).toEqual([]);
    },
  );

  test('the checker catches a wrong metric, label, label value and grouping', () => {
    const rule = (expr: string): AlertRule => ({ alert: 'X', expr, for: '1m', labels: {}, annotations: { summary: '', description: '', runbook_url: '' } });
    expect(checkRule(rule('externalsecret_sync_calls_errors_total > 0'), 'namespace')).toEqual([
      'X: externalsecret_sync_calls_errors_total is not an ESO v2.9.0 metric',
    ]);
    expect(checkRule(rule('externalsecret_status_condition{reason="x"} == 1'), 'namespace')).toEqual([
      'X: externalsecret_status_condition has no label reason',
    ]);
    expect(checkRule(rule('externalsecret_status_condition{condition="Synced"} == 1'), 'namespace')[0]).toContain('is never "Synced"');
    expect(checkRule(rule('sum by (store) (externalsecret_sync_calls_total)'), 'namespace')).toEqual([
      'X: groups by store, which none of its metrics carries',
    ]);
    expect(checkRule(rule('sum by (name (externalsecret_sync_calls_total)'), 'namespace')[0]).toMatch(/syntax error/);
  });

  test('each alert has a summary, a description naming the object, a severity and a runbook link', () => {
    const { alerts } = alertsOf();
    for (const r of alerts.rules) {
      expect(r.annotations.summary.length).toBeGreaterThan(10);
      // The object: an ExternalSecret or store by namespace/name, a store by name, the controller by namespace, Key Vault by call.
      expect(r.annotations.description).toMatch(/\{\{ \$labels\.(name|call) \}\}|namespace external-secrets|\{\{ \$value/);
      expect(r.annotations.runbook_url).toBe(`docs/runbook.md#${r.alert.toLowerCase()}`);
      expect(['critical', 'warning']).toContain(r.labels.severity);
    }
    const byName = Object.fromEntries(alerts.rules.map((r) => [r.alert, r]));
    expect(byName.ExternalSecretNotReady!.annotations.description).toContain('ExternalSecret {{ $labels.exported_namespace }}/{{ $labels.name }}');
    expect(byName.ClusterSecretStoreNotReady!.annotations.description).toContain('ClusterSecretStore {{ $labels.name }}');
  });

  test('thresholds, durations and severity follow the props', () => {
    const { alerts } = alertsOf({
      pageSeverity: 'warning',
      externalSecretNotReadyFor: '30m',
      syncErrorRatio: 0.25,
      rateWindow: '20m',
      providerCallRate: 250,
      runbookUrl: 'https://git.example.com/platform/kv-secrets-sync/-/blob/main/docs/runbook.md',
    });
    const byName = Object.fromEntries(alerts.rules.map((r) => [r.alert, r]));
    expect(byName.ExternalSecretNotReady).toMatchObject({ for: '30m', labels: { severity: 'warning' } });
    expect(byName.ExternalSecretSyncErrors!.expr).toMatch(/\[20m\]\)\) > 0\.25$/);
    expect(byName.KeyVaultThrottlingRisk!.expr).toMatch(/> 250$/);
    expect(byName.ExternalSecretsControllerAbsent!.labels.severity).toBe('warning');
    expect(byName.KeyVaultRequestErrors!.annotations.runbook_url).toBe(
      'https://git.example.com/platform/kv-secrets-sync/-/blob/main/docs/runbook.md#keyvaultrequesterrors',
    );
  });

  test('the controller alert looks in the ESO namespace', () => {
    const rule = alertsOf({ namespace: 'eso' }).alerts.rules.find((r) => r.alert === 'ExternalSecretsControllerAbsent')!;
    expect(parsePromQL(rule.expr).selectors[0]!.matchers).toContainEqual({ label: 'namespace', op: '=', value: 'eso' });
  });

  describe('fails when', () => {
    test('a duration is not a Prometheus duration', () => {
      expect(() => alertsOf({ storeNotReadyFor: '1.5h' })).toThrow('test/alerts: storeNotReadyFor: "1.5h" is not a Prometheus duration');
    });
    test('a ratio is not above 0 and at most 1', () => {
      expect(() => alertsOf({ syncErrorRatio: 10 })).toThrow('syncErrorRatio: 10 is not a ratio (a number above 0 and at most 1)');
    });
    test('the call rate is not positive', () => {
      expect(() => alertsOf({ providerCallRate: 0 })).toThrow('providerCallRate: 0 is not a positive rate');
    });
    test('the namespace is not a DNS-1123 label', () => {
      expect(() => alertsOf({ namespace: 'ESO' })).toThrow('namespace: "ESO" is not a DNS-1123 label');
    });
  });
});

describe.each(listEnvironments())('environment %s alerts', (name) => {
  const env = loadEnvironment(name, { requireClientIds: true });
  const rendered = renderEnvironment(env);
  const rules = rendered.objects.filter((o) => o.kind === 'PrometheusRule') as any[];

  test('alerts.yaml exactly when the cluster runs Prometheus Operator and alerts are enabled', () => {
    const wanted = env.platform.prometheusOperator && env.operations.alerts.enabled;
    expect(rendered.files.has('alerts.yaml')).toBe(wanted);
    expect(rules).toHaveLength(wanted ? 1 : 0);
  });

  test('the rules carry the environment thresholds and pass the metric check', () => {
    for (const pr of rules) {
      expect(pr.metadata.labels).toMatchObject(env.operations.alerts.ruleLabels);
      const all: AlertRule[] = pr.spec.groups.flatMap((g: any) => g.rules);
      expect(all.flatMap((r) => checkRule(r, env.operations.alerts.namespaceLabel))).toEqual([]);
      const notReady = all.find((r) => r.alert === 'ExternalSecretNotReady')!;
      expect(notReady.for).toBe(env.operations.alerts.externalSecretNotReadyFor);
      expect(notReady.labels.severity).toBe(env.operations.alerts.pageSeverity);
      expect(all.find((r) => r.alert === 'ExternalSecretSyncErrors')!.expr.endsWith(`> ${env.operations.alerts.syncErrorRatio}`)).toBe(true);
    }
  });
});
