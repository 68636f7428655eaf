import { ApiObjectMetadata } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DNS1123_LABEL, podSecurityLabels } from '../config';
import { collectProblems, ruleCheck } from './_validation';

/** Props of {@link PodSecurityNamespace}. */
export interface PodSecurityNamespaceProps {
  /** Namespace name. */
  readonly name: string;
  /** Pod Security level to enforce, audit and warn on. @default 'restricted' */
  readonly level?: 'restricted' | 'baseline';
  /** Version of the standard (`latest` or `v1.<minor>`). @default 'latest' */
  readonly version?: string;
  /** Extra labels and annotations. @default - none */
  readonly metadata?: Pick<ApiObjectMetadata, 'labels' | 'annotations'>;
}

/**
 * A Namespace carrying Pod Security Admission labels (`enforce`, `audit` and `warn` at one level).
 *
 * The ESO chart's pods run as non-root with a read-only root filesystem, no privilege escalation, all
 * capabilities dropped and the RuntimeDefault seccomp profile, so they meet `restricted`.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-admission/
 */
export class PodSecurityNamespace extends Construct {
  public readonly name: string;
  public readonly resource: k8s.KubeNamespace;

  constructor(scope: Construct, id: string, props: PodSecurityNamespaceProps) {
    super(scope, id);
    const level = props.level ?? 'restricted';
    const version = props.version ?? 'latest';
    collectProblems(this, (problem) => {
      ruleCheck(problem, DNS1123_LABEL, props.name, 'name');
      if (level !== 'restricted' && level !== 'baseline') {
        problem('level', `${JSON.stringify(level)} is not allowed (allowed: "restricted", "baseline")`);
      }
      if (!/^(latest|v1\.[0-9]+)$/.test(version)) problem('version', `${JSON.stringify(version)} is not a Pod Security version ("latest" or "v1.<minor>")`);
    });
    this.name = props.name;
    this.resource = new k8s.KubeNamespace(this, 'Resource', {
      metadata: {
        name: props.name,
        annotations: props.metadata?.annotations,
        labels: { ...props.metadata?.labels, ...podSecurityLabels(level, version) },
      },
    });
  }
}
