/**
 * Which namespaces a ClusterSecretStore's `spec.conditions` or a ClusterExternalSecret's namespace fields reach,
 * evaluated the way ESO v2.9.0 evaluates them, and the guarantee we build on: a condition we write can only
 * admit namespaces the catalogue named, whatever labels a namespace carries.
 *
 * ESO ORs everything: a namespace is admitted when any condition's `namespaceSelector` matches its labels, or it
 * is in any `namespaces` list, or any `namespaceRegexes` entry matches its name. A label selector alone
 * therefore admits every namespace someone labels; we pin each selector to the named namespaces with a
 * `kubernetes.io/metadata.name In [...]` expression, which the API server sets on every namespace and users
 * cannot change.
 *
 * @see https://external-secrets.io/v2.9.0/api/clustersecretstore/
 * @see https://kubernetes.io/docs/reference/labels-annotations-taints/#kubernetes-io-metadata-name
 */
import type { LabelSelector } from './schema-operations';

/** The immutable label the API server puts on every namespace, holding its name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** One entry of a ClusterSecretStore's `spec.conditions`, as ESO v1 reads it. */
export interface NamespaceCondition {
  readonly namespaces?: readonly string[];
  readonly namespaceSelector?: LabelSelector;
  readonly namespaceRegexes?: readonly string[];
}

/** The namespace fields of a ClusterExternalSecret spec. */
export interface NamespaceTargets {
  readonly namespaces?: readonly string[];
  readonly namespaceSelectors?: readonly LabelSelector[];
}

/**
 * The label selector that matches exactly the listed namespaces that also match `selector`.
 * Without `selector`, it matches the listed namespaces.
 */
export function boundedSelector(namespaces: readonly string[], selector?: LabelSelector): LabelSelector {
  return {
    ...(selector?.matchLabels && Object.keys(selector.matchLabels).length > 0 ? { matchLabels: { ...selector.matchLabels } } : {}),
    matchExpressions: [
      ...(selector?.matchExpressions ?? []).map((e) => ({ ...e, ...(e.values ? { values: [...e.values] } : {}) })),
      { key: NAMESPACE_NAME_LABEL, operator: 'In' as const, values: [...new Set(namespaces)].sort() },
    ],
  };
}

/**
 * The `spec.conditions` of a ClusterSecretStore admitting `namespaces` (narrowed by `selector` when given).
 */
export function storeConditions(namespaces: readonly string[], selector?: LabelSelector): NamespaceCondition[] {
  if (!selector) return [{ namespaces: [...new Set(namespaces)].sort() }];
  return [{ namespaceSelector: boundedSelector(namespaces, selector) }];
}

/** True when a Kubernetes label selector matches `labels` (an empty selector matches everything). */
export function selectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const value = labels[e.key];
    switch (e.operator) {
      case 'In':
        if (!has || !(e.values ?? []).includes(value!)) return false;
        break;
      case 'NotIn':
        if (has && (e.values ?? []).includes(value!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

/** The labels a namespace shows to selectors: its own plus the name label the API server adds. */
export function namespaceLabels(name: string, labels: Readonly<Record<string, string>> = {}): Record<string, string> {
  return { ...labels, [NAMESPACE_NAME_LABEL]: name };
}

/** True when ESO lets an ExternalSecret in `namespace` (with `labels`) use a store with `conditions`. */
export function conditionsAdmit(
  conditions: readonly NamespaceCondition[] | undefined,
  namespace: string,
  labels: Readonly<Record<string, string>> = {},
): boolean {
  if (!conditions || conditions.length === 0) return true;
  const all = namespaceLabels(namespace, labels);
  return conditions.some(
    (c) =>
      (c.namespaceSelector !== undefined && selectorMatches(c.namespaceSelector, all)) ||
      (c.namespaces ?? []).includes(namespace) ||
      (c.namespaceRegexes ?? []).some((r) => new RegExp(r).test(namespace)),
  );
}

/** True when a ClusterExternalSecret with these targets creates its ExternalSecret in `namespace`. */
export function targetsReach(targets: NamespaceTargets, namespace: string, labels: Readonly<Record<string, string>> = {}): boolean {
  const all = namespaceLabels(namespace, labels);
  return (targets.namespaces ?? []).includes(namespace) || (targets.namespaceSelectors ?? []).some((s) => selectorMatches(s, all));
}

/**
 * The most namespaces a selector can ever match, whatever labels they carry, or `undefined` when that set is
 * open (no `kubernetes.io/metadata.name` pin).
 */
export function selectorBound(selector: LabelSelector): string[] | undefined {
  let bound: Set<string> | undefined;
  const narrow = (values: readonly string[]) => {
    bound = new Set(bound ? [...bound].filter((v) => values.includes(v)) : values);
  };
  const pinned = selector.matchLabels?.[NAMESPACE_NAME_LABEL];
  if (pinned !== undefined) narrow([pinned]);
  for (const e of selector.matchExpressions ?? []) {
    if (e.key === NAMESPACE_NAME_LABEL && e.operator === 'In') narrow(e.values ?? []);
  }
  return bound ? [...bound].sort() : undefined;
}

/**
 * The most namespaces a ClusterSecretStore with `conditions` can ever admit, or `undefined` when it is open:
 * no conditions, a regular expression, or a selector not pinned to names.
 */
export function conditionsBound(conditions: readonly NamespaceCondition[] | undefined): string[] | undefined {
  if (!conditions || conditions.length === 0) return undefined;
  const out = new Set<string>();
  for (const c of conditions) {
    if ((c.namespaceRegexes ?? []).length > 0) return undefined;
    for (const ns of c.namespaces ?? []) out.add(ns);
    if (c.namespaceSelector !== undefined) {
      const b = selectorBound(c.namespaceSelector);
      if (!b) return undefined;
      b.forEach((ns) => out.add(ns));
    }
  }
  return [...out].sort();
}

/** The most namespaces a ClusterExternalSecret with these targets can ever reach, or `undefined` when open. */
export function targetsBound(targets: NamespaceTargets): string[] | undefined {
  const out = new Set<string>(targets.namespaces ?? []);
  for (const s of targets.namespaceSelectors ?? []) {
    const b = selectorBound(s);
    if (!b) return undefined;
    b.forEach((ns) => out.add(ns));
  }
  return [...out].sort();
}
