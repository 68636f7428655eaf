/**
 * Validates every ESO object under `dist/` against the OpenAPI schema of the ESO v2.9.0 CRDs (the served `v1`
 * version), the way the API server would, plus one stricter rule: a field the CRD does not define is an error
 * (the API server would silently prune it, and the manifest would not mean what it says).
 *
 *   npm run check:crds -- [--bundle path/to/crds-bundle.yaml]
 *
 * The bundle is read from `--bundle`, from `../shared/vendor/...` beside the project, or downloaded from the
 * release, and checked against the release's git blob id (scripts/_eso-crds.ts). Not part of `npm test`, which
 * must pass offline without the bundle; the generated bindings give the same guarantee at compile time.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { parseAllDocuments } from 'yaml';
import { projectRoot } from '../config/load';
import { readVerifiedBundle, servedCrds } from './_eso-crds';

/** Kubernetes structural schema → JSON Schema: closes objects that list their properties. */
function strict(schema: any): any {
  if (Array.isArray(schema)) return schema.map(strict);
  if (!schema || typeof schema !== 'object') return schema;
  const out: any = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k.startsWith('x-kubernetes-')) continue;
    out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, strict(s)])) : strict(v);
  }
  if (schema['x-kubernetes-int-or-string']) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (schema.properties && schema.additionalProperties === undefined && !schema['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  return out;
}

async function main(argv: string[]): Promise<number> {
  const i = argv.indexOf('--bundle');
  const root = projectRoot();
  const crds = servedCrds(await readVerifiedBundle(root, i >= 0 ? argv[i + 1] : undefined));
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
  const validators = new Map(
    crds.map((crd) => {
      const v = crd.spec.versions.find((x) => x.name === 'v1')!;
      const schema = strict(v.schema!.openAPIV3Schema);
      // metadata is validated by the API server's ObjectMeta rules, not the CRD schema.
      schema.properties.metadata = { type: 'object' };
      return [crd.spec.names.kind, ajv.compile(schema)] as const;
    }),
  );
  const dist = path.join(root, 'dist');
  let checked = 0;
  const problems: string[] = [];
  const files = fs.readdirSync(dist, { recursive: true }).map(String).filter((f) => f.endsWith('.yaml')).sort();
  for (const file of files) {
    for (const doc of parseAllDocuments(fs.readFileSync(path.join(dist, file), 'utf8'))) {
      const o = doc.toJS();
      if (!o?.apiVersion?.startsWith('external-secrets.io/')) continue;
      checked++;
      if (o.apiVersion !== 'external-secrets.io/v1') {
        problems.push(`${file}: ${o.kind} ${o.metadata?.name}: apiVersion ${o.apiVersion} is not served by ESO v2.9.0 (use external-secrets.io/v1)`);
        continue;
      }
      const validate = validators.get(o.kind);
      if (!validate) {
        problems.push(`${file}: ${o.kind} ${o.metadata?.name}: no CRD for this kind`);
      } else if (!validate(o)) {
        for (const e of validate.errors ?? []) {
          problems.push(`${file}: ${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name}${e.instancePath}: ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${e.params.additionalProperty})` : ''}`);
        }
      }
    }
  }
  for (const p of problems) console.error(p);
  console.log(`check:crds: ${checked} ESO objects in ${files.length} files checked against ESO v2.9.0 CRDs: ${problems.length} problem(s)`);
  return problems.length === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e: Error) => {
    console.error(`check:crds: ${e.message}`);
    process.exitCode = 2;
  },
);
