import * as pulumi from '@pulumi/pulumi';
import * as k8s from '@pulumi/kubernetes';
import { Environment } from '../config';
import { K8sObject, renderEnvironment } from '../charts/synth';

/** Stands in for client ids while the object list is enumerated; never applied. */
const SHAPE_CLIENT_ID = '00000000-0000-4000-8000-000000000000';

/**
 * Apply order of the kinds the charts produce; each stage waits for the one before. The admission policy comes
 * first, so every ExternalSecret the stack applies is checked by it; a kind missing here is refused, never
 * silently left out.
 */
export const STAGES: ReadonlyArray<readonly string[]> = [
  ['Namespace', 'ValidatingAdmissionPolicy', 'PrometheusRule'],
  ['ValidatingAdmissionPolicyBinding', 'NetworkPolicy', 'ServiceAccount'],
  ['SecretStore', 'ClusterSecretStore'],
  ['ExternalSecret', 'ClusterExternalSecret'],
];

/** Arguments of {@link ClusterResources}. */
export interface ClusterResourcesArgs {
  /** The catalogue environment. */
  readonly environment: Environment;
  /** Live client ids by identity name (from the managed identities). */
  readonly clientIds: Readonly<Record<string, pulumi.Input<string>>>;
  /**
   * Objects owned by someone else (the Helm release's controller ServiceAccount), as `Kind/namespace/name`.
   * @default - none
   */
  readonly skip?: readonly string[];
  /**
   * What every object waits for: the ESO release (its CRDs and admission webhook must serve first) and the
   * role assignments. @default - nothing
   */
  readonly after?: readonly pulumi.Resource[];
}

/** `Kind/namespace/name` (`Kind//name` for cluster-scoped objects). */
export function objectKey(o: Pick<K8sObject, 'kind' | 'metadata'>): string {
  return `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

/**
 * The environment's in-cluster objects (ServiceAccounts, stores, ExternalSecrets, and the admission policy, alerts
 * and NetworkPolicy when the environment has them) applied by the stack: the same
 * charts `npm run synth` writes to `dist/<env>/`, built in-process by `buildEnvironment` with the live client ids.
 *
 * Every object waits for `after` (the ESO release and the role assignments); stores wait for the ServiceAccounts
 * and ExternalSecrets for the stores. The provider should use server-side apply (the stack's provider does), so fields
 * other managers own (ESO's status, for one) are left alone.
 */
export class ClusterResources extends pulumi.ComponentResource {
  /** The applied objects by `Kind/namespace/name`. */
  public readonly objects: ReadonlyMap<string, pulumi.CustomResource>;

  constructor(name: string, args: ClusterResourcesArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('kv-secrets-sync:k8s:ClusterResources', name, {}, opts);
    const env = args.environment;
    const identities = Object.keys(args.clientIds);
    const skip = new Set(args.skip ?? []);

    // The object list does not depend on client ids: enumerate it now so the preview shows every object.
    const shape = renderEnvironment(env, {
      clientIds: Object.fromEntries(identities.map((n) => [n, SHAPE_CLIENT_ID])),
    }).objects.filter((o) => !skip.has(objectKey(o)));
    const staged = new Set(STAGES.flat());
    const unstaged = [...new Set(shape.map((o) => o.kind).filter((k) => !staged.has(k)))];
    if (unstaged.length > 0) {
      throw new Error(`${name}: the charts produce ${unstaged.join(', ')}, which the stack does not know how to apply; add the kind to STAGES in infra/cluster-resources.ts`);
    }
    const live = pulumi.all(args.clientIds).apply((ids) => {
      const byKey = new Map<string, K8sObject>();
      for (const o of renderEnvironment(env, { clientIds: ids }).objects) byKey.set(objectKey(o), o);
      return byKey;
    });

    const objects = new Map<string, pulumi.CustomResource>();
    let previous: pulumi.Resource[] = [];
    for (const kinds of STAGES) {
      const stage: pulumi.Resource[] = [];
      for (const o of shape.filter((s) => kinds.includes(s.kind))) {
        const key = objectKey(o);
        const current = live.apply((m) => m.get(key)!);
        const id = `${name}-${o.kind.toLowerCase()}-${o.metadata.namespace ?? 'cluster'}-${o.metadata.name}`;
        const childOpts: pulumi.CustomResourceOptions = { parent: this, dependsOn: [...(args.after ?? []), ...previous] };
        const metadata = o.metadata as k8s.types.input.meta.v1.ObjectMeta;
        const resource =
          o.kind === 'ServiceAccount'
            ? new k8s.core.v1.ServiceAccount(
                id,
                {
                  metadata: { ...metadata, annotations: current.apply((c) => c.metadata.annotations as Record<string, string>) },
                  automountServiceAccountToken: current.apply((c) => c.automountServiceAccountToken as boolean),
                },
                childOpts,
              )
            : o.kind === 'Namespace'
              ? new k8s.core.v1.Namespace(id, { metadata }, childOpts)
              : // Every other kind the charts produce is `apiVersion, kind, metadata, spec`; the generic resource
                // applies CRD kinds and built-in ones (policies, NetworkPolicy) alike.
                new k8s.apiextensions.CustomResource(
                  id,
                  { apiVersion: o.apiVersion, kind: o.kind, metadata, spec: current.apply((c) => c.spec) },
                  childOpts,
                );
        objects.set(key, resource);
        stage.push(resource);
      }
      if (stage.length > 0) previous = stage;
    }
    this.objects = objects;
    this.registerOutputs({});
  }
}
