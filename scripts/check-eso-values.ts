/**
 * `npx tsx scripts/check-eso-values.ts <chart-dir>`: checks the Helm values the stack sends to the
 * external-secrets chart against that chart's own `values.schema.json` and `values.yaml`, for every catalogue
 * environment (typed defaults plus `infra.eso.values`).
 *
 * The chart's schema leaves unknown top-level keys open, so a misspelt key would be ignored by Helm without a
 * word: this script also refuses every key path the chart does not declare.
 *
 * `<chart-dir>` holds `values.yaml` and `values.schema.json` of chart 2.9.0, e.g. from
 * `helm pull external-secrets --repo https://charts.external-secrets.io --version 2.9.0 --untar`
 * (then pass `external-secrets/`), or a folder with `chart-values.yaml` and `chart-values.schema.json`.
 *
 * Exit codes: 0 valid; 1 problems found; 2 usage error.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { parse } from 'yaml';
import { controllerIdentity, loadEnvironments } from '../config';
import { esoReleaseValues } from '../infra/external-secrets-operator';

type Json = Record<string, unknown>;

function read(dir: string, names: readonly string[]): string {
  for (const n of names) {
    const f = path.join(dir, n);
    if (fs.existsSync(f)) return fs.readFileSync(f, 'utf8');
  }
  throw new Error(`${dir}: none of ${names.join(', ')} found`);
}

/** Key paths in `values` that neither the chart's defaults nor its schema declare. */
export function undeclaredKeys(values: unknown, defaults: unknown, schema: Json | undefined, at: string[] = []): string[] {
  if (typeof values !== 'object' || values === null || Array.isArray(values)) return [];
  const props = (schema?.properties as Record<string, Json> | undefined) ?? undefined;
  const defaultsObj = typeof defaults === 'object' && defaults !== null && !Array.isArray(defaults) ? (defaults as Json) : undefined;
  // A free-form map in the chart (labels, annotations, resources): anything goes below it.
  const freeForm = !props && (!defaultsObj || Object.keys(defaultsObj).length === 0);
  if (freeForm) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(values as Json)) {
    const known = (props && k in props) || (defaultsObj && k in defaultsObj);
    if (!known) out.push([...at, k].join('.'));
    else out.push(...undeclaredKeys(v, defaultsObj?.[k], props?.[k], [...at, k]));
  }
  return out;
}

export function main(argv: readonly string[]): number {
  const dir = argv[0];
  if (!dir) {
    console.error('usage: check-eso-values <chart-dir with values.yaml and values.schema.json>');
    return 2;
  }
  const defaults = parse(read(dir, ['values.yaml', 'chart-values.yaml'])) as Json;
  const schema = JSON.parse(read(dir, ['values.schema.json', 'chart-values.schema.json'])) as Json;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const validate = ajv.compile(schema);
  let problems = 0;
  for (const env of loadEnvironments()) {
    const controller = controllerIdentity(env);
    const values = esoReleaseValues(env, { controllerClientId: controller ? '00000000-0000-4000-8000-000000000000' : undefined });
    const errors = validate(values) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
    const unknown = undeclaredKeys(values, defaults, schema).map((k) => `${k}: not a key of the chart`);
    for (const p of [...errors, ...unknown]) console.error(`${env.environment}: ${p}`);
    problems += errors.length + unknown.length;
    console.log(`${env.environment}: ${errors.length + unknown.length === 0 ? 'valid' : 'INVALID'} (${JSON.stringify(values).length} bytes of values)`);
  }
  return problems === 0 ? 0 : 1;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
