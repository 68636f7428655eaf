/**
 * The Kubernetes side of the CLI: a kubeconfig (current context or `--context`), ESO's custom objects through
 * `@kubernetes/client-node`'s CustomObjectsApi, and failures turned into what an operator must do.
 */
import type { ConfigurationOptions, CustomObjectsApi, KubeConfig, RequestContext, ResponseContext } from '@kubernetes/client-node';
import { ESO_API_VERSION } from '../config';
import { CliError } from './output';

/** ESO's API group and version, from `external-secrets.io/v1`. */
export const ESO_GROUP = ESO_API_VERSION.split('/')[0]!;
export const ESO_VERSION_NAME = ESO_API_VERSION.split('/')[1]!;

/** The annotation ESO watches to refresh an ExternalSecret at once (any new value triggers a sync). */
export const FORCE_SYNC_ANNOTATION = 'force-sync';

/** The resource plurals of the objects the CLI reads. */
export const PLURALS = {
  ExternalSecret: 'externalsecrets',
  SecretStore: 'secretstores',
  ClusterSecretStore: 'clustersecretstores',
} as const;

export type EsoKind = keyof typeof PLURALS;

/** How to reach the cluster. */
export interface KubeAccess {
  readonly context?: string;
  readonly kubeconfig?: string;
  /** Seconds per request. */
  readonly requestTimeout: number;
}

/** An ESO object as the API returns it (the fields the CLI reads). */
export interface EsoObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
    readonly generation?: number;
  };
  readonly spec?: {
    readonly refreshInterval?: string | number;
    readonly secretStoreRef?: { readonly kind?: string; readonly name?: string };
    readonly provider?: { readonly azurekv?: { readonly vaultUrl?: string } };
  };
  readonly status?: {
    readonly conditions?: ReadonlyArray<{
      readonly type: string;
      readonly status: string;
      readonly reason?: string;
      readonly message?: string;
      readonly lastTransitionTime?: string;
    }>;
    readonly refreshTime?: string;
  };
}

/** A connected client. */
export interface Kube {
  readonly api: CustomObjectsApi;
  readonly config: KubeConfig;
  /** `context (server)`, for messages. */
  readonly where: string;
  /** Options for every request: the timeout, and extra headers. */
  readonly requestOptions: (headers?: Record<string, string>) => ConfigurationOptions;
}

/** Loads the kubeconfig and makes the API client; a missing context is a usage error. */
export async function connect(access: KubeAccess): Promise<Kube> {
  const k8s = await import('@kubernetes/client-node');
  const config = new k8s.KubeConfig();
  try {
    if (access.kubeconfig) config.loadFromFile(access.kubeconfig);
    else config.loadFromDefault();
  } catch (e) {
    throw new CliError(`cannot read the kubeconfig ${access.kubeconfig ?? '(default)'}: ${(e as Error).message}`);
  }
  if (access.context) {
    if (!config.getContextObject(access.context)) {
      const known = config.getContexts().map((c) => JSON.stringify(c.name));
      throw new CliError(`--context ${JSON.stringify(access.context)} is not in the kubeconfig (contexts: ${known.join(', ') || 'none'})`);
    }
    config.setCurrentContext(access.context);
  }
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new CliError('the kubeconfig has no current context; pass --context or run `kubectl config use-context <name>`');
  const api = config.makeApiClient(k8s.CustomObjectsApi);
  const timeoutMs = access.requestTimeout * 1000;
  // The generated client's middleware returns its own Observable (a promise wrapper).
  const pass = <T>(value: T) => new k8s.Observable(Promise.resolve(value));
  const requestOptions = (headers: Record<string, string> = {}) => ({
    middleware: [
      {
        pre: (ctx: RequestContext) => {
          ctx.setSignal(AbortSignal.timeout(timeoutMs));
          for (const [k, v] of Object.entries(headers)) ctx.setHeaderParam(k, v);
          return pass(ctx);
        },
        post: (r: ResponseContext) => pass(r),
      },
    ],
    middlewareMergeStrategy: 'append' as const,
  });
  return { api, config, where: `context ${config.getCurrentContext()} (${cluster.server})`, requestOptions };
}

/** Every object of `kind` labelled `selector`, across namespaces. */
export async function listObjects(kube: Kube, kind: EsoKind, labelSelector: string): Promise<EsoObject[]> {
  const params = { group: ESO_GROUP, version: ESO_VERSION_NAME, labelSelector };
  try {
    const list = (
      kind === 'ClusterSecretStore'
        ? await kube.api.listClusterCustomObject({ ...params, plural: PLURALS[kind] }, kube.requestOptions())
        : await kube.api.listCustomObjectForAllNamespaces({ ...params, resourcePlural: PLURALS[kind] }, kube.requestOptions())
    ) as { items?: EsoObject[] };
    return list.items ?? [];
  } catch (e) {
    throw new CliError(describeKubeError(e, kube, `list ${PLURALS[kind]}.${ESO_GROUP}`));
  }
}

/** One ExternalSecret, or undefined when it does not exist. */
export async function getExternalSecret(kube: Kube, namespace: string, name: string): Promise<EsoObject | undefined> {
  try {
    return (await kube.api.getNamespacedCustomObject(
      { group: ESO_GROUP, version: ESO_VERSION_NAME, namespace, plural: PLURALS.ExternalSecret, name },
      kube.requestOptions(),
    )) as EsoObject;
  } catch (e) {
    if ((e as { code?: number }).code === 404) return undefined;
    throw new CliError(describeKubeError(e, kube, `get externalsecrets.${ESO_GROUP} ${namespace}/${name}`));
  }
}

/** Sets annotations with a JSON merge patch; undefined when the object does not exist. */
export async function annotateExternalSecret(
  kube: Kube,
  namespace: string,
  name: string,
  annotations: Record<string, string>,
): Promise<EsoObject | undefined> {
  const options = kube.requestOptions({ 'Content-Type': 'application/merge-patch+json' });
  try {
    return (await kube.api.patchNamespacedCustomObject(
      { group: ESO_GROUP, version: ESO_VERSION_NAME, namespace, plural: PLURALS.ExternalSecret, name, body: { metadata: { annotations } } },
      options,
    )) as EsoObject;
  } catch (e) {
    if ((e as { code?: number }).code === 404) return undefined;
    throw new CliError(describeKubeError(e, kube, `patch externalsecrets.${ESO_GROUP} ${namespace}/${name}`));
  }
}

/** The Ready condition of an object. */
export function readyCondition(o: EsoObject) {
  return o.status?.conditions?.find((c) => c.type === 'Ready');
}

/** One sentence for a failed Kubernetes request: what happened and what to do. */
export function describeKubeError(e: unknown, kube: Pick<Kube, 'where'>, verb: string): string {
  const err = e as { code?: number | string; body?: unknown; message?: string; name?: string; cause?: { code?: string; message?: string } };
  const status = typeof err.code === 'number' ? err.code : undefined;
  const reason = statusMessage(err.body);
  switch (status) {
    case 401:
      return `the Kubernetes API at ${kube.where} rejected the credentials (401) to ${verb}; log in again (e.g. \`az aks get-credentials\`, \`kubelogin convert-kubeconfig\`)`;
    case 403:
      return `not allowed to ${verb} at ${kube.where} (403${reason ? `: ${reason}` : ''}); the account needs get, list and patch on ${ESO_GROUP} resources (e.g. a ClusterRole bound to it)`;
    case 404:
      return `${verb} at ${kube.where} answered 404${reason ? ` (${reason})` : ''}: are the ESO CRDs (${ESO_API_VERSION}) installed?`;
    default:
      break;
  }
  const cause = err.cause?.code ?? '';
  if (err.name === 'TimeoutError' || err.name === 'AbortError' || /aborted|timeout/i.test(`${err.message ?? ''} ${cause}`)) {
    return `no answer from the Kubernetes API at ${kube.where} to ${verb} in time; check the network path (VPN, authorized IP ranges) or raise --request-timeout`;
  }
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|fetch failed/i.test(`${cause} ${err.message ?? ''}`)) {
    return `cannot reach the Kubernetes API at ${kube.where} (${err.cause?.message ?? err.message}); check the context and the network path`;
  }
  if (status !== undefined) return `${verb} at ${kube.where} failed with ${status}${reason ? `: ${reason}` : ''}`;
  return `${verb} at ${kube.where} failed: ${err.message ?? String(e)}`;
}

function statusMessage(body: unknown): string | undefined {
  if (typeof body === 'string') {
    try {
      return (JSON.parse(body) as { message?: string }).message;
    } catch {
      return body.slice(0, 200) || undefined;
    }
  }
  return (body as { message?: string } | undefined)?.message;
}
