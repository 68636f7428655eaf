/**
 * Synth benchmark: catalogues of 100, 1,000 and 5,000 secrets over 10 namespaces, synthesized by our
 * pipeline (YAML → schema → cross-field rules → typed constructs → YAML files) and by a baseline that builds
 * the same objects as plain cdk8s ApiObjects from the parsed YAML with no validation. Each run is a fresh
 * process, so peak RSS is per run; the table reports the median wall time of 3 runs and the largest peak RSS.
 *
 *   npm run bench                 # prints the markdown table
 *   npm run bench -- --write      # also writes docs/benchmark.md
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiObject, App, Chart } from 'cdk8s';
import { parse, stringify } from 'yaml';
import { keyVaultUrl, parseEnvironment, projectRoot } from '../config';
import { renderEnvironment, toYaml, writeDist } from '../charts/synth';

const SIZES = [100, 1000, 5000];
const NAMESPACES = 10;
const RUNS = 3;

/** A catalogue with `n` secrets spread over 10 namespaces, one SecretStore each and one ClusterSecretStore. */
export function benchCatalogue(n: number): string {
  const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
  const namespaces = Array.from({ length: NAMESPACES }, (_, i) => `team-${i}`);
  const catalogue = {
    environment: 'bench',
    tenantId: uuid(0),
    keyVault: { name: 'kv-bench', cloud: 'PublicCloud' },
    cluster: { name: 'aks-bench', oidcIssuerUrl: 'https://westeurope.oic.prod-aks.azure.com/t/i/' },
    defaults: { refreshInterval: '1h', refreshPolicy: 'Periodic' },
    identities: [
      ...namespaces.map((ns, i) => ({ name: `${ns}-reader`, namespace: ns, clientId: uuid(i + 1) })),
      { name: 'shared-reader', namespace: 'external-secrets', clientId: uuid(99) },
    ],
    stores: [
      ...namespaces.map((ns) => ({ name: 'kv', kind: 'SecretStore', namespace: ns, identity: `${ns}-reader`, authType: 'WorkloadIdentity' })),
      { name: 'shared', kind: 'ClusterSecretStore', namespaces, identity: 'shared-reader', authType: 'WorkloadIdentity' },
    ].map((s, i) => (s.kind === 'SecretStore' ? { ...s, name: `kv-${i}` } : s)),
    secrets: Array.from({ length: n }, (_, i) => {
      const ns = namespaces[i % NAMESPACES]!;
      const base = {
        name: `app-${i}-credentials`,
        namespace: ns,
        store: i % 5 === 0 ? 'shared' : `kv-${i % NAMESPACES}`,
        data: { username: `app-${i}-username`, password: `app-${i}-password`, host: `app-${i}-host` },
      };
      return i % 4 === 0
        ? { ...base, template: { data: { AIRFLOW_CONN_APP: 'postgres://{{ .username }}:{{ .password }}@{{ .host }}:5432/app' } } }
        : base;
    }),
  };
  return stringify(catalogue);
}

/** Our pipeline: validate everything, build typed constructs, render and write files. */
function runOurs(text: string, out: string): number {
  const env = parseEnvironment(text, 'bench.yaml', { expectedName: 'bench', requireClientIds: true });
  const rendered = renderEnvironment(env);
  writeDist(out, [rendered]);
  return rendered.objects.length;
}

/** Baseline: the same objects as plain ApiObjects from the parsed YAML, no validation, same YAML writer. */
function runBaseline(text: string, out: string): number {
  const c = parse(text);
  const app = new App({ outdir: '/nonexistent' });
  const chart = new Chart(app, 'bench');
  const stores = new Map<string, any>(c.stores.map((s: any) => [s.name, s]));
  const identities = new Map<string, any>(c.identities.map((i: any) => [i.name, i]));
  for (const s of c.stores) {
    const id = identities.get(s.identity);
    new ApiObject(chart, `sa-${s.name}`, {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: id.serviceAccount ?? id.name,
        namespace: id.namespace,
        annotations: { 'azure.workload.identity/client-id': id.clientId, 'azure.workload.identity/tenant-id': c.tenantId },
      },
      automountServiceAccountToken: false,
    } as any);
    new ApiObject(chart, `store-${s.name}`, {
      apiVersion: 'external-secrets.io/v1',
      kind: s.kind,
      metadata: { name: s.name, namespace: s.namespace },
      spec: {
        provider: {
          azurekv: {
            authType: 'WorkloadIdentity',
            vaultUrl: keyVaultUrl(c.keyVault.name),
            environmentType: 'PublicCloud',
            serviceAccountRef: { name: id.serviceAccount ?? id.name, namespace: s.kind === 'ClusterSecretStore' ? id.namespace : undefined },
          },
        },
        conditions: s.namespaces ? [{ namespaces: s.namespaces }] : undefined,
      },
    });
  }
  for (const sec of c.secrets) {
    const store = stores.get(sec.store);
    new ApiObject(chart, `es-${sec.namespace}-${sec.name}`, {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: sec.name, namespace: sec.namespace },
      spec: {
        refreshInterval: '1h0m0s',
        refreshPolicy: 'Periodic',
        secretStoreRef: { kind: store.kind, name: store.name },
        target: {
          name: sec.name,
          creationPolicy: 'Owner',
          deletionPolicy: 'Retain',
          template: sec.template
            ? { engineVersion: 'v2', mergePolicy: 'Replace', type: 'Opaque', data: sec.template.data }
            : undefined,
        },
        data: Object.entries(sec.data).map(([secretKey, key]) => ({
          secretKey,
          remoteRef: { key, conversionStrategy: 'Default', decodingStrategy: 'None', metadataPolicy: 'None' },
        })),
      },
    });
  }
  const objects = chart.toJson();
  fs.mkdirSync(path.join(out, 'bench'), { recursive: true });
  fs.writeFileSync(path.join(out, 'bench', 'all.yaml'), toYaml('bench', objects));
  return objects.length;
}

interface Sample {
  readonly ms: number;
  readonly rssMiB: number;
  readonly objects: number;
}

function child(mode: 'ours' | 'baseline', n: number): Sample {
  const text = benchCatalogue(n);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${mode}-`));
  const t0 = process.hrtime.bigint();
  const objects = mode === 'ours' ? runOurs(text, out) : runBaseline(text, out);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  fs.rmSync(out, { recursive: true, force: true });
  return { ms, rssMiB: process.resourceUsage().maxRSS / 1024, objects };
}

function measure(mode: 'ours' | 'baseline', n: number): Sample {
  const tsx = path.join(projectRoot(), 'node_modules', '.bin', 'tsx');
  const samples: Sample[] = [];
  for (let r = 0; r < RUNS; r++) {
    const outText = execFileSync(tsx, [__filename, '--child', mode, String(n)], { encoding: 'utf8' });
    samples.push(JSON.parse(outText.trim().split('\n').pop()!) as Sample);
  }
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
  return { ms, rssMiB: Math.max(...samples.map((s) => s.rssMiB)), objects: samples[0]!.objects };
}

function main(argv: string[]): void {
  if (argv[0] === '--child') {
    console.log(JSON.stringify(child(argv[1] as 'ours' | 'baseline', Number(argv[2]))));
    return;
  }
  const rows: string[] = [];
  for (const n of SIZES) {
    const base = measure('baseline', n);
    const ours = measure('ours', n);
    rows.push(
      `| ${n.toLocaleString('en-US')} | ${ours.objects.toLocaleString('en-US')} | ${ours.ms.toFixed(0)} | ${base.ms.toFixed(0)} | ${(ours.ms / base.ms).toFixed(2)}x | ${ours.rssMiB.toFixed(0)} | ${base.rssMiB.toFixed(0)} |`,
    );
    console.error(`${n} secrets: ours ${ours.ms.toFixed(0)} ms / ${ours.rssMiB.toFixed(0)} MiB, baseline ${base.ms.toFixed(0)} ms / ${base.rssMiB.toFixed(0)} MiB`);
  }
  const table = [
    '| secrets | objects | ours (ms) | baseline (ms) | ours / baseline | ours peak RSS (MiB) | baseline peak RSS (MiB) |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
  console.log(table);
  if (argv.includes('--write')) {
    const doc = path.join(projectRoot(), 'docs', 'benchmark.md');
    const text = fs.readFileSync(doc, 'utf8');
    const begin = '<!-- bench:begin -->';
    const end = '<!-- bench:end -->';
    const stamp = `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} cores, Node ${process.version}, ${RUNS} runs each (median time, largest peak RSS).`;
    fs.writeFileSync(doc, text.replace(new RegExp(`${begin}[\\s\\S]*${end}`), `${begin}\n${stamp}\n\n${table}\n${end}`));
    console.error(`wrote ${path.relative(process.cwd(), doc)}`);
  }
}

if (require.main === module) main(process.argv.slice(2));
