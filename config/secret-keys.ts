/**
 * What a catalogue secret puts in its Kubernetes Secret, and the finding type the cross-field rules return.
 * A leaf module: the rules of every area (validate.ts, airflow.ts) import it, never each other.
 */
import type { FieldPath } from './errors';
import type { SecretEntry } from './schema';

/** A problem before it is tied to a file. */
export interface Finding {
  readonly path: FieldPath;
  readonly message: string;
}

/** Template variables a Go template reads from the fetched data: `{{ .password }}`, `{{ index . "a-b" }}`. */
export function templateReferences(template: string): string[] {
  const refs = new Set<string>();
  for (const m of template.matchAll(/\{\{[^}]*\}\}/g)) {
    for (const v of m[0].matchAll(/(?<![\w)\]])\.([A-Za-z_][A-Za-z0-9_]*)/g)) refs.add(v[1]!);
    for (const v of m[0].matchAll(/index\s+\.\s+"([^"]+)"/g)) refs.add(v[1]!);
  }
  return [...refs];
}

/**
 * The keys the target Secret will hold, or `undefined` when they depend on Key Vault contents (dataFrom).
 */
export function outputKeys(secret: SecretEntry): string[] | undefined {
  const fetched = Object.keys(secret.data ?? {});
  const templated = Object.keys(secret.template?.data ?? {});
  if (secret.template?.data && secret.template.mergePolicy === 'Replace') return templated.sort();
  if (secret.dataFrom && secret.dataFrom.length > 0) return undefined;
  return [...new Set([...fetched, ...templated])].sort();
}

