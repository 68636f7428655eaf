import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';
import { DNS1123_LABEL, GO_DURATION, NAMESPACE_NAME_LABEL, canonicalGoDuration } from '../config';
import { collectProblems, ruleCheck } from './_validation';

/** A store an ExternalSecret may name: `secretStoreRef` or a `sourceRef.storeRef`. */
export interface AllowedStoreRef {
  readonly kind: 'SecretStore' | 'ClusterSecretStore';
  readonly name: string;
}

/** One named CEL expression of a ValidatingAdmissionPolicy. */
export interface PolicyVariable {
  readonly name: string;
  readonly expression: string;
}

/** One validation of a ValidatingAdmissionPolicy. */
export interface PolicyValidation {
  readonly expression: string;
  readonly messageExpression: string;
  readonly reason: 'Forbidden' | 'Invalid';
}

/** Props of {@link ExternalSecretAdmissionPolicy}. */
export interface ExternalSecretAdmissionPolicyProps {
  /**
   * The stores ExternalSecrets may reference, by governed namespace. The binding governs exactly these
   * namespaces; an ExternalSecret elsewhere is not checked.
   */
  readonly allowedStores: Readonly<Record<string, readonly AllowedStoreRef[]>>;
  /** Name of the policy and of its binding. @default 'external-secrets-guardrails' */
  readonly name?: string;
  /**
   * Smallest `refreshInterval` a Periodic ExternalSecret may ask for (Go duration); `0` (sync once) stays allowed.
   * @default '1m'
   */
  readonly minRefreshInterval?: string;
  /** What a violation does. @default ['Deny'] */
  readonly validationActions?: ReadonlyArray<'Deny' | 'Warn' | 'Audit'>;
  /** Labels and annotations of both objects. @default - none */
  readonly metadata?: Pick<ApiObjectMetadata, 'labels' | 'annotations'>;
}

/** `dataFrom.find.name.regexp` values that select every secret of the vault. */
export const TRIVIAL_FIND_PATTERNS = ['', '.*', '.+', '^', '^.*', '^.+', '^.*$', '^.+$'] as const;

/**
 * A `ValidatingAdmissionPolicy` and its binding (`admissionregistration.k8s.io/v1`) that hold ExternalSecrets in
 * governed namespaces to the catalogue, without a webhook server:
 *
 * - every store reference (`spec.secretStoreRef`, `data[].sourceRef.storeRef`, `dataFrom[].sourceRef.storeRef`)
 *   names a store the catalogue allows in that namespace;
 * - a Periodic `refreshInterval` is `0` or at least the floor;
 * - `dataFrom.find` has a name pattern (without one ESO lists the whole vault on every refresh).
 *
 * Updates are checked only when the spec changes, so ESO can still update metadata (finalizers) of an object
 * created before the policy. The expressions use standard CEL only (`has`, macros, `size`, `in`, `duration`),
 * which Kubernetes and other CEL implementations evaluate alike.
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/
 * @see https://external-secrets.io/v2.9.0/api/externalsecret/
 */
export class ExternalSecretAdmissionPolicy extends Construct {
  public readonly name: string;
  /** Governed namespaces, sorted. */
  public readonly namespaces: readonly string[];
  public readonly minRefreshInterval: string;
  public readonly matchConditions: readonly PolicyVariable[];
  public readonly variables: readonly PolicyVariable[];
  public readonly validations: readonly PolicyValidation[];
  public readonly policy: ApiObject;
  public readonly binding: ApiObject;

  constructor(scope: Construct, id: string, props: ExternalSecretAdmissionPolicyProps) {
    super(scope, id);
    const name = props.name ?? 'external-secrets-guardrails';
    const floor = props.minRefreshInterval ?? '1m';
    const actions = props.validationActions ?? ['Deny'];
    collectProblems(this, (problem) => {
      ruleCheck(problem, DNS1123_LABEL, name, 'name');
      ruleCheck(problem, GO_DURATION, floor, 'minRefreshInterval');
      const namespaces = Object.keys(props.allowedStores ?? {});
      if (namespaces.length === 0) problem('allowedStores', 'must govern at least one namespace');
      for (const [ns, refs] of Object.entries(props.allowedStores ?? {})) {
        ruleCheck(problem, DNS1123_LABEL, ns, `allowedStores[${JSON.stringify(ns)}]`);
        refs.forEach((r, i) => {
          ruleCheck(problem, DNS1123_LABEL, r.name, `allowedStores[${JSON.stringify(ns)}][${i}].name`);
          if (r.kind !== 'SecretStore' && r.kind !== 'ClusterSecretStore') {
            problem(`allowedStores[${JSON.stringify(ns)}][${i}].kind`, `${JSON.stringify(r.kind)} is not allowed (allowed: "SecretStore", "ClusterSecretStore")`);
          }
        });
      }
      if (actions.length === 0) problem('validationActions', 'must name at least one of "Deny", "Warn", "Audit"');
      if (actions.includes('Deny') && actions.includes('Warn')) {
        problem('validationActions', 'must not combine "Deny" and "Warn" (the API server refuses it); use [Deny] or [Warn, Audit]');
      }
    });
    this.name = name;
    this.minRefreshInterval = canonicalGoDuration(floor);
    this.namespaces = Object.keys(props.allowedStores).sort();

    const allowed: Record<string, string[]> = {};
    for (const ns of this.namespaces) {
      allowed[ns] = [...new Set(props.allowedStores[ns]!.map((r) => `${r.kind}/${r.name}`))].sort();
    }
    this.matchConditions = [
      // Metadata-only updates (finalizers, labels, ESO's own bookkeeping) pass, so existing objects stay manageable.
      { name: 'spec-created-or-changed', expression: "request.operation == 'CREATE' || oldObject.spec != object.spec" },
    ];
    this.variables = [
      { name: 'storeRefs', expression: storeRefsExpression() },
      { name: 'allowedStores', expression: celMap(allowed, (refs) => celList(refs)) },
      {
        name: 'allowed',
        expression: 'request.namespace in variables.allowedStores ? variables.allowedStores[request.namespace] : []',
      },
      {
        name: 'allowedText',
        expression: `request.namespace in variables.allowedStores ? ${celMap(allowed, (refs) => cel(refs.join(', ') || 'none'))}[request.namespace] : 'none'`,
      },
    ];
    const trivial = celList([...TRIVIAL_FIND_PATTERNS]);
    const es = "'ExternalSecret ' + request.namespace + '/' + object.metadata.name";
    this.validations = [
      {
        expression: 'variables.storeRefs.all(r, r in variables.allowed)',
        messageExpression: `${es} + ' references ' + variables.storeRefs.filter(r, !(r in variables.allowed))[0] + ', which the catalogue does not allow in this namespace (allowed: ' + variables.allowedText + '); use an allowed store or add the store to the catalogue'`,
        reason: 'Forbidden',
      },
      {
        expression: `!has(object.spec.refreshInterval) || (has(object.spec.refreshPolicy) && object.spec.refreshPolicy != 'Periodic') || duration(object.spec.refreshInterval) == duration('0s') || duration(object.spec.refreshInterval) >= duration(${cel(this.minRefreshInterval)})`,
        messageExpression: `${es} + ' has refreshInterval ' + object.spec.refreshInterval + ', below the floor of ${this.minRefreshInterval}; use ${this.minRefreshInterval} or more (or 0 to sync once)'`,
        reason: 'Invalid',
      },
      {
        expression: `!has(object.spec.dataFrom) || object.spec.dataFrom.all(d, !has(d.find) || (has(d.find.name) && has(d.find.name.regexp) && !(d.find.name.regexp in ${trivial})))`,
        messageExpression: `${es} + ' uses dataFrom.find without a name pattern, which lists every secret of the vault on each refresh; set dataFrom[].find.name.regexp (e.g. ^airflow-var-)'`,
        reason: 'Invalid',
      },
    ];

    this.policy = new ApiObject(this, 'Resource', {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name, ...props.metadata },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          resourceRules: [
            {
              apiGroups: ['external-secrets.io'],
              apiVersions: ['v1'],
              operations: ['CREATE', 'UPDATE'],
              resources: ['externalsecrets'],
            },
          ],
        },
        matchConditions: this.matchConditions.map((c) => ({ ...c })),
        variables: this.variables.map((v) => ({ ...v })),
        validations: this.validations.map((v) => ({ ...v })),
      },
    });
    this.binding = new ApiObject(this, 'Binding', {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name, ...props.metadata },
      spec: {
        policyName: name,
        validationActions: [...actions],
        matchResources: {
          namespaceSelector: {
            matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'In', values: [...this.namespaces] }],
          },
        },
      },
    });
    this.binding.addDependency(this.policy);
  }
}

/** Every store an ExternalSecret references, as `Kind/name` (kind defaults to SecretStore, as in ESO). */
function storeRefsExpression(): string {
  const ref = (r: string) => `(has(${r}.kind) ? ${r}.kind : 'SecretStore') + '/' + (has(${r}.name) ? ${r}.name : '')`;
  const fromList = (field: 'data' | 'dataFrom') =>
    `(has(object.spec.${field}) ? object.spec.${field}.filter(d, has(d.sourceRef) && has(d.sourceRef.storeRef)).map(d, ${ref('d.sourceRef.storeRef')}) : [])`;
  return [
    `(has(object.spec.secretStoreRef) ? [${ref('object.spec.secretStoreRef')}] : [])`,
    fromList('data'),
    fromList('dataFrom'),
  ].join(' + ');
}

/** A CEL string literal. */
function cel(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function celList(values: readonly string[]): string {
  return `[${values.map(cel).join(', ')}]`;
}

function celMap(entries: Record<string, string[]>, value: (v: string[]) => string): string {
  return `{${Object.entries(entries)
    .map(([k, v]) => `${cel(k)}: ${value(v)}`)
    .join(', ')}}`;
}
