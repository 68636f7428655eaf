/**
 * `status`: what the cluster says about an environment's ExternalSecrets and stores, against what the catalogue
 * expects, and where they differ from it (store, refresh interval, vault). Objects are found by the label every generated object carries (`kv-secrets-sync.io/environment`), so
 * labelled objects the catalogue no longer has show up, wherever they are.
 */
import { ENVIRONMENT_LABEL, Environment, canonicalGoDuration, deliveredSecrets, keyVaultUrl } from '../config';
import { EsoKind, EsoObject, KubeAccess, connect, listObjects, readyCondition } from './kube';
import { Cell, paint, plural, table } from './output';

/** One object, present or expected. */
export interface StatusRow {
  readonly kind: EsoKind;
  readonly namespace?: string;
  readonly name: string;
  /** `ok`: in both; `missing`: the catalogue expects it, the cluster lacks it; `unknown`: the catalogue no longer has it. */
  readonly presence: 'ok' | 'missing' | 'unknown';
  /** The Ready condition's status, `-` when the object is missing. */
  readonly ready: string;
  readonly reason?: string;
  readonly message?: string;
  /** ExternalSecrets: status.refreshTime; stores: when Ready last changed. */
  readonly lastRefresh?: string;
  readonly refreshInterval?: string;
  /** `SecretStore/name` an ExternalSecret reads through; the vault URL for a store. */
  readonly store?: string;
  /** Where the object differs from what the catalogue renders (dist/<env>/ not applied yet, or edited by hand). */
  readonly drift?: readonly string[];
  /** Counts as a problem (not Ready, missing, unknown or drifted). */
  readonly problem: boolean;
}

/** The status of an environment in one cluster. */
export interface StatusReport {
  readonly environment: string;
  readonly cluster: string;
  readonly checkedAt: string;
  readonly rows: readonly StatusRow[];
  readonly problems: number;
}

const KIND_ORDER: Record<EsoKind, number> = { ClusterSecretStore: 0, SecretStore: 1, ExternalSecret: 2 };

/** An object the catalogue expects, with the fields `status` compares. */
interface Expected {
  readonly kind: EsoKind;
  readonly namespace?: string;
  readonly name: string;
  /** ExternalSecrets: `Kind/name` of the store. */
  readonly store?: string;
  /** ExternalSecrets: canonical refresh interval. */
  readonly refreshInterval?: string;
  /** Stores: the vault URL. */
  readonly vaultUrl?: string;
  /** A shared secret whose namespace selector decides at run time whether this namespace gets it. */
  readonly optional?: boolean;
}

/** The objects the catalogue expects, by `kind/namespace/name`. */
export function expectedObjects(env: Environment): Map<string, Expected> {
  const out = new Map<string, Expected>();
  const vaultUrl = keyVaultUrl(env.keyVault.name, env.keyVault.cloud);
  const kinds = new Map(env.stores.map((st) => [st.name, st.kind]));
  for (const store of env.stores) {
    const o: Expected =
      store.kind === 'SecretStore'
        ? { kind: store.kind, namespace: store.namespace, name: store.name, vaultUrl }
        : { kind: store.kind, name: store.name, vaultUrl };
    out.set(objectKey(o), o);
  }
  // Shared secrets too: their ClusterExternalSecret creates one ExternalSecret per namespace it reaches.
  for (const { entry: s, namespace, selected } of deliveredSecrets(env)) {
    const o: Expected = {
      kind: 'ExternalSecret',
      namespace,
      name: s.name,
      store: `${kinds.get(s.store) ?? 'SecretStore'}/${s.store}`,
      refreshInterval: safeCanonical(s.refreshInterval ?? env.defaults.refreshInterval),
      ...(selected ? { optional: true } : {}),
    };
    out.set(objectKey(o), o);
  }
  return out;
}

function objectKey(o: { kind: string; namespace?: string; name: string }): string {
  return `${o.kind}/${o.namespace ?? ''}/${o.name}`;
}

/** Compares the cluster's objects with the catalogue's (pure). */
export function compareStatus(env: Environment, found: ReadonlyArray<{ kind: EsoKind; object: EsoObject }>): StatusRow[] {
  const expected = expectedObjects(env);
  const rows: StatusRow[] = [];
  const seen = new Set<string>();
  for (const { kind, object } of found) {
    const key = objectKey({ kind, namespace: object.metadata.namespace, name: object.metadata.name });
    seen.add(key);
    const ready = readyCondition(object);
    const want = expected.get(key);
    const isReady = ready?.status === 'True';
    const interval = object.spec?.refreshInterval;
    const refreshInterval = interval === undefined ? undefined : typeof interval === 'number' ? `${interval}s` : safeCanonical(interval);
    const store =
      kind === 'ExternalSecret'
        ? `${object.spec?.secretStoreRef?.kind ?? 'SecretStore'}/${object.spec?.secretStoreRef?.name ?? '?'}`
        : object.spec?.provider?.azurekv?.vaultUrl;
    const drift: string[] = [];
    if (want?.store !== undefined && store !== want.store) drift.push(`store ${store} here, ${want.store} in the catalogue`);
    if (want?.refreshInterval !== undefined && refreshInterval !== want.refreshInterval) {
      drift.push(`refreshInterval ${refreshInterval ?? 'unset'} here, ${want.refreshInterval} in the catalogue`);
    }
    if (want?.vaultUrl !== undefined && store !== want.vaultUrl) drift.push(`vault ${store ?? 'unset'} here, ${want.vaultUrl} in the catalogue`);
    rows.push({
      kind,
      namespace: object.metadata.namespace,
      name: object.metadata.name,
      presence: want ? 'ok' : 'unknown',
      ready: ready?.status ?? 'Unknown',
      reason: ready?.reason ?? (ready ? undefined : 'NotReconciled'),
      message: ready?.message ?? (ready ? undefined : 'no Ready condition yet: has ESO reconciled it? check the controller logs'),
      lastRefresh: kind === 'ExternalSecret' ? object.status?.refreshTime : ready?.lastTransitionTime,
      refreshInterval,
      store,
      ...(drift.length > 0 ? { drift } : {}),
      problem: !isReady || !want || drift.length > 0,
    });
  }
  for (const [key, o] of expected) {
    if (seen.has(key) || o.optional) continue;
    rows.push({ kind: o.kind, namespace: o.namespace, name: o.name, presence: 'missing', ready: '-', problem: true, message: missingHint(o.kind) });
  }
  return rows.sort(
    (a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (a.namespace ?? '').localeCompare(b.namespace ?? '') || a.name.localeCompare(b.name),
  );
}

function missingHint(kind: EsoKind): string {
  return `the catalogue has this ${kind} but the cluster does not (or it lacks the ${ENVIRONMENT_LABEL} label): is dist/<env>/ applied and synced by GitOps?`;
}

function safeCanonical(v: string): string {
  try {
    return canonicalGoDuration(v);
  } catch {
    return v;
  }
}

/** Reads the cluster and compares. */
export async function clusterStatus(env: Environment, access: KubeAccess, now: Date): Promise<StatusReport> {
  const kube = await connect(access);
  const selector = `${ENVIRONMENT_LABEL}=${env.environment}`;
  const kinds: EsoKind[] = ['ClusterSecretStore', 'SecretStore', 'ExternalSecret'];
  const lists = await Promise.all(kinds.map((kind) => listObjects(kube, kind, selector)));
  const found = kinds.flatMap((kind, i) => lists[i]!.map((object) => ({ kind, object })));
  const rows = compareStatus(env, found);
  return { environment: env.environment, cluster: kube.where, checkedAt: now.toISOString(), rows, problems: rows.filter((r) => r.problem).length };
}

/** `2026-11-28T10:00:00Z (5m ago)` */
export function since(iso: string | undefined, now: Date): string {
  if (!iso) return '-';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const s = Math.max(0, Math.round((now.getTime() - t) / 1000));
  const ago = s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m` : s < 86400 ? `${Math.floor(s / 3600)}h` : `${Math.floor(s / 86400)}d`;
  return `${ago} ago`;
}

/** Renders the report for a terminal. */
export function renderStatus(report: StatusReport, color: boolean): string {
  const now = new Date(report.checkedAt);
  const rows: Cell[][] = report.rows.map((r) => [
    r.kind,
    r.namespace ?? '-',
    r.name,
    { text: r.ready, tone: r.ready === 'True' ? 'ok' : 'bad' },
    r.reason ?? '-',
    since(r.lastRefresh, now),
    r.refreshInterval ?? '-',
    r.store ?? '-',
    r.presence !== 'ok'
      ? { text: r.presence === 'missing' ? 'MISSING' : 'NOT IN CATALOGUE', tone: 'bad' }
      : r.drift
        ? { text: 'DRIFT', tone: 'warn' }
        : '',
    [...(r.drift ? [`drift: ${r.drift.join('; ')}`] : []), r.message ?? ''].filter(Boolean).join('; '),
  ]);
  const head = `status ${report.environment}: ${report.cluster}`;
  const tail =
    report.problems === 0
      ? paint(`all ${report.rows.length} objects Ready and in the catalogue.`, 'ok', color)
      : paint(
          `${plural(report.problems, 'problem')}: ${[
            count(report.rows, (r) => r.presence === 'ok' && r.ready !== 'True', 'not Ready'),
            count(report.rows, (r) => r.presence === 'missing', 'missing from the cluster'),
            count(report.rows, (r) => r.presence === 'unknown', 'not in the catalogue'),
            count(report.rows, (r) => r.drift !== undefined, 'drifted from the catalogue'),
          ]
            .filter(Boolean)
            .join(', ')}.`,
          'bad',
          color,
        );
  return [head, '', table(['KIND', 'NAMESPACE', 'NAME', 'READY', 'REASON', 'LAST REFRESH', 'INTERVAL', 'STORE', 'CATALOGUE', 'MESSAGE'], rows, color), '', tail].join('\n');
}

function count(rows: readonly StatusRow[], pred: (r: StatusRow) => boolean, what: string): string {
  const n = rows.filter(pred).length;
  return n > 0 ? `${n} ${what}` : '';
}
