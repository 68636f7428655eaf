/**
 * Regenerates the ESO bindings in `constructs/imports/` with `cdk8s import`.
 *
 * Source: external-secrets/external-secrets, tag v2.9.0, `deploy/crds/bundle.yaml` (the release's CRD bundle).
 * Pass a local copy with `--bundle <file>` (its git blob id is checked against the release); without one the
 * script looks for `../shared/vendor/external-secrets/v2.9.0/crds-bundle.yaml`, then downloads the release
 * file. Only the kinds we use are imported, and only the versions ESO serves (`v1`), so the bindings stay
 * small and cannot emit `v1beta1`.
 *
 *   npm run import:eso -- [--bundle path/to/bundle.yaml]
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { projectRoot } from '../config/load';

export const ESO_CRD_SOURCE = {
  repository: 'external-secrets/external-secrets',
  tag: 'v2.9.0',
  path: 'deploy/crds/bundle.yaml',
  url: 'https://raw.githubusercontent.com/external-secrets/external-secrets/v2.9.0/deploy/crds/bundle.yaml',
  /** `git hash-object` of the file at the tag. */
  gitBlobId: '1167ab01c9a02e89fc44675888ab2c18f40c28a1',
} as const;

export const IMPORTED_KINDS = ['ExternalSecret', 'ClusterExternalSecret', 'SecretStore', 'ClusterSecretStore'];

function gitBlobId(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

async function readBundle(root: string, explicit?: string): Promise<Buffer> {
  const local = explicit ?? path.resolve(root, '..', 'shared', 'vendor', 'external-secrets', 'v2.9.0', 'crds-bundle.yaml');
  if (fs.existsSync(local)) {
    console.log(`reading ${local}`);
    return fs.readFileSync(local);
  }
  if (explicit) throw new Error(`--bundle ${explicit}: no such file`);
  console.log(`downloading ${ESO_CRD_SOURCE.url}`);
  const res = await fetch(ESO_CRD_SOURCE.url);
  if (!res.ok) throw new Error(`GET ${ESO_CRD_SOURCE.url}: ${res.status} ${res.statusText}`);
  return Buffer.from(await res.arrayBuffer());
}

async function main(argv: string[]): Promise<void> {
  const i = argv.indexOf('--bundle');
  const explicit = i >= 0 ? argv[i + 1] : undefined;
  const root = projectRoot();
  const bundle = await readBundle(root, explicit);
  const id = gitBlobId(bundle);
  if (id !== ESO_CRD_SOURCE.gitBlobId) {
    throw new Error(
      `the CRD bundle's git blob id is ${id}, not ${ESO_CRD_SOURCE.gitBlobId} (${ESO_CRD_SOURCE.repository}@${ESO_CRD_SOURCE.tag}:${ESO_CRD_SOURCE.path}); refusing to generate from another version`,
    );
  }
  const crds = parseAllDocuments(bundle.toString('utf8'))
    .map((d) => d.toJS() as { spec?: { names: { kind: string }; versions: Array<{ name: string; served: boolean }> } } | null)
    .filter((d): d is NonNullable<typeof d> => !!d?.spec && IMPORTED_KINDS.includes(d.spec.names.kind))
    .map((d) => ({ ...d, spec: { ...d.spec!, versions: d.spec!.versions.filter((v) => v.served) } }));
  const found = crds.map((d) => d.spec.names.kind).sort();
  if (found.length !== IMPORTED_KINDS.length) {
    throw new Error(`expected CRDs ${IMPORTED_KINDS.join(', ')} in the bundle, found ${found.join(', ')}`);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'eso-crds-'));
  const subset = path.join(tmp, 'external-secrets.yaml');
  fs.writeFileSync(subset, crds.map((d) => stringify(d)).join('---\n'));
  const out = path.join(root, 'constructs', 'imports');
  fs.rmSync(out, { recursive: true, force: true });
  execFileSync(path.join(root, 'node_modules', '.bin', 'cdk8s'), ['import', subset, '--language', 'typescript', '--output', out, '--no-check-upgrade'], {
    cwd: root,
    stdio: 'inherit',
  });
  fs.rmSync(tmp, { recursive: true, force: true });
  console.log(`wrote ${path.relative(root, out)} (${found.join(', ')}; served versions only) from ${ESO_CRD_SOURCE.repository}@${ESO_CRD_SOURCE.tag}`);
}

main(process.argv.slice(2)).catch((e: Error) => {
  console.error(`import:eso: ${e.message}`);
  process.exit(2);
});
