import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { projectRoot } from '../../config';

export const DIST = path.join(projectRoot(), 'dist');

/** Files under a folder, relative, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out.sort();
}

/** Every YAML document under dist/ as JS objects, with the file they came from. */
export function distObjects(): Array<{ file: string; object: any }> {
  const out: Array<{ file: string; object: any }> = [];
  for (const file of listFiles(DIST).filter((f) => f.endsWith('.yaml'))) {
    for (const doc of parseAllDocuments(fs.readFileSync(path.join(DIST, file), 'utf8'))) {
      const object = doc.toJS();
      if (object) out.push({ file, object });
    }
  }
  return out;
}
