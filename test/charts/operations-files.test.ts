import { parse } from 'yaml';
import { listEnvironments, loadEnvironment } from '../../config';
import { renderEnvironment } from '../../charts/synth';
import { operationsCatalogue, parseOps } from '../util/operations-catalogue';

/** The manifest files of a rendering: top-level YAML (other generated files, such as helpers, are not resources). */
const manifests = (files: Iterable<string>) => [...files].filter((f) => f.endsWith('.yaml') && !f.includes('/'));

const filesOf = (edit: (c: Record<string, any>) => void) => {
  const c = operationsCatalogue();
  edit(c);
  return manifests(renderEnvironment(parseOps(c)).files.keys());
};

describe('operations files are written only when enabled', () => {
  test('everything on', () => {
    expect(
      filesOf((c) => (c.operations.networkPolicy = { enabled: true, apiServerCidrs: ['10.0.0.1/32'] })),
    ).toEqual([
      'eso-namespace.yaml',
      'service-accounts.yaml',
      'secret-stores.yaml',
      'admission-policy.yaml',
      'external-secrets.yaml',
      'cluster-external-secrets.yaml',
      'alerts.yaml',
      'kustomization.yaml',
    ]);
  });

  test('everything off', () => {
    expect(
      filesOf((c) => {
        c.platform.prometheusOperator = false;
        c.operations = { admission: { enabled: false }, podSecurity: { enabled: false } };
      }),
    ).toEqual(['service-accounts.yaml', 'secret-stores.yaml', 'external-secrets.yaml', 'kustomization.yaml']);
  });

  test('no alerts without Prometheus Operator, nor when switched off', () => {
    expect(filesOf((c) => (c.platform.prometheusOperator = false))).not.toContain('alerts.yaml');
    expect(filesOf((c) => (c.operations.alerts = { enabled: false }))).not.toContain('alerts.yaml');
  });

  test('the NetworkPolicy alone still writes eso-namespace.yaml, without the Namespace', () => {
    const c = operationsCatalogue();
    c.operations.podSecurity = { enabled: false };
    c.operations.networkPolicy = { enabled: true, apiServerCidrs: ['10.0.0.1/32'] };
    const r = renderEnvironment(parseOps(c));
    expect(r.objects.filter((o) => o.kind === 'Namespace')).toEqual([]);
    expect(r.objects.filter((o) => o.kind === 'NetworkPolicy')).toHaveLength(1);
  });
});

describe.each(listEnvironments())('environment %s', (name) => {
  const env = loadEnvironment(name, { requireClientIds: true });
  const rendered = renderEnvironment(env);

  test('the kustomization lists exactly the files written, in apply order', () => {
    const k = parse(rendered.files.get('kustomization.yaml')!);
    expect(k.resources).toEqual(manifests(rendered.files.keys()).filter((f) => f !== 'kustomization.yaml'));
    const order = k.resources as string[];
    if (order.includes('eso-namespace.yaml')) expect(order.indexOf('eso-namespace.yaml')).toBe(0);
    if (order.includes('admission-policy.yaml')) expect(order.indexOf('admission-policy.yaml')).toBeLessThan(order.indexOf('external-secrets.yaml'));
  });

  test('the ESO namespace carries the configured Pod Security level', () => {
    const ns = rendered.objects.find((o) => o.kind === 'Namespace') as any;
    expect(Boolean(ns)).toBe(env.operations.podSecurity.enabled);
    if (ns) {
      expect(ns.metadata.name).toBe(env.platform.esoNamespace);
      expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe(env.operations.podSecurity.level);
      // GitOps must never delete the namespace that runs ESO.
      expect(ns.metadata.annotations).toEqual({
        'argocd.argoproj.io/sync-options': 'Prune=false',
        'kustomize.toolkit.fluxcd.io/prune': 'disabled',
      });
    }
  });
});
