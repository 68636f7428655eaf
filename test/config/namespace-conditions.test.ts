import {
  ClusterSecretStoreEntry,
  boundedSelector,
  conditionsAdmit,
  conditionsBound,
  listEnvironments,
  loadEnvironment,
  selectorMatches,
  storeConditions,
  targetsBound,
  targetsReach,
} from '../../config';
import { renderEnvironment } from '../../charts/synth';

describe('ESO namespace condition semantics', () => {
  test('a namespace list admits exactly its names', () => {
    const c = storeConditions(['jobs', 'airflow']);
    expect(c).toEqual([{ namespaces: ['airflow', 'jobs'] }]);
    expect(conditionsAdmit(c, 'airflow')).toBe(true);
    expect(conditionsAdmit(c, 'payments', { team: 'data' })).toBe(false);
  });

  test('no conditions admit every namespace (what we never write)', () => {
    expect(conditionsAdmit([], 'anything')).toBe(true);
    expect(conditionsBound([])).toBeUndefined();
  });

  test('conditions are ORed: a bare label selector admits any labelled namespace', () => {
    const open = [{ namespaces: ['airflow'] }, { namespaceSelector: { matchLabels: { team: 'data' } } }];
    expect(conditionsAdmit(open, 'payments', { team: 'data' })).toBe(true);
    expect(conditionsBound(open)).toBeUndefined();
    expect(conditionsBound([{ namespaceRegexes: ['^air'] }])).toBeUndefined();
  });

  test('a selector pinned to names narrows the list and never widens it', () => {
    const c = storeConditions(['airflow', 'jobs'], { matchLabels: { 'kv-secrets-sync.io/shared-secrets': 'true' } });
    const labelled = { 'kv-secrets-sync.io/shared-secrets': 'true' };
    expect(conditionsAdmit(c, 'airflow', labelled)).toBe(true);
    expect(conditionsAdmit(c, 'airflow')).toBe(false);
    expect(conditionsAdmit(c, 'payments', labelled)).toBe(false);
    // Setting the name label by hand does not help: the API server sets it to the real name.
    expect(conditionsAdmit(c, 'payments', { ...labelled, 'kubernetes.io/metadata.name': 'airflow' })).toBe(false);
    expect(conditionsBound(c)).toEqual(['airflow', 'jobs']);
  });

  test('label selector operators', () => {
    const labels = { team: 'data', tier: 'prod' };
    expect(selectorMatches({ matchExpressions: [{ key: 'team', operator: 'In', values: ['data'] }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'team', operator: 'NotIn', values: ['data'] }] }, labels)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'owner', operator: 'DoesNotExist' }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'owner', operator: 'Exists' }] }, labels)).toBe(false);
    expect(selectorMatches({}, labels)).toBe(true);
  });

  test('ClusterExternalSecret targets: names, or pinned selectors', () => {
    expect(targetsBound({ namespaces: ['a', 'b'] })).toEqual(['a', 'b']);
    const t = { namespaceSelectors: [boundedSelector(['a'], { matchLabels: { x: 'y' } })] };
    expect(targetsBound(t)).toEqual(['a']);
    expect(targetsReach(t, 'a', { x: 'y' })).toBe(true);
    expect(targetsReach(t, 'b', { x: 'y' })).toBe(false);
    expect(targetsBound({ namespaceSelectors: [{ matchLabels: { x: 'y' } }] })).toBeUndefined();
  });
});

describe.each(listEnvironments())('environment %s: no ClusterSecretStore or ClusterExternalSecret reaches a namespace the catalogue did not name', (name) => {
  const env = loadEnvironment(name, { requireClientIds: true });
  const objects = renderEnvironment(env).objects as any[];
  // Every label any selector in the output asks for, so an attacker-labelled namespace matches all of them.
  const selectorLabels: Record<string, string> = {};
  const collect = (s: any) => {
    Object.assign(selectorLabels, s?.matchLabels ?? {});
    for (const e of s?.matchExpressions ?? []) if (e.operator === 'In' && e.key !== 'kubernetes.io/metadata.name') selectorLabels[e.key] = e.values[0];
  };
  objects.forEach((o) => {
    (o.spec?.conditions ?? []).forEach((c: any) => collect(c.namespaceSelector));
    (o.spec?.namespaceSelectors ?? []).forEach(collect);
  });
  const candidates = ['airflow', 'data-services', 'default', 'kube-system', 'payments', 'external-secrets', 'attacker'];
  const labelSets = [{}, selectorLabels];

  test('ClusterSecretStores admit only their catalogue namespaces', () => {
    for (const store of objects.filter((o) => o.kind === 'ClusterSecretStore')) {
      const named = env.stores.find(
        (s): s is ClusterSecretStoreEntry => s.name === store.metadata.name && s.kind === 'ClusterSecretStore',
      )!;
      expect(named).toBeDefined();
      expect(store.spec.conditions.length).toBeGreaterThan(0);
      for (const ns of [...candidates, ...named.namespaces]) {
        for (const labels of labelSets) {
          if (conditionsAdmit(store.spec.conditions, ns, labels)) expect(named.namespaces).toContain(ns);
        }
      }
      // And every named namespace can be admitted (with the labels the selector asks for).
      for (const ns of named.namespaces) expect(conditionsAdmit(store.spec.conditions, ns, selectorLabels)).toBe(true);
    }
  });

  test('ClusterExternalSecrets reach only their catalogue namespaces, each admitted by their store', () => {
    for (const ces of objects.filter((o) => o.kind === 'ClusterExternalSecret')) {
      const named = env.operations.sharedSecrets.find((s) => s.name === ces.metadata.name)!;
      const store = objects.find((o) => o.kind === 'ClusterSecretStore' && o.metadata.name === ces.spec.externalSecretSpec.secretStoreRef.name);
      for (const ns of candidates) {
        for (const labels of labelSets) {
          if (targetsReach(ces.spec, ns, labels)) {
            expect(named.namespaces).toContain(ns);
            expect(conditionsAdmit(store.spec.conditions, ns, selectorLabels)).toBe(true);
          }
        }
      }
    }
  });
});
