/**
 * `verify`: every Key Vault secret an environment's catalogue references is checked against the vault before
 * anything is deployed: it exists, is enabled, is not expired and is already active; a pinned version exists; each
 * `dataFrom.find` matches something (and no more than the request budget assumes). Every problem is reported at
 * once, located in the catalogue, with a near-miss suggestion for a missing name.
 *
 * Metadata only: see ./keyvault.ts.
 */
import { distance } from 'fastest-levenshtein';
import {
  Environment,
  FieldPath,
  Finding,
  KEY_VAULT_LIST_PAGE_SIZE,
  Problem,
  catalogueSecrets,
  formatPath,
  locateFindings,
} from '../config';
import { VaultListing, VaultSecret } from './keyvault';

/** A Key Vault secret read by name (a `data` entry or `dataFrom.extract`). */
export interface KeyReference {
  readonly kind: 'key';
  /** Key Vault secret name as written. */
  readonly name: string;
  readonly version?: string;
  /** `namespace/name` of the ExternalSecret. */
  readonly target: string;
  readonly path: FieldPath;
}

/** A `dataFrom.find`: a name pattern and/or tags. */
export interface FindReference {
  readonly kind: 'find';
  readonly pattern?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly target: string;
  readonly path: FieldPath;
}

export type Reference = KeyReference | FindReference;

/** Every Key Vault reference of the catalogue, in catalogue order. Templates read only fetched keys, not the vault. */
export function catalogueReferences(env: Environment): Reference[] {
  const out: Reference[] = [];
  for (const { entry: secret, path, namespaces } of catalogueSecrets(env)) {
    const target = `${namespaces.length === 1 ? namespaces[0] : `{${namespaces.join(',')}}`}/${secret.name}`;
    for (const [key, value] of Object.entries(secret.data ?? {})) {
      if (typeof value === 'string') out.push({ kind: 'key', name: value, target, path: [...path, 'data', key] });
      else out.push({ kind: 'key', name: value.key, version: value.version, target, path: [...path, 'data', key, 'key'] });
    }
    secret.dataFrom?.forEach((df, j) => {
      if ('extract' in df) {
        out.push({ kind: 'key', name: df.extract.key, version: df.extract.version, target, path: [...path, 'dataFrom', j, 'extract', 'key'] });
      } else {
        out.push({ kind: 'find', pattern: df.find.name, tags: df.find.tags, target, path: [...path, 'dataFrom', j, 'find'] });
      }
    });
  }
  return out;
}

/** Lower-case names of existing secrets whose pinned versions must be listed. */
export function pinnedNames(refs: readonly Reference[], secrets: VaultListing['secrets']): string[] {
  const names = refs.flatMap((r) => (r.kind === 'key' && r.version && secrets.has(r.name.toLowerCase()) ? [r.name.toLowerCase()] : []));
  return [...new Set(names)];
}

export type Severity = 'error' | 'warning';

/** One checked reference, as a row of the report. */
export interface CheckedReference {
  readonly target: string;
  /** `secrets[0].data.password` */
  readonly field: string;
  /** What the catalogue asks for: a secret name (`name@version`) or a find (`name=~^x- tags a=b`). */
  readonly wants: string;
  /** `ok`, or the worst state found. */
  readonly state: 'ok' | 'missing' | 'disabled' | 'expired' | 'not-yet-active' | 'expiring' | 'no-version' | 'no-match' | 'unsupported' | 'matches';
  /** Matches of a find. */
  readonly matches?: number;
  readonly severity?: Severity;
}

/** A problem, located in the catalogue. */
export interface VerifyProblem extends Problem {
  readonly severity: Severity;
}

/** The outcome of checking a catalogue against a vault listing. */
export interface VerifyReport {
  readonly environment: string;
  readonly vaultUrl: string;
  readonly secretsInVault: number;
  readonly references: readonly CheckedReference[];
  readonly problems: readonly VerifyProblem[];
  readonly errors: number;
  readonly warnings: number;
}

/** Options of {@link checkReferences}. */
export interface CheckOptions {
  readonly now: Date;
  /** Warn about secrets that expire within this many days. @default 14 */
  readonly expiryWarningDays?: number;
  /** Catalogue folder, to locate problems. @default the project's */
  readonly dir?: string;
}

const DAY_MS = 86_400_000;

/** Checks every reference against the listing. Pure apart from reading the catalogue file to locate problems. */
export function checkReferences(env: Environment, refs: readonly Reference[], listing: VaultListing, options: CheckOptions): VerifyReport {
  const vault = env.keyVault.name;
  const now = options.now.getTime();
  const warnMs = (options.expiryWarningDays ?? 14) * DAY_MS;
  const names = [...listing.secrets.values()].map((s) => s.name);
  const findings: Array<Finding & { severity: Severity }> = [];
  const rows: CheckedReference[] = [];
  const add = (severity: Severity, path: FieldPath, message: string) => findings.push({ severity, path, message });

  for (const ref of refs) {
    const field = formatPath(ref.path);
    if (ref.kind === 'key') {
      const wants = ref.version ? `${ref.name}@${ref.version}` : ref.name;
      const latest = listing.secrets.get(ref.name.toLowerCase());
      if (!latest) {
        const hint = nearMiss(ref.name, names);
        add(
          'error',
          ref.path,
          `${JSON.stringify(ref.name)} is not a secret of vault ${vault}${hint ? `; did you mean ${JSON.stringify(hint)}?` : ''} ` +
            `(create it with \`az keyvault secret set --vault-name ${vault} --name ${ref.name} --file <file>\`, or fix the name)`,
        );
        rows.push({ target: ref.target, field, wants, state: 'missing', severity: 'error' });
        continue;
      }
      let s: VaultSecret = latest;
      if (ref.version) {
        const v = listing.versions.get(ref.name.toLowerCase())?.get(ref.version.toLowerCase());
        if (!v) {
          add('error', ref.path, `version ${JSON.stringify(ref.version)} of ${JSON.stringify(ref.name)} does not exist in vault ${vault}; pin an existing version or remove version to follow the latest`);
          rows.push({ target: ref.target, field, wants, state: 'no-version', severity: 'error' });
          continue;
        }
        s = v;
      }
      const state = secretState(s, now, warnMs);
      const what = ref.version ? `version ${ref.version} of ${JSON.stringify(s.name)}` : JSON.stringify(s.name);
      if (state === 'disabled') {
        add('error', ref.path, `${what} is disabled in vault ${vault}, so ESO cannot read it; enable it (\`az keyvault secret set-attributes --vault-name ${vault} --name ${s.name} --enabled true\`) or stop referencing it`);
      } else if (state === 'expired') {
        add('error', ref.path, `${what} expired on ${iso(s.expiresOn!)}; rotate it: set a new version with a later expiry date`);
      } else if (state === 'not-yet-active') {
        add('error', ref.path, `${what} is not active until ${iso(s.notBefore!)} (not-before date); ESO cannot read it before then`);
      } else if (state === 'expiring') {
        const days = Math.ceil((s.expiresOn!.getTime() - now) / DAY_MS);
        add('warning', ref.path, `${what} expires on ${iso(s.expiresOn!)} (in ${days} day${days === 1 ? '' : 's'}); rotate it before then`);
      }
      rows.push({ target: ref.target, field, wants, state, severity: state === 'ok' ? undefined : state === 'expiring' ? 'warning' : 'error' });
    } else {
      const wants = describeFind(ref);
      const unsupported = ref.pattern !== undefined ? re2Unsupported(ref.pattern) : undefined;
      if (unsupported) {
        add('error', [...ref.path, 'name'], `${JSON.stringify(ref.pattern)} uses ${unsupported}, which Go's RE2 (ESO's regular expressions) does not support; ESO would match nothing`);
        rows.push({ target: ref.target, field, wants, state: 'unsupported', severity: 'error' });
        continue;
      }
      const re = ref.pattern !== undefined ? new RegExp(ref.pattern) : undefined;
      const candidates = [...listing.secrets.values()].filter(
        (s) => (!re || re.test(s.name)) && Object.entries(ref.tags ?? {}).every(([k, v]) => s.tags[k] === v),
      );
      // ESO skips disabled secrets when it lists (isValidSecret), so they are no match.
      const enabled = candidates.filter((s) => s.enabled);
      const skipped = candidates.filter((s) => !s.enabled).map((s) => s.name);
      const stale = enabled.filter((s) => secretState(s, now, 0) !== 'ok').map((s) => s.name);
      if (enabled.length === 0) {
        add('error', ref.path, `matches no enabled secret of vault ${vault} (${wants}; ${listing.secrets.size} secrets listed${skipped.length ? `, ${skipped.length} disabled ones skipped` : ''}), so the Secret would be empty; add matching secrets or fix the pattern and tags`);
        rows.push({ target: ref.target, field, wants, state: 'no-match', matches: 0, severity: 'error' });
        continue;
      }
      let severity: Severity | undefined;
      if (stale.length > 0) {
        severity = 'error';
        add('error', ref.path, `matches secrets that are expired or not yet active: ${quoteList(stale)}; rotate them or exclude them from the pattern`);
      }
      if (enabled.length > env.budget.assumedFindMatches) {
        severity ??= 'warning';
        add('warning', ref.path, `matches ${enabled.length} secrets, more than budget.assumedFindMatches ${env.budget.assumedFindMatches}; raise it so the request budget holds`);
      }
      if (skipped.length > 0) {
        severity ??= 'warning';
        add('warning', ref.path, `skips ${skipped.length} disabled secret${skipped.length === 1 ? '' : 's'} that match${skipped.length === 1 ? 'es' : ''}: ${quoteList(skipped)}`);
      }
      rows.push({ target: ref.target, field, wants, state: 'matches', matches: enabled.length, severity });
    }
  }

  if (refs.some((r) => r.kind === 'find') && listing.secrets.size > env.budget.assumedVaultSecrets) {
    add(
      'warning',
      ['budget', 'assumedVaultSecrets'],
      `vault ${vault} holds ${listing.secrets.size} secrets, more than ${env.budget.assumedVaultSecrets} assumed; every dataFrom.find lists ${Math.ceil(listing.secrets.size / KEY_VAULT_LIST_PAGE_SIZE)} pages per refresh: raise it so the request budget holds`,
    );
  }

  const located = locateFindings(env.environment, findings, { dir: options.dir });
  const problems = located.map((p, i) => ({ ...p, severity: findings[i]!.severity }));
  return {
    environment: env.environment,
    vaultUrl: listing.vaultUrl,
    secretsInVault: listing.secrets.size,
    references: rows,
    problems,
    errors: problems.filter((p) => p.severity === 'error').length,
    warnings: problems.filter((p) => p.severity === 'warning').length,
  };
}

function secretState(s: VaultSecret, now: number, warnMs: number): 'ok' | 'disabled' | 'expired' | 'not-yet-active' | 'expiring' {
  if (!s.enabled) return 'disabled';
  if (s.expiresOn && s.expiresOn.getTime() <= now) return 'expired';
  if (s.notBefore && s.notBefore.getTime() > now) return 'not-yet-active';
  if (s.expiresOn && s.expiresOn.getTime() - now <= warnMs) return 'expiring';
  return 'ok';
}

/** The closest existing name, when it is close enough to be a typo (case-insensitive). */
export function nearMiss(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 4)) ? best : undefined;
}

/** Why a JavaScript pattern would not compile in RE2, or undefined. */
export function re2Unsupported(pattern: string): string | undefined {
  if (/\(\?<?[=!]/.test(pattern)) return 'lookaround';
  if (/\\[1-9]/.test(pattern) || /\\k</.test(pattern)) return 'backreferences';
  return undefined;
}

function describeFind(ref: FindReference): string {
  const parts: string[] = [];
  if (ref.pattern !== undefined) parts.push(`name=~${ref.pattern}`);
  for (const [k, v] of Object.entries(ref.tags ?? {})) parts.push(`tag ${k}=${v}`);
  return parts.join(', ');
}

function iso(d: Date): string {
  return d.toISOString().replace('.000Z', 'Z');
}

function quoteList(values: readonly string[], max = 5): string {
  const shown = values.slice(0, max).map((v) => JSON.stringify(v));
  return values.length > max ? `${shown.join(', ')} and ${values.length - max} more` : shown.join(', ');
}
