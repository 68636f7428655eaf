/**
 * A loopback HTTPS server implementing the slice of the Azure Key Vault data-plane REST API that
 * `kv-secrets-sync verify` uses, so tests drive the real `@azure/keyvault-secrets` client:
 *
 * - `GET /secrets` (list secret properties, 25 per page with `nextLink`) and `GET /secrets/{name}/versions`;
 * - `GET /secrets/{name}[/{version}]` too (it returns a value), only so tests can prove it is never called;
 * - the bearer challenge: a request without the expected token gets 401 with `WWW-Authenticate`, as Key Vault does;
 * - `api-version` is required on every request, as Key Vault requires it;
 * - faults: a status (403, 429 with Retry-After, ...) for the next N matching requests, or no answer at all.
 *
 * It binds 127.0.0.1 only, with a self-signed certificate made at start.
 *
 * @see https://learn.microsoft.com/rest/api/keyvault/secrets/get-secrets/get-secrets
 * @see https://learn.microsoft.com/azure/key-vault/general/authentication-requests-and-responses
 */
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import { loopbackCertificate } from './tls';

/** A secret as the fake vault holds it (dates as `Date`). */
export interface FakeSecret {
  readonly name: string;
  readonly enabled?: boolean;
  readonly expiresOn?: Date;
  readonly notBefore?: Date;
  readonly tags?: Readonly<Record<string, string>>;
  /** Version ids, newest last. @default one random version */
  readonly versions?: readonly string[];
}

/** A fault injected into matching requests. */
export interface Fault {
  /** Requests it applies to, e.g. `/^\/secrets$/`. @default every request */
  readonly path?: RegExp;
  /** How many matching requests it hits. @default 1 */
  times?: number;
  /** Answer with this status and a Key Vault error body. */
  readonly status?: number;
  readonly code?: string;
  readonly innerCode?: string;
  readonly message?: string;
  /** Retry-After seconds for 429/503. */
  readonly retryAfter?: number;
  /** Never answer (the client must time out). */
  readonly hang?: boolean;
}

/** A request the server saw. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly authorized: boolean;
  readonly status: number;
}

export const FAKE_TOKEN = 'fake-token-for-loopback-vault';
export const FAKE_TENANT = '11111111-2222-4333-8444-555555555555';

/** A TokenCredential that hands out {@link FAKE_TOKEN} and records the scopes asked for. */
export class FakeCredential implements TokenCredential {
  public readonly scopes: string[] = [];
  public readonly tenants: Array<string | undefined> = [];
  public async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    this.scopes.push(...(Array.isArray(scopes) ? scopes : [scopes]));
    this.tenants.push(options?.tenantId);
    return { token: FAKE_TOKEN, expiresOnTimestamp: Date.now() + 3600_000 };
  }
}

/** A running fake vault. */
export class FakeKeyVault {
  /** `https://127.0.0.1:<port>/` */
  public url = '';
  /** The server certificate (PEM), for the client's trust store. */
  public cert = '';
  public readonly requests: SeenRequest[] = [];
  public readonly faults: Fault[] = [];
  private readonly secrets = new Map<string, FakeSecret>();
  private readonly sockets = new Set<import('node:net').Socket>();
  private server?: https.Server;
  private readonly hanging = new Set<import('node:http').ServerResponse>();

  public constructor(secrets: readonly FakeSecret[] = []) {
    for (const s of secrets) this.put(s);
  }

  /** Adds or replaces a secret. */
  public put(secret: FakeSecret): this {
    this.secrets.set(secret.name.toLowerCase(), { versions: [randomVersion()], enabled: true, ...secret });
    return this;
  }

  /** Starts listening on 127.0.0.1 with a fresh self-signed certificate. */
  public async start(): Promise<this> {
    const tls = await loopbackCertificate();
    this.cert = tls.cert;
    this.server = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => this.handle(req, res));
    this.server.on('connection', (socket: import('node:net').Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this;
  }

  public async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
    // Sockets a client opened but never used (still in the TLS handshake) are not HTTP connections yet.
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Requests that read a secret value (`GET /secrets/{name}` or `/secrets/{name}/{version}`). */
  public valueReads(): SeenRequest[] {
    return this.requests.filter((r) => /^\/secrets\/[^/]+(\/(?!versions$)[^/]+)?$/.test(r.path));
  }

  private handle(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): void {
    const u = new URL(req.url ?? '/', this.url);
    const query = Object.fromEntries(u.searchParams.entries());
    const authorized = req.headers.authorization === `Bearer ${FAKE_TOKEN}`;
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      this.requests.push({ method: req.method ?? '', path: u.pathname, query, authorized, status });
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(body === undefined ? '' : JSON.stringify(body));
    };
    const error = (status: number, code: string, message: string, innerCode?: string, headers?: Record<string, string>) =>
      reply(status, { error: { code, message, ...(innerCode ? { innererror: { code: innerCode } } : {}) } }, headers);

    req.resume();
    if (!query['api-version']) return error(400, 'BadParameter', 'The api-version query parameter is missing.');
    if (!authorized) {
      // The challenge Key Vault sends: where to get a token and for which resource.
      return error(401, 'Unauthorized', 'AKV10000: Request is missing a Bearer or PoP token.', undefined, {
        'www-authenticate': `Bearer authorization="https://login.microsoftonline.com/${FAKE_TENANT}", resource="https://vault.azure.net"`,
      });
    }
    const fault = this.faults.find((f) => (f.times ?? 1) > 0 && (!f.path || f.path.test(u.pathname)));
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      if (fault.hang) {
        this.requests.push({ method: req.method ?? '', path: u.pathname, query, authorized, status: 0 });
        this.hanging.add(res);
        return;
      }
      const headers: Record<string, string> = fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {};
      return error(fault.status ?? 500, fault.code ?? 'Error', fault.message ?? 'injected fault', fault.innerCode, headers);
    }
    if (req.method !== 'GET') return error(405, 'MethodNotAllowed', 'only GET is implemented');

    const parts = u.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts.length === 1 && parts[0] === 'secrets') {
      const all = [...this.secrets.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
      const top = Math.min(Number(query.maxresults ?? 25), 25);
      const skip = Number(query.$skiptoken ?? 0);
      const page = all.slice(skip, skip + top);
      const next = skip + top < all.length;
      return reply(200, {
        value: page.map((s) => this.item(s)),
        nextLink: next ? `${this.url}secrets?api-version=${query['api-version']}&maxresults=${top}&$skiptoken=${skip + top}` : null,
      });
    }
    const secret = parts[0] === 'secrets' && parts[1] ? this.secrets.get(parts[1].toLowerCase()) : undefined;
    if (!secret) {
      return error(404, 'SecretNotFound', `A secret with (name/id) ${parts[1] ?? ''} was not found in this key vault.`);
    }
    if (parts.length === 3 && parts[2] === 'versions') {
      return reply(200, { value: secret.versions!.map((v) => this.item(secret, v)), nextLink: null });
    }
    // A value read: implemented as Key Vault does, so a test can prove verify never makes one.
    if (secret.enabled === false) return error(403, 'Forbidden', 'Operation get is not allowed on a disabled secret.', 'SecretDisabled');
    return reply(200, { ...this.item(secret, parts[2]), value: 'not-for-your-eyes' });
  }

  private item(s: FakeSecret, version?: string) {
    const id = `${this.url}secrets/${s.name}${version ? `/${version}` : ''}`;
    const seconds = (d?: Date) => (d ? Math.floor(d.getTime() / 1000) : undefined);
    return {
      id,
      attributes: {
        enabled: s.enabled ?? true,
        exp: seconds(s.expiresOn),
        nbf: seconds(s.notBefore),
        created: 1_700_000_000,
        updated: 1_700_000_000,
        recoveryLevel: 'Recoverable+Purgeable',
      },
      tags: s.tags,
      contentType: 'text/plain',
    };
  }
}

function randomVersion(): string {
  return Array.from({ length: 32 }, () => Math.floor(Math.random() * 16).toString(16)).join('');
}
