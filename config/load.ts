/**
 * Reading catalogue files: YAML → schema → cross-field rules, with every problem of a file reported together
 * and located by line and column.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { closest } from 'fastest-levenshtein';
import { Document, LineCounter, isMap, isPair, isScalar, parseDocument } from 'yaml';
import type { z } from 'zod';
import { CatalogueError, FieldPath, Problem } from './errors';
import { Environment, EnvironmentSchema } from './schema';
import { ValidateOptions, validateEnvironment } from './validate';
import type { Finding } from './secret-keys';

/** The project root: the nearest folder above this file that holds a package.json. */
export function projectRoot(start: string = __dirname): string {
  let dir = start;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
  return dir;
}

/** Where environment files live: `<root>/environments/<name>.yaml`. */
export function defaultCatalogueDir(): string {
  return path.join(projectRoot(), 'environments');
}

/** Environment names in a catalogue folder, sorted. */
export function listEnvironments(dir: string = defaultCatalogueDir()): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

/** Options for loading. */
export interface LoadOptions extends Omit<ValidateOptions, 'expectedName'> {
  /** Catalogue folder. @default `<project root>/environments` */
  readonly dir?: string;
}

/** Loads and validates `environments/<name>.yaml`; throws {@link CatalogueError} listing every problem. */
export function loadEnvironment(name: string, options: LoadOptions = {}): Environment {
  const dir = options.dir ?? defaultCatalogueDir();
  const known = listEnvironments(dir);
  if (!known.includes(name)) {
    throw new CatalogueError([
      {
        file: displayPath(dir),
        path: [],
        message: `${JSON.stringify(name)} is not an environment (valid: ${known.map((k) => JSON.stringify(k)).join(', ') || 'none'})`,
      },
    ]);
  }
  const file = path.join(dir, `${name}.yaml`);
  return parseEnvironment(fs.readFileSync(file, 'utf8'), displayPath(file), { ...options, expectedName: name });
}

/**
 * Loads every named environment (all of the folder by default), collecting the problems of all files into
 * one error, so a user sees everything wrong in one run.
 */
export function loadEnvironments(names?: readonly string[], options: LoadOptions = {}): Environment[] {
  const dir = options.dir ?? defaultCatalogueDir();
  const wanted = names && names.length > 0 ? names : listEnvironments(dir);
  const problems: Problem[] = [];
  const envs: Environment[] = [];
  for (const name of wanted) {
    try {
      envs.push(loadEnvironment(name, { ...options, dir }));
    } catch (e) {
      if (e instanceof CatalogueError) problems.push(...e.problems);
      else throw e;
    }
  }
  if (problems.length > 0) throw new CatalogueError(problems);
  return envs;
}

/** Parses and validates catalogue text; `file` is used in messages only. */
export function parseEnvironment(text: string, file: string, options: ValidateOptions = {}): Environment {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (p: FieldPath, message: string, key?: string): Problem => {
    const pos = locate(doc, lineCounter, p, key);
    return { file, path: key === undefined ? p : [...p, key], message, ...pos };
  };

  if (doc.errors.length > 0) {
    throw new CatalogueError(
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return { file, path: [], message: `not valid YAML: ${e.message.split('\n')[0]}`, line: pos.line, column: pos.col };
      }),
    );
  }

  const raw = doc.toJS() as unknown;
  const parsed = EnvironmentSchema.safeParse(raw ?? {}, { reportInput: true });
  if (!parsed.success) {
    const problems: Problem[] = [];
    for (const issue of parsed.error.issues) {
      for (const { path: p, message, key } of describeIssue(issue, [], raw)) problems.push(at(p, message, key));
    }
    throw new CatalogueError(problems);
  }

  const findings = validateEnvironment(parsed.data, options);
  if (findings.length > 0) throw new CatalogueError(findings.map((f) => at(f.path, f.message)));
  return parsed.data;
}

/**
 * Ties findings about an already loaded environment (field paths) to its file, line and column: for tools that
 * check a catalogue against something else (Key Vault, the cluster, the request budget) and report like the loader.
 */
export function locateFindings(name: string, findings: readonly Finding[], options: { readonly dir?: string } = {}): Problem[] {
  const file = path.join(options.dir ?? defaultCatalogueDir(), `${name}.yaml`);
  const shown = displayPath(file);
  let doc: Document | undefined;
  const lineCounter = new LineCounter();
  try {
    doc = parseDocument(fs.readFileSync(file, 'utf8'), { lineCounter, prettyErrors: false });
  } catch {
    doc = undefined;
  }
  return findings.map((f) => ({ file: shown, path: f.path, message: f.message, ...(doc ? locate(doc, lineCounter, f.path) : {}) }));
}

interface Described {
  readonly path: FieldPath;
  readonly message: string;
  /** For unknown fields: the key, so the location points at it. */
  readonly key?: string;
}

/** Turns one zod issue into user-facing messages: the bad value, then what is allowed. */
function describeIssue(issue: z.core.$ZodIssue, prefix: FieldPath, root: unknown): Described[] {
  const p = [...prefix, ...(issue.path as Array<string | number>)];
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = allowedKeys(p, root);
      return issue.keys.map((key) => {
        const hint = allowed.length > 0 ? `; did you mean ${JSON.stringify(closest(key, allowed))}?` : '';
        return { path: p, key, message: `unknown field (allowed: ${allowed.join(', ')})${hint}` };
      });
    }
    case 'invalid_key': {
      const inner = issue.issues[0];
      return [{ path: p, message: `key ${JSON.stringify(input)} ${inner?.message ?? 'is not allowed'}` }];
    }
    case 'invalid_union': {
      // Report the branch that matched the value's shape (no type or field mismatch at its root), else the
      // union's own message about the value found there.
      const actual = valueAt(root, p);
      const best = issue.errors.find(
        (errs) =>
          errs.length > 0 &&
          !errs.some((e) => e.path.length === 0 && (e.code === 'invalid_type' || e.code === 'unrecognized_keys')),
      );
      if (best && actual !== undefined) return best.flatMap((e) => describeIssue(e, p, root));
      const shown = actual === undefined ? 'missing' : JSON.stringify(actual);
      return [{ path: p, message: issue.errors.length === 0 ? `${shown} is not allowed: ${issue.message}` : `${shown} ${issue.message}` }];
    }
    case 'invalid_type':
      if (input === undefined) return [{ path: p, message: `missing (required: ${issue.expected})` }];
      return [{ path: p, message: `${JSON.stringify(input)} is not ${article(issue.expected)}` }];
    case 'invalid_value': {
      if (issue.message.startsWith('Invalid')) {
        const allowed = issue.values.map((v) => JSON.stringify(v)).join(', ');
        return [{ path: p, message: `${input === undefined ? 'missing' : JSON.stringify(input)} is not allowed (allowed: ${allowed})` }];
      }
      return [{ path: p, message: `${input === undefined ? 'missing' : JSON.stringify(input)}: ${issue.message}` }];
    }
    case 'too_small':
    case 'too_big':
      return [{ path: p, message: issue.message.startsWith('Too') ? `${JSON.stringify(input)}: ${issue.message.toLowerCase()}` : issue.message }];
    default:
      return [{ path: p, message: `${JSON.stringify(input)} ${issue.message}` }];
  }
}

function valueAt(root: unknown, p: FieldPath): unknown {
  let v = root;
  for (const part of p) v = (v as Record<string | number, unknown> | undefined)?.[part];
  return v;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** The field names the schema allows for the object at `p` (walking the zod schema by path). */
function allowedKeys(p: FieldPath, root: unknown): string[] {
  let schema: unknown = EnvironmentSchema;
  let value: unknown = root;
  const step = (s: unknown): unknown => unwrap(s, value);
  schema = step(schema);
  for (const part of p) {
    value = (value as Record<string | number, unknown> | undefined)?.[part];
    const def = (schema as { _zod: { def: Record<string, unknown> } })._zod.def;
    if (def.type === 'object') schema = (def.shape as Record<string, unknown>)[String(part)];
    else if (def.type === 'array') schema = def.element;
    else if (def.type === 'record') schema = def.valueType;
    else return [];
    schema = step(schema);
    if (!schema) return [];
  }
  const def = (schema as { _zod: { def: Record<string, unknown> } })._zod.def;
  return def.type === 'object' ? Object.keys(def.shape as object).filter((k) => k !== '$schema') : [];
}

/** Strips optional/default wrappers and picks the union branch that fits `value`. */
function unwrap(schema: unknown, value: unknown): unknown {
  let s = schema as { _zod: { def: Record<string, unknown> } } | undefined;
  for (;;) {
    if (!s) return undefined;
    const def = s._zod.def;
    if (def.type === 'optional' || def.type === 'default' || def.type === 'nullable' || def.type === 'prefault') {
      s = def.innerType as typeof s;
    } else if (def.type === 'union') {
      const options = def.options as Array<typeof s>;
      const keys = value && typeof value === 'object' ? Object.keys(value) : [];
      const score = (o: typeof s): number => {
        const d = o!._zod.def;
        if (d.type !== 'object') return -1;
        const shape = d.shape as Record<string, { _zod: { def: { type: string; values?: unknown[] } } }>;
        let n = keys.filter((k) => k in shape).length;
        const kind = (value as Record<string, unknown> | undefined)?.kind;
        if (shape.kind?._zod.def.type === 'literal' && shape.kind._zod.def.values?.includes(kind)) n += 100;
        return n;
      };
      s = [...options].sort((a, b) => score(b) - score(a))[0];
    } else return s;
  }
}

/** Line and column of the node at `p` (or of the key `key` inside it). */
function locate(doc: Document, lc: LineCounter, p: FieldPath, key?: string): { line?: number; column?: number } {
  let node: unknown = doc.getIn(p, true);
  let probe = [...p];
  while (!node && probe.length > 0) {
    probe = probe.slice(0, -1);
    node = probe.length === 0 ? doc.contents : doc.getIn(probe, true);
  }
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && it.key.value === key);
    if (pair && isScalar(pair.key)) node = pair.key;
  } else if (p.length > 0 && probe.length === p.length && isMap(doc.getIn(p.slice(0, -1), true))) {
    // Point at the key of a mapping entry rather than its value, which may span many lines.
    const parent = doc.getIn(p.slice(0, -1), true);
    const last = p[p.length - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((it) => isPair(it) && isScalar(it.key) && it.key.value === last);
      if (pair && isScalar(pair.key)) node = pair.key;
    }
  }
  const range = (node as { range?: [number, number, number] } | undefined)?.range;
  if (!range) return {};
  const pos = lc.linePos(range[0]);
  return { line: pos.line, column: pos.col };
}

function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}
