/**
 * Rendering environments to YAML and writing `dist/<env>/` atomically: everything is rendered in memory
 * first, and a folder is swapped in whole only after every requested environment rendered.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdk8s';
import { stringify } from 'yaml';
import { Environment } from '../config';
import { renderAirflowHelpers } from './airflow-helpers';
import { BuildEnvironmentOptions, buildEnvironment } from './environment';
import { generatedHeader } from './generated-header';

export { generatedHeader } from './generated-header';

/** A Kubernetes object as plain JSON. */
export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [k: string]: unknown };
  readonly [k: string]: unknown;
}

/** One environment rendered: file path (relative, `/`-separated) → content, plus the objects for summaries and tests. */
export interface RenderedEnvironment {
  readonly environment: string;
  readonly files: ReadonlyMap<string, string>;
  readonly objects: readonly K8sObject[];
}

/** Stable order inside a file: kind, then namespace, then name. */
function compareObjects(a: K8sObject, b: K8sObject): number {
  const key = (o: K8sObject) => [o.kind, o.metadata.namespace ?? '', o.metadata.name].join('\u0000');
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}

/** Multi-document YAML of `objects`, with the header. */
export function toYaml(env: string, objects: readonly unknown[]): string {
  const docs = objects.map((o) => stringify(o, { lineWidth: 0, aliasDuplicateObjects: false }));
  return generatedHeader(env) + docs.map((d) => `---\n${d}`).join('');
}

/** Renders one environment in memory (no files are touched). */
export function renderEnvironment(env: Environment, options: BuildEnvironmentOptions = {}): RenderedEnvironment {
  const app = new App({ outdir: path.join('/nonexistent', 'cdk8s-out') });
  const charts = buildEnvironment(app, env, options);
  const files = new Map<string, string>();
  const all: K8sObject[] = [];
  for (const { file, chart } of charts.files) {
    const objects = (chart.toJson() as K8sObject[]).slice().sort(compareObjects);
    if (objects.length === 0) continue;
    files.set(file, toYaml(env.environment, objects));
    all.push(...objects);
  }
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [...files.keys()],
  };
  files.set('kustomization.yaml', generatedHeader(env.environment) + stringify(kustomization, { lineWidth: 0 }));
  // Not Kubernetes objects: written beside the manifests in the same atomic swap, never listed as resources.
  for (const [file, content] of renderAirflowHelpers(env)) files.set(file, content);
  return { environment: env.environment, files, objects: all };
}

/** "2 ServiceAccount, 1 SecretStore, ..." in a stable order. */
export function summarize(objects: readonly K8sObject[]): string {
  const counts = new Map<string, number>();
  for (const o of objects) counts.set(o.kind, (counts.get(o.kind) ?? 0) + 1);
  return [...counts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([kind, n]) => `${n} ${kind}`)
    .join(', ');
}

/** Options for {@link writeDist}. */
export interface WriteDistOptions {
  /**
   * Remove `<outDir>/<name>/` folders of environments that no longer exist (for a synth of all of them).
   * @default false
   */
  readonly prune?: readonly string[];
}

/**
 * Writes every rendered environment to `<outDir>/<env>/`, replacing each folder whole: files go to a temporary
 * sibling first and the folders are swapped only after all of them were written.
 */
export function writeDist(outDir: string, rendered: readonly RenderedEnvironment[], options: WriteDistOptions = {}): void {
  fs.mkdirSync(outDir, { recursive: true });
  const staged: Array<{ tmp: string; final: string }> = [];
  try {
    for (const r of rendered) {
      const tmp = fs.mkdtempSync(path.join(outDir, `.${r.environment}.tmp-`));
      fs.chmodSync(tmp, 0o755);
      staged.push({ tmp, final: path.join(outDir, r.environment) });
      for (const [file, content] of r.files) {
        fs.mkdirSync(path.dirname(path.join(tmp, file)), { recursive: true });
        fs.writeFileSync(path.join(tmp, file), content);
      }
    }
  } catch (e) {
    for (const { tmp } of staged) fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  for (const { tmp, final } of staged) {
    const old = `${final}.old-${process.pid}`;
    if (fs.existsSync(final)) fs.renameSync(final, old);
    fs.renameSync(tmp, final);
    fs.rmSync(old, { recursive: true, force: true });
  }
  if (options.prune) {
    const keep = new Set(options.prune);
    for (const entry of fs.readdirSync(outDir, { withFileTypes: true })) {
      if (entry.isDirectory() && !entry.name.startsWith('.') && !keep.has(entry.name)) {
        fs.rmSync(path.join(outDir, entry.name), { recursive: true, force: true });
      }
    }
  }
}
