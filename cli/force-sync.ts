/**
 * `force-sync`: sets ESO's `force-sync` annotation to the current Unix time on the selected ExternalSecrets of an
 * environment, which makes ESO read Key Vault again at once instead of at the next refresh interval. With `--wait`,
 * polls each until it has synced after the annotation (status.refreshTime) and is Ready, failed, or time is up.
 *
 * @see https://external-secrets.io/v2.9.0/introduction/faq/ (force-sync annotation)
 */
import { Environment, deliveredSecrets } from '../config';
import { FORCE_SYNC_ANNOTATION, Kube, KubeAccess, annotateExternalSecret, connect, getExternalSecret, readyCondition } from './kube';
import { CliError, Cell, EXIT, paint, plural, table } from './output';
import { nearMiss } from './verify';

/** Options of {@link forceSync}. */
export interface ForceSyncOptions extends KubeAccess {
  readonly namespace?: string;
  readonly name?: readonly string[];
  readonly all?: boolean;
  readonly wait?: boolean;
  /** Seconds --wait waits. */
  readonly timeout: number;
  /** Seconds between polls. */
  readonly interval: number;
}

/** What happened to one ExternalSecret. */
export interface ForceSyncRow {
  readonly namespace: string;
  readonly name: string;
  /** annotated (no --wait), synced, failed (Ready=False after the annotation), timeout, or missing (not in the cluster). */
  readonly result: 'annotated' | 'synced' | 'failed' | 'timeout' | 'missing';
  readonly ready?: string;
  readonly reason?: string;
  readonly message?: string;
  readonly refreshTime?: string;
}

export interface ForceSyncReport {
  readonly environment: string;
  readonly cluster: string;
  /** The annotation value set (Unix seconds). */
  readonly forceSync: string;
  readonly waited: boolean;
  readonly rows: readonly ForceSyncRow[];
}

/** The catalogue secrets the options select; a usage error when none or an unknown name. */
/** An ExternalSecret to refresh. */
export interface SelectedSecret {
  readonly namespace: string;
  readonly name: string;
}

/**
 * The ExternalSecrets the options select, shared secrets' included (one per namespace their ClusterExternalSecret
 * reaches); a usage error when none or an unknown name.
 */
export function selectSecrets(env: Environment, o: Pick<ForceSyncOptions, 'namespace' | 'name' | 'all'>): SelectedSecret[] {
  if (!o.all && !o.namespace && !(o.name && o.name.length > 0)) {
    throw new CliError('select the ExternalSecrets to refresh: --name <name...>, --namespace <namespace> or --all');
  }
  const all = deliveredSecrets(env).map((d) => ({ namespace: d.namespace, name: d.entry.name }));
  const namespaces = [...new Set(all.map((s) => s.namespace))];
  if (o.namespace && !namespaces.includes(o.namespace)) {
    throw new CliError(`--namespace ${JSON.stringify(o.namespace)} has no ExternalSecret in environment ${env.environment} (namespaces: ${namespaces.join(', ')})`);
  }
  let selected = all.filter((s) => !o.namespace || s.namespace === o.namespace);
  if (o.name && o.name.length > 0) {
    const names = [...new Set(selected.map((s) => s.name))];
    for (const n of o.name) {
      if (!names.includes(n)) {
        const hint = nearMiss(n, names);
        throw new CliError(
          `--name ${JSON.stringify(n)} is not an ExternalSecret of environment ${env.environment}${o.namespace ? ` in namespace ${o.namespace}` : ''}` +
            `${hint ? `; did you mean ${JSON.stringify(hint)}?` : ''} (known: ${names.join(', ')})`,
        );
      }
    }
    selected = selected.filter((s) => o.name!.includes(s.name));
  }
  return selected;
}

/** Annotates, optionally waits, and returns the report with its rendering and exit code. */
export async function forceSync(
  env: Environment,
  o: ForceSyncOptions,
  clock: { now: () => Date; sleep: (ms: number) => Promise<void> },
): Promise<{ report: ForceSyncReport; render: (color: boolean) => string; code: number }> {
  const selected = selectSecrets(env, o);
  const kube = await connect(o);
  const stamp = Math.floor(clock.now().getTime() / 1000);
  const rows = new Map<string, ForceSyncRow>();
  for (const s of selected) {
    const patched = await annotateExternalSecret(kube, s.namespace, s.name, { [FORCE_SYNC_ANNOTATION]: String(stamp) });
    rows.set(`${s.namespace}/${s.name}`, patched ? row(s, 'annotated', patched) : { namespace: s.namespace, name: s.name, result: 'missing', message: 'not in the cluster: is dist/<env>/ applied?' });
  }
  if (o.wait) await waitForSync(kube, rows, stamp, o, clock);
  const report: ForceSyncReport = {
    environment: env.environment,
    cluster: kube.where,
    forceSync: String(stamp),
    waited: o.wait === true,
    rows: [...rows.values()],
  };
  const ok = report.rows.every((r) => r.result === (o.wait ? 'synced' : 'annotated'));
  return { report, render: (color) => render(report, color), code: ok ? EXIT.OK : EXIT.PROBLEMS };
}

async function waitForSync(
  kube: Kube,
  rows: Map<string, ForceSyncRow>,
  stamp: number,
  o: ForceSyncOptions,
  clock: { now: () => Date; sleep: (ms: number) => Promise<void> },
): Promise<void> {
  const deadline = clock.now().getTime() + o.timeout * 1000;
  const stampMs = stamp * 1000;
  for (;;) {
    const pending = [...rows.values()].filter((r) => r.result === 'annotated');
    if (pending.length === 0) return;
    for (const r of pending) {
      const key = `${r.namespace}/${r.name}`;
      const object = await getExternalSecret(kube, r.namespace, r.name);
      if (!object) {
        rows.set(key, { ...r, result: 'missing', message: 'deleted while waiting' });
        continue;
      }
      const ready = readyCondition(object);
      const refreshed = Date.parse(object.status?.refreshTime ?? '') >= stampMs;
      const changed = Date.parse(ready?.lastTransitionTime ?? '') >= stampMs;
      if (ready?.status === 'True' && refreshed) rows.set(key, row(r, 'synced', object));
      else if (ready?.status === 'False' && changed) rows.set(key, row(r, 'failed', object));
      else rows.set(key, row(r, 'annotated', object));
    }
    if (![...rows.values()].some((r) => r.result === 'annotated')) return;
    if (clock.now().getTime() >= deadline) {
      for (const [key, r] of rows) if (r.result === 'annotated') rows.set(key, { ...r, result: 'timeout' });
      return;
    }
    await clock.sleep(Math.min(o.interval * 1000, Math.max(0, deadline - clock.now().getTime())));
  }
}

function row(s: { namespace: string; name: string }, result: ForceSyncRow['result'], object: Parameters<typeof readyCondition>[0]): ForceSyncRow {
  const ready = readyCondition(object);
  return {
    namespace: s.namespace,
    name: s.name,
    result,
    ready: ready?.status ?? 'Unknown',
    reason: ready?.reason,
    message: ready?.message,
    refreshTime: object.status?.refreshTime,
  };
}

function render(report: ForceSyncReport, color: boolean): string {
  const tone = (r: ForceSyncRow) => (r.result === 'synced' || r.result === 'annotated' ? 'ok' : 'bad') as 'ok' | 'bad';
  const rows: Cell[][] = report.rows.map((r) => [
    r.namespace,
    r.name,
    { text: r.result, tone: tone(r) },
    r.ready ?? '-',
    r.reason ?? '-',
    r.refreshTime ?? '-',
    r.message ?? '',
  ]);
  const bad = report.rows.filter((r) => tone(r) === 'bad').length;
  const tail =
    bad === 0
      ? paint(report.waited ? `all ${report.rows.length} synced and Ready.` : `${plural(report.rows.length, 'ExternalSecret')} annotated; ESO refreshes them now (add --wait to follow).`, 'ok', color)
      : paint(`${bad} of ${report.rows.length} did not ${report.waited ? 'sync' : 'take the annotation'}.`, 'bad', color);
  return [
    `force-sync ${report.environment}: ${report.cluster}, ${FORCE_SYNC_ANNOTATION}=${report.forceSync}`,
    '',
    table(['NAMESPACE', 'NAME', 'RESULT', 'READY', 'REASON', 'LAST REFRESH', 'MESSAGE'], rows, color),
    '',
    tail,
  ].join('\n');
}
