/**
 * Writes `schema/environment.schema.json`, the JSON Schema of the catalogue (from the zod schema in
 * `config/schema.ts`). Editors pick it up through the `yaml-language-server: $schema=` line of each file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { environmentJsonSchema, projectRoot } from '../config';

export const SCHEMA_FILE = path.join('schema', 'environment.schema.json');

export function renderSchema(): string {
  return `${JSON.stringify(environmentJsonSchema(), null, 2)}\n`;
}

if (require.main === module) {
  const out = path.join(projectRoot(), SCHEMA_FILE);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, renderSchema());
  console.log(`wrote ${SCHEMA_FILE}`);
}
