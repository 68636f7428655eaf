/**
 * A loopback HTTPS server implementing the slice of the Kubernetes API that `status` and `force-sync` use, for ESO's
 * `external-secrets.io/v1` objects, so tests drive the real `@kubernetes/client-node` CustomObjectsApi:
 *
 * - list across namespaces (`/apis/<group>/<version>/<plural>`) and cluster-scoped lists, with `labelSelector`
 *   (equality terms, comma-separated);
 * - get and JSON merge patch (`application/merge-patch+json`) of a namespaced object, bumping resourceVersion;
 * - bearer-token authentication, 404 `Status` bodies, and faults (a status, or no answer).
 *
 * A `controller` hook stands in for ESO: it is called after every patch, so a test decides how "ESO" reacts to a
 * force-sync annotation. Binds 127.0.0.1 only.
 *
 * @see https://kubernetes.io/docs/reference/using-api/api-concepts/
 */
import * as fs from 'node:fs';
import type * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import type { EsoObject } from '../../cli/kube';
import { loopbackCertificate } from './tls';

export const KUBE_TOKEN = 'loopback-kube-token';

type Obj = { apiVersion: string; kind: string; metadata: Record<string, any>; spec?: any; status?: any };

const PLURAL_KIND: Record<string, string> = {
  externalsecrets: 'ExternalSecret',
  secretstores: 'SecretStore',
  clustersecretstores: 'ClusterSecretStore',
};

/** A fault for matching requests. */
export interface KubeFault {
  readonly method?: string;
  readonly path?: RegExp;
  times?: number;
  readonly status?: number;
  readonly hang?: boolean;
}

export class FakeKubeApi {
  public url = '';
  public readonly requests: Array<{ method: string; path: string; query: Record<string, string>; contentType?: string; body?: unknown }> = [];
  public readonly faults: KubeFault[] = [];
  /** Called after a patch is applied, with the patched object (mutate it, or schedule changes). */
  public controller?: (o: Obj, api: FakeKubeApi) => void;
  private readonly objects = new Map<string, Obj>();
  private readonly sockets = new Set<import('node:net').Socket>();
  private server?: https.Server;
  private cert = '';
  private version = 1000;
  private readonly hanging = new Set<http.ServerResponse>();

  public constructor(objects: readonly Obj[] = []) {
    for (const o of objects) this.add(o);
  }

  public add(o: Obj): this {
    this.objects.set(this.key(o.kind, o.metadata.namespace, o.metadata.name), structuredClone({ ...o, metadata: { resourceVersion: String(this.version++), ...o.metadata } }));
    return this;
  }

  /** The stored object (a live reference: tests and the controller hook may change it). */
  public get(kind: string, namespace: string | undefined, name: string): Obj | undefined {
    return this.objects.get(this.key(kind, namespace, name));
  }

  public async start(): Promise<this> {
    const tls = await loopbackCertificate();
    this.cert = tls.cert;
    this.server = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.handle(req, res, Buffer.concat(chunks).toString('utf8')));
    });
    this.server.on('connection', (socket: import('node:net').Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  public async stop(): Promise<void> {
    for (const r of this.hanging) r.destroy();
    this.server?.closeAllConnections();
    // Sockets a client opened but never used (still in the TLS handshake) are not HTTP connections yet.
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Writes a kubeconfig with two contexts: `loopback` (current, valid token) and `stale` (wrong token). */
  public kubeconfig(): string {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kvss-kube-')), 'config');
    fs.writeFileSync(
      file,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'loopback', cluster: { server: this.url, 'certificate-authority-data': Buffer.from(this.cert).toString('base64') } }],
        users: [
          { name: 'operator', user: { token: KUBE_TOKEN } },
          { name: 'expired', user: { token: 'expired-token' } },
        ],
        contexts: [
          { name: 'loopback', context: { cluster: 'loopback', user: 'operator' } },
          { name: 'stale', context: { cluster: 'loopback', user: 'expired' } },
        ],
        'current-context': 'loopback',
      }),
    );
    return file;
  }

  private key(kind: string, namespace: string | undefined, name: string): string {
    return `${kind}/${namespace ?? ''}/${name}`;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const u = new URL(req.url ?? '/', this.url);
    const query = Object.fromEntries(u.searchParams.entries());
    const method = req.method ?? 'GET';
    this.requests.push({ method, path: u.pathname, query, contentType: req.headers['content-type'], body: body ? safeJson(body) : undefined });
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    const statusBody = (code: number, reason: string, message: string) =>
      send(code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });

    if (req.headers.authorization !== `Bearer ${KUBE_TOKEN}`) return statusBody(401, 'Unauthorized', 'Unauthorized');
    const fault = this.faults.find((f) => (f.times ?? 1) > 0 && (!f.method || f.method === method) && (!f.path || f.path.test(u.pathname)));
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      if (fault.hang) return void this.hanging.add(res);
      return statusBody(fault.status ?? 500, 'InternalError', 'injected fault');
    }

    // /apis/external-secrets.io/v1/[namespaces/<ns>/]<plural>[/<name>]
    const m = /^\/apis\/external-secrets\.io\/v1\/(?:namespaces\/([^/]+)\/)?([a-z]+)(?:\/([^/]+))?$/.exec(u.pathname);
    const kind = m ? PLURAL_KIND[m[2]!] : undefined;
    if (!m || !kind) return statusBody(404, 'NotFound', `the server could not find the requested resource (${u.pathname})`);
    const [, namespace, plural, name] = m;

    if (!name) {
      if (method !== 'GET') return statusBody(405, 'MethodNotAllowed', 'only GET on collections');
      const terms = (query.labelSelector ?? '').split(',').filter(Boolean).map((t) => t.split('='));
      const items = [...this.objects.values()].filter(
        (o) =>
          o.kind === kind &&
          (!namespace || o.metadata.namespace === namespace) &&
          terms.every(([k, v]) => o.metadata.labels?.[k!] === v),
      );
      return send(200, { apiVersion: 'external-secrets.io/v1', kind: `${kind}List`, metadata: { resourceVersion: String(this.version) }, items });
    }
    const o = this.objects.get(this.key(kind, namespace, name));
    if (!o) return statusBody(404, 'NotFound', `${plural}.external-secrets.io "${name}" not found`);
    if (method === 'GET') return send(200, o);
    if (method === 'PATCH') {
      if (req.headers['content-type'] !== 'application/merge-patch+json') {
        return statusBody(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/merge-patch+json (got ${req.headers['content-type']})`);
      }
      mergePatch(o, safeJson(body) as Record<string, unknown>);
      o.metadata.resourceVersion = String(this.version++);
      o.metadata.generation = (o.metadata.generation ?? 1) + (body.includes('"spec"') ? 1 : 0);
      this.controller?.(o, this);
      return send(200, o);
    }
    return statusBody(405, 'MethodNotAllowed', `${method} is not implemented`);
  }
}

/** RFC 7386 JSON merge patch, in place. */
function mergePatch(target: Record<string, any>, patch: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete target[k];
    else if (typeof v === 'object' && !Array.isArray(v)) {
      if (typeof target[k] !== 'object' || target[k] === null || Array.isArray(target[k])) target[k] = {};
      mergePatch(target[k], v as Record<string, unknown>);
    } else target[k] = v;
  }
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

/** An ESO object as the cluster would hold it after `kubectl apply` of dist/<env>/ and a reconcile. */
export function esoObject(
  kind: 'ExternalSecret' | 'SecretStore' | 'ClusterSecretStore',
  name: string,
  opts: {
    namespace?: string;
    /** The environment label; '' for an object without our labels. @default 'test' */
    environment?: string;
    ready?: 'True' | 'False' | 'Unknown' | null;
    reason?: string;
    message?: string;
    refreshTime?: string;
    transitionTime?: string;
    store?: { kind: string; name: string };
    refreshInterval?: string;
    /** Vault URL of a store. @default https://kv-test.vault.azure.net/ */
    vaultUrl?: string;
  } = {},
): Obj & EsoObject {
  const environment = opts.environment ?? 'test';
  const labels: Record<string, string> = environment ? { 'app.kubernetes.io/managed-by': 'kv-secrets-sync', 'kv-secrets-sync.io/environment': environment } : {};
  const ready = opts.ready === undefined ? 'True' : opts.ready;
  const spec =
    kind === 'ExternalSecret'
      ? { refreshInterval: opts.refreshInterval ?? '1h0m0s', secretStoreRef: opts.store ?? { kind: 'ClusterSecretStore', name: 'kv' }, target: { name } }
      : { provider: { azurekv: { authType: 'WorkloadIdentity', vaultUrl: opts.vaultUrl ?? 'https://kv-test.vault.azure.net/' } } };
  return {
    apiVersion: 'external-secrets.io/v1',
    kind,
    metadata: { name, ...(opts.namespace ? { namespace: opts.namespace } : {}), labels, generation: 1 },
    spec,
    status:
      ready === null
        ? undefined
        : {
            conditions: [
              {
                type: 'Ready',
                status: ready,
                reason: opts.reason ?? (ready === 'True' ? (kind === 'ExternalSecret' ? 'SecretSynced' : 'StoreValidated') : 'SecretSyncedError'),
                message: opts.message ?? (ready === 'True' ? (kind === 'ExternalSecret' ? 'secret synced' : 'store validated') : 'could not get secret data from provider'),
                lastTransitionTime: opts.transitionTime ?? '2026-11-28T09:00:00Z',
              },
            ],
            ...(kind === 'ExternalSecret' && opts.refreshTime !== '' ? { refreshTime: opts.refreshTime ?? '2026-11-28T09:30:00Z' } : {}),
          },
  };
}
