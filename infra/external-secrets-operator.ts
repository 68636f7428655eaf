import * as pulumi from '@pulumi/pulumi';
import * as k8s from '@pulumi/kubernetes';
import {
  ESO_CONTROLLER_SERVICE_ACCOUNT,
  ESO_VERSION,
  Environment,
  WI_CLIENT_ID_ANNOTATION,
  WI_TENANT_ID_ANNOTATION,
  WI_USE_LABEL,
  esoMonitoringValues,
  podSecurityLabels,
} from '../config';

/** Helm repository of the external-secrets chart. */
export const ESO_CHART_REPOSITORY = 'https://charts.external-secrets.io';
/** Chart name. */
export const ESO_CHART = 'external-secrets';
/** Chart version, pinned: the CRDs and bindings of this project are generated for it. */
export const ESO_CHART_VERSION = ESO_VERSION;
/** Helm release name; the chart derives object names (and the selector labels) from it. */
export const ESO_RELEASE_NAME = 'external-secrets';

/** CPU and memory requests and limits of one container. */
export interface ContainerResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** The container security context keys of the chart (each component has the same block). */
export interface ChartSecurityContext {
  readonly enabled: boolean;
  readonly allowPrivilegeEscalation: boolean;
  readonly capabilities: { readonly drop: readonly string[] };
  readonly readOnlyRootFilesystem: boolean;
  readonly runAsNonRoot: boolean;
  readonly runAsUser: number;
  readonly seccompProfile: { readonly type: 'RuntimeDefault' };
}

/** Keys every deployment of the chart (controller, webhook, cert controller) shares. */
export interface ChartWorkloadValues {
  readonly replicaCount: number;
  readonly podDisruptionBudget: { readonly enabled: boolean; readonly minAvailable: number };
  readonly resources: ContainerResources;
  readonly podSecurityContext: { readonly enabled: boolean };
  readonly securityContext: ChartSecurityContext;
  readonly topologySpreadConstraints: readonly unknown[];
  readonly podLabels: Readonly<Record<string, string>>;
}

/**
 * The values of the external-secrets chart 2.9.0 this stack sets; key names as in the chart's values.yaml
 * and values.schema.json.
 */
export interface EsoChartValues extends ChartWorkloadValues {
  readonly installCRDs: boolean;
  readonly crds: { readonly createClusterSecretStore: boolean; readonly createClusterExternalSecret: boolean };
  readonly leaderElect: boolean;
  readonly serviceAccount: {
    readonly create: boolean;
    readonly name: string;
    readonly annotations: Readonly<Record<string, string>>;
  };
  readonly rbac: { readonly create: boolean; readonly serviceAccountTokenCreate: boolean };
  readonly serviceMonitor: {
    readonly enabled: boolean;
    readonly renderMode: 'skipIfMissing' | 'failIfMissing' | 'alwaysRender';
  };
  readonly webhook: ChartWorkloadValues;
  readonly certController: ChartWorkloadValues;
}

const HARDENED: ChartSecurityContext = {
  enabled: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  runAsUser: 1000,
  seccompProfile: { type: 'RuntimeDefault' },
};

/** Spreads a component's replicas over zones (best effort) and nodes, selected by the chart's labels. */
function spread(component: string): unknown[] {
  const labelSelector = {
    matchLabels: { 'app.kubernetes.io/name': component, 'app.kubernetes.io/instance': ESO_RELEASE_NAME },
  };
  return [
    { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector },
    { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector },
  ];
}

function workload(component: string, resources: ContainerResources): ChartWorkloadValues {
  return {
    replicaCount: 2,
    podDisruptionBudget: { enabled: true, minAvailable: 1 },
    resources,
    podSecurityContext: { enabled: true },
    securityContext: HARDENED,
    topologySpreadConstraints: spread(component),
    podLabels: {},
  };
}

/** Options of {@link esoChartValues}. */
export interface EsoChartValuesOptions {
  /**
   * Client id of the controller's own identity, when a catalogue identity is the controller's ServiceAccount
   * (see {@link controllerIdentity}): the chart then annotates that ServiceAccount and labels the pods for
   * workload identity. @default - none
   */
  readonly controllerClientId?: string;
}

/**
 * The typed chart values for an environment, before the catalogue's `infra.eso.values` overrides:
 * CRDs installed, two replicas of every component with leader election and disruption budgets, requests and
 * limits, the chart's hardened security context stated explicitly, token creation for `serviceAccountRef`
 * stores, and a ServiceMonitor rendered without a cluster lookup when the environment runs Prometheus Operator.
 *
 * @see https://github.com/external-secrets/external-secrets/blob/helm-chart-2.9.0/deploy/charts/external-secrets/values.yaml
 */
export function esoChartValues(env: Environment, options: EsoChartValuesOptions = {}): EsoChartValues {
  const controllerId = options.controllerClientId;
  // Every store authenticates with serviceAccountRef: the controller requests tokens for those accounts.
  const usesServiceAccountRef = env.stores.length > 0;
  return {
    ...workload('external-secrets', {
      requests: { cpu: '50m', memory: '128Mi' },
      limits: { cpu: '500m', memory: '512Mi' },
    }),
    podLabels: controllerId !== undefined ? { [WI_USE_LABEL]: 'true' } : {},
    installCRDs: true,
    crds: { createClusterSecretStore: true, createClusterExternalSecret: true },
    leaderElect: true,
    serviceAccount: {
      create: true,
      name: ESO_CONTROLLER_SERVICE_ACCOUNT,
      annotations:
        controllerId !== undefined
          ? { [WI_CLIENT_ID_ANNOTATION]: controllerId, [WI_TENANT_ID_ANNOTATION]: env.tenantId }
          : {},
    },
    rbac: { create: true, serviceAccountTokenCreate: usesServiceAccountRef },
    serviceMonitor: {
      enabled: env.platform.prometheusOperator,
      // The Capabilities lookup of skipIfMissing fails open without a live cluster (preview, template).
      renderMode: 'alwaysRender',
    },
    webhook: workload('external-secrets-webhook', {
      requests: { cpu: '20m', memory: '64Mi' },
      limits: { cpu: '200m', memory: '256Mi' },
    }),
    certController: workload('external-secrets-cert-controller', {
      requests: { cpu: '20m', memory: '64Mi' },
      limits: { cpu: '200m', memory: '256Mi' },
    }),
  };
}

/**
 * The values the release is installed with: the typed defaults of {@link esoChartValues}, then what the
 * operations section decides (ServiceMonitor labels, Grafana dashboard), then the catalogue's `infra.eso.values`.
 */
export function esoReleaseValues(env: Environment, options: EsoChartValuesOptions = {}): Record<string, unknown> {
  return [esoMonitoringValues(env), env.infra?.eso.values ?? {}].reduce(
    (acc: unknown, layer) => mergeValues(acc, layer),
    esoChartValues(env, options),
  ) as Record<string, unknown>;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Merges `override` into `base`: objects key by key, everything else (lists, scalars, null) replaces. */
export function mergeValues(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) out[k] = mergeValues(base[k], v);
  return out;
}

/**
 * Labels of the ESO namespace, from `operations.podSecurity` (the same labels dist/<env>/eso-namespace.yaml
 * carries): by default Pod Security Admission enforces `restricted`, which the chart's hardened pods meet.
 * @see https://kubernetes.io/docs/concepts/security/pod-security-admission/
 */
export function esoNamespaceLabels(env: Environment): Record<string, string> {
  const ps = env.operations.podSecurity;
  return ps.enabled ? podSecurityLabels(ps.level, ps.version) : {};
}

/** Arguments of {@link ExternalSecretsOperator}. */
export interface ExternalSecretsOperatorArgs {
  /** The catalogue environment. */
  readonly environment: Environment;
  /** Client id of the controller's own identity, when it has one. @default - none */
  readonly controllerClientId?: pulumi.Input<string>;
}

/**
 * The External Secrets Operator Helm release (chart `external-secrets` {@link ESO_CHART_VERSION}, pinned) in
 * the environment's ESO namespace (labelled for the `restricted` Pod Security profile), with the typed values of {@link esoChartValues} and the catalogue's
 * overrides. Helm waits for the deployments, so objects that depend on the release find the CRDs and a
 * serving webhook.
 *
 * @see https://external-secrets.io/v2.9.0/introduction/getting-started/
 */
export class ExternalSecretsOperator extends pulumi.ComponentResource {
  /** The release. */
  public readonly release: k8s.helm.v3.Release;
  /** The namespace, with Pod Security labels. */
  public readonly namespaceResource: k8s.core.v1.Namespace;
  /** Helm's status of the release (`deployed`, `failed`, ...). */
  public readonly status: pulumi.Output<string>;
  /** Namespace of the release. */
  public readonly namespace: string;

  constructor(name: string, args: ExternalSecretsOperatorArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('kv-secrets-sync:eso:ExternalSecretsOperator', name, {}, opts);
    const env = args.environment;
    this.namespace = env.platform.esoNamespace;
    const values = pulumi
      .output(args.controllerClientId)
      .apply((controllerClientId) =>
        esoReleaseValues(env, { controllerClientId }),
      );

    // Server-side apply adopts a namespace that already exists (created by hand or by GitOps); it may hold more
    // than this stack made (GitOps-applied ServiceAccounts), so `pulumi destroy` leaves it in place.
    this.namespaceResource = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      { metadata: { name: this.namespace, labels: esoNamespaceLabels(env) } },
      { parent: this, retainOnDelete: true },
    );
    this.release = new k8s.helm.v3.Release(
      `${name}-release`,
      {
        name: ESO_RELEASE_NAME,
        chart: ESO_CHART,
        version: ESO_CHART_VERSION,
        repositoryOpts: { repo: ESO_CHART_REPOSITORY },
        namespace: this.namespaceResource.metadata.name,
        values,
        atomic: true,
        cleanupOnFail: true,
        maxHistory: 10,
        timeout: env.infra?.eso.timeoutSeconds ?? 600,
      },
      { parent: this },
    );
    this.status = this.release.status.apply((s) => s.status);
    this.registerOutputs({ status: this.status });
  }
}
