/**
 * Reading a vault's secret metadata with the Azure SDK, and turning its failures into what an operator must do.
 *
 * Only list operations are used (`listPropertiesOfSecrets`, `listPropertiesOfSecretVersions`): they return names,
 * attributes and tags but never a value, so `verify` needs only the `secrets/readMetadata` data action (the
 * "Key Vault Reader" role) and no secret value ever reaches this process.
 *
 * @see https://learn.microsoft.com/azure/key-vault/general/rbac-guide
 */
import type { TokenCredential } from '@azure/identity';
import type { SecretClientOptions, SecretProperties } from '@azure/keyvault-secrets';
import { CliError } from './output';

/** A pipeline policy, as SecretClient's options take it. */
type PipelinePolicy = NonNullable<SecretClientOptions['additionalPolicies']>[number]['policy'];

/** What verify needs to know about one secret. */
export interface VaultSecret {
  readonly name: string;
  readonly enabled: boolean;
  readonly expiresOn?: Date;
  readonly notBefore?: Date;
  readonly tags: Readonly<Record<string, string>>;
}

/** The metadata of a vault: every secret (latest version) and, where asked, the versions of some. */
export interface VaultListing {
  readonly vaultUrl: string;
  /** By lower-case name (Key Vault names are case-insensitive). */
  readonly secrets: ReadonlyMap<string, VaultSecret>;
  /** Version ids by lower-case secret name, for pinned versions. */
  readonly versions: ReadonlyMap<string, ReadonlyMap<string, VaultSecret>>;
  /** Requests made (list pages), for the record. */
  readonly requests: number;
}

/** How to reach the vault. */
export interface VaultAccess {
  readonly vaultUrl: string;
  /** @default DefaultAzureCredential */
  readonly credential?: TokenCredential;
  /** Extra client options (tests: a trust store, challenge verification). */
  readonly clientOptions?: SecretClientOptions;
  /** Per-request timeout. */
  readonly timeoutMs: number;
  /** Retries of throttled (429) and transient failures, with exponential backoff. */
  readonly retries: number;
  /** First retry delay; doubles each time. @default 800 */
  readonly retryDelayMs?: number;
  /** The vault's tenant: the default credential signs in to it, and messages name it. */
  readonly tenantId?: string;
}

/**
 * Lists the vault's secrets, then the versions of the secrets `versionsOf` picks from them (lower-case names of
 * secrets that exist, e.g. those the catalogue pins a version of).
 */
export async function readVault(
  access: VaultAccess,
  versionsOf: (secrets: ReadonlyMap<string, VaultSecret>) => readonly string[] = () => [],
): Promise<VaultListing> {
  const { SecretClient } = await import('@azure/keyvault-secrets');
  const credential = access.credential ?? (await defaultCredential(access.tenantId));
  // The SDK's paging errors drop Key Vault's error body; keep the last one, which says why (e.g. ForbiddenByFirewall).
  let failure: VaultFailure | undefined;
  const capture: PipelinePolicy = {
    name: 'kvssCaptureErrorBody',
    async sendRequest(request, next) {
      const response = await next(request);
      if (response.status >= 400) failure = parseFailure(response.status, response.bodyAsText);
      return response;
    },
  };
  const client = new SecretClient(access.vaultUrl, credential, {
    ...access.clientOptions,
    additionalPolicies: [...(access.clientOptions?.additionalPolicies ?? []), { policy: capture, position: 'perCall' }],
    retryOptions: {
      maxRetries: access.retries,
      retryDelayInMs: access.retryDelayMs ?? 800,
      maxRetryDelayInMs: 30_000,
      ...access.clientOptions?.retryOptions,
    },
  });
  const options = { requestOptions: { timeout: access.timeoutMs } };
  const secrets = new Map<string, VaultSecret>();
  const versions = new Map<string, Map<string, VaultSecret>>();
  let requests = 0;
  try {
    for await (const page of client.listPropertiesOfSecrets(options).byPage()) {
      requests++;
      for (const p of page) secrets.set(p.name.toLowerCase(), toVaultSecret(p));
    }
    for (const name of versionsOf(secrets)) {
      const byVersion = new Map<string, VaultSecret>();
      try {
        for await (const page of client.listPropertiesOfSecretVersions(name, options).byPage()) {
          requests++;
          for (const p of page) if (p.version) byVersion.set(p.version.toLowerCase(), toVaultSecret(p));
        }
      } catch (e) {
        // Deleted since the list: no version of it exists any more, which the check reports.
        if ((e as { statusCode?: number }).statusCode !== 404) throw e;
      }
      versions.set(name, byVersion);
    }
  } catch (e) {
    throw new CliError(describeVaultError(e, access, failure));
  }
  return { vaultUrl: access.vaultUrl, secrets, versions, requests };
}

function toVaultSecret(p: SecretProperties): VaultSecret {
  return { name: p.name, enabled: p.enabled !== false, expiresOn: p.expiresOn, notBefore: p.notBefore, tags: { ...p.tags } };
}

/** Azure's default credential chain, signing in to the vault's tenant (the catalogue's tenantId). */
async function defaultCredential(tenantId: string | undefined): Promise<TokenCredential> {
  const { DefaultAzureCredential } = await import('@azure/identity');
  return new DefaultAzureCredential(tenantId ? { tenantId } : {});
}

/** One sentence for a failed vault request: what happened and what to do. */
export function describeVaultError(
  e: unknown,
  access: Pick<VaultAccess, 'vaultUrl' | 'timeoutMs' | 'retries' | 'tenantId'>,
  failure?: VaultFailure,
): string {
  const caught = e as { name?: string; code?: string; statusCode?: number; message?: string };
  const fromBody = failure && failure.status === caught.statusCode ? failure : undefined;
  const err = { ...caught, code: fromBody?.code ?? caught.code, message: fromBody?.message ?? caught.message };
  const vault = new URL(access.vaultUrl).host;
  const inner = fromBody?.innerCode;
  const tenant = access.tenantId ? ` --tenant ${access.tenantId}` : '';
  if (err.name === 'CredentialUnavailableError' || err.name === 'AggregateAuthenticationError') {
    return `no Azure credential available for ${vault}: sign in with \`az login${tenant}\`, or set AZURE_CLIENT_ID/AZURE_TENANT_ID (workload identity) for DefaultAzureCredential (${firstLine(err.message)})`;
  }
  if (err.name === 'AuthenticationError') {
    return `signing in for ${vault} failed: ${firstLine(err.message)}; sign in again with \`az login${tenant}\``;
  }
  switch (err.statusCode) {
    case 401:
      return `${vault} rejected the token (401 ${err.code ?? 'Unauthorized'}): the signed-in account is probably in another tenant than the vault; sign in with \`az login${tenant}\``;
    case 403:
      if (inner === 'ForbiddenByFirewall' || /firewall|not authorized.*ip|client address/i.test(err.message ?? '')) {
        return `${vault} refused the request at its firewall (403 ForbiddenByFirewall): run from a network the vault allows (private endpoint, VPN) or add your address to its network rules`;
      }
      return (
        `not allowed to list the secrets of ${vault} (403 ${inner ?? err.code ?? 'Forbidden'}): the signed-in identity needs the ` +
        `"Key Vault Reader" role on the vault (data action Microsoft.KeyVault/vaults/secrets/readMetadata/action; "Key Vault Secrets User" includes it), ` +
        'or the List permission for secrets in its access policy; verify reads metadata only and never needs a secret value'
      );
    case 404:
      return `${access.vaultUrl} answered 404 (${err.code ?? 'NotFound'}) to listing its secrets: it is not a Key Vault endpoint; check keyVault.name and keyVault.cloud in the catalogue, or --vault-url`;
    case 429:
      return `${vault} kept throttling (429 Too Many Requests) after ${access.retries} ${access.retries === 1 ? 'retry' : 'retries'} with backoff; wait a minute and run again, or pass --retries with a larger number`;
    default:
      break;
  }
  if (err.name === 'AbortError' || /abort|timed? ?out|ETIMEDOUT/i.test(`${err.code ?? ''} ${err.message ?? ''}`)) {
    return `no answer from ${vault} within ${access.timeoutMs / 1000}s (after ${access.retries} ${access.retries === 1 ? 'retry' : 'retries'}); check the network path to the vault or raise --timeout`;
  }
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') {
    return `cannot resolve ${vault}: the vault does not exist or DNS (private endpoint zone) does not know it; check keyVault.name`;
  }
  if (err.code === 'ECONNREFUSED' || err.code === 'ECONNRESET' || err.code === 'REQUEST_SEND_ERROR') {
    return `cannot connect to ${vault} (${firstLine(err.message)}); check the network path to the vault`;
  }
  if (err.statusCode !== undefined) return `${vault} answered ${err.statusCode} ${err.code ?? ''}: ${firstLine(err.message)}`;
  return `cannot read ${vault}: ${firstLine(err.message)}`;
}

/** What Key Vault said when it refused a request (its error body holds no secret value). */
export interface VaultFailure {
  readonly status: number;
  readonly code?: string;
  readonly message?: string;
  readonly innerCode?: string;
}

function parseFailure(status: number, body: string | null | undefined): VaultFailure {
  try {
    const e = (JSON.parse(body ?? '') as { error?: { code?: string; message?: string; innererror?: { code?: string } } }).error;
    return { status, code: e?.code, message: e?.message, innerCode: e?.innererror?.code };
  } catch {
    return { status };
  }
}

function firstLine(s: string | undefined): string {
  return (s ?? 'unknown error').split('\n')[0]!.trim();
}
