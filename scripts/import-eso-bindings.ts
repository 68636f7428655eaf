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
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { projectRoot } from '../config/load';
import { ESO_CRD_SOURCE, IMPORTED_KINDS, readVerifiedBundle, servedCrds } from './_eso-crds';

async function main(argv: string[]): Promise<void> {
  const i = argv.indexOf('--bundle');
  const explicit = i >= 0 ? argv[i + 1] : undefined;
  const root = projectRoot();
  const crds = servedCrds(await readVerifiedBundle(root, explicit));
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
