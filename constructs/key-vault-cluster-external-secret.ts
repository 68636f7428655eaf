import { ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';
import {
  DNS1123_LABEL,
  GO_DURATION,
  LabelSelector,
  NamespaceTargets,
  boundedSelector,
  canonicalGoDuration,
  targetsBound,
} from '../config';
import {
  ClusterExternalSecret,
  ClusterExternalSecretSpecExternalSecretSpec,
  ClusterExternalSecretSpecNamespaceSelectors,
} from './imports/external-secrets.io';
import { KeyVaultExternalSecretProps, checkExternalSecretProps, renderExternalSecretSpec } from './key-vault-external-secret';
import { collectProblems, ruleCheck } from './_validation';

/** Props of {@link KeyVaultClusterExternalSecret}. */
export interface KeyVaultClusterExternalSecretProps extends Omit<KeyVaultExternalSecretProps, 'namespace'> {
  /**
   * The namespaces that receive the Secret. Required and non-empty: the ClusterExternalSecret never reaches a
   * namespace that is not listed here.
   */
  readonly namespaces: readonly string[];
  /**
   * Of {@link namespaces}, reach only those whose labels match (an opt-in label, say). Pinned to the listed
   * names, so it narrows and never widens.
   * @default - every listed namespace
   */
  readonly namespaceSelector?: LabelSelector;
  /**
   * How often ESO re-evaluates which namespaces match (Go duration).
   * @default '1m'
   */
  readonly namespacesRefreshTime?: string;
  /** Labels and annotations of the ClusterExternalSecret itself. @default - none */
  readonly clusterMetadata?: Pick<ApiObjectMetadata, 'labels' | 'annotations'>;
}

/**
 * An ESO `ClusterExternalSecret` that creates the same ExternalSecret (and so the same Secret) in several
 * namespaces, reading through a ClusterSecretStore that admits all of them.
 *
 * Use it for one credential many namespaces need (an image pull secret, a shared service login); use one
 * {@link KeyVaultExternalSecret} per namespace when the namespaces need different keys.
 *
 * @see https://external-secrets.io/v2.9.0/api/clusterexternalsecret/
 */
export class KeyVaultClusterExternalSecret extends Construct {
  /** Name of the ClusterExternalSecret, of each ExternalSecret and of each Secret. */
  public readonly secretName: string;
  /** The namespaces that can receive the Secret, sorted. */
  public readonly namespaces: readonly string[];
  /** The namespace fields written. */
  public readonly targets: NamespaceTargets;
  public readonly resource: ClusterExternalSecret;

  constructor(scope: Construct, id: string, props: KeyVaultClusterExternalSecretProps) {
    super(scope, id);
    const refreshTime = props.namespacesRefreshTime ?? '1m';
    collectProblems(this, (problem) => {
      if (!props.namespaces || props.namespaces.length === 0) {
        problem('namespaces', 'must name at least one namespace');
      }
      (props.namespaces ?? []).forEach((ns, i) => ruleCheck(problem, DNS1123_LABEL, ns, `namespaces[${i}]`));
      if (props.store && props.store.kind !== 'ClusterSecretStore') {
        problem(
          'store',
          `SecretStore ${JSON.stringify(props.store.name)} serves one namespace only; a ClusterExternalSecret needs a ClusterSecretStore`,
        );
      }
      ruleCheck(problem, GO_DURATION, refreshTime, 'namespacesRefreshTime');
      if (props.namespaceSelector && Object.keys(props.namespaceSelector).length === 0) {
        problem('namespaceSelector', 'must not be empty (an empty selector matches every namespace); omit it to reach the listed namespaces');
      }
      // Every namespace gets the same ExternalSecret: it must be valid, and its store must admit it, in each.
      const seen = new Set<string>();
      for (const ns of props.namespaces ?? []) {
        checkExternalSecretProps((field, message) => {
          const key = `${field}\u0000${message}`;
          // Namespace names are reported above, as namespaces[i].
          if (field !== 'namespace' && !seen.has(key)) {
            seen.add(key);
            problem(field, message);
          }
        }, { ...props, namespace: ns });
      }
    });
    this.secretName = props.name;
    this.namespaces = [...new Set(props.namespaces)].sort();
    this.targets = props.namespaceSelector
      ? { namespaceSelectors: [boundedSelector(this.namespaces, props.namespaceSelector)] }
      : { namespaces: [...this.namespaces] };
    const bound = targetsBound(this.targets);
    const outside = bound === undefined ? ['(any namespace)'] : bound.filter((ns) => !this.namespaces.includes(ns));
    if (outside.length > 0) {
      throw new Error(`${this.node.path}: targets would reach ${outside.join(', ')} beyond namespaces ${this.namespaces.join(', ')}`);
    }

    this.resource = new ClusterExternalSecret(this, 'Resource', {
      metadata: { name: props.name, ...props.clusterMetadata },
      spec: {
        externalSecretName: props.name,
        externalSecretMetadata: props.metadata && {
          labels: props.metadata.labels && { ...props.metadata.labels },
          annotations: props.metadata.annotations && { ...props.metadata.annotations },
        },
        // Same JSON shape: the CRD embeds the ExternalSecret spec; the generated types are separate declarations.
        externalSecretSpec: renderExternalSecretSpec(props) as unknown as ClusterExternalSecretSpecExternalSecretSpec,
        namespaces: this.targets.namespaces ? [...this.targets.namespaces] : undefined,
        namespaceSelectors: this.targets.namespaceSelectors?.map(
          (s) =>
            ({
              matchLabels: s.matchLabels,
              matchExpressions: s.matchExpressions?.map((e) => ({ ...e, values: e.values ? [...e.values] : undefined })),
            }) as ClusterExternalSecretSpecNamespaceSelectors,
        ),
        refreshTime: canonicalGoDuration(refreshTime),
      },
    });
  }
}
