/**
 * Problems found in a catalogue, and the error that carries all of them at once.
 */

/** A path into a catalogue document: object keys and array indices. */
export type FieldPath = ReadonlyArray<string | number>;

/** One thing wrong with a catalogue file. */
export interface Problem {
  /** File the problem is in, relative to the project root where possible. */
  readonly file: string;
  /** Field path inside the file; empty for the document itself. */
  readonly path: FieldPath;
  /** What is wrong: the bad value and what is allowed. */
  readonly message: string;
  /** 1-based line and column of the field, when the file was parsed from YAML. */
  readonly line?: number;
  readonly column?: number;
}

/** `secrets[3].data.password`, `data["a/b"]` for keys that are not identifiers. */
export function formatPath(path: FieldPath): string {
  if (path.length === 0) return '(document)';
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

/** `environments/prod.yaml:12:7: secrets[3].data.password: "sales_pw" is not ...`. */
export function formatProblem(p: Problem): string {
  const where = p.line !== undefined ? `${p.file}:${p.line}:${p.column ?? 1}` : p.file;
  return `${where}: ${formatPath(p.path)}: ${p.message}`;
}

/** Thrown when a catalogue (or a set of them) is invalid; `message` lists every problem, one a line. */
export class CatalogueError extends Error {
  public readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[]) {
    const lines = problems.map(formatProblem);
    const files = [...new Set(problems.map((p) => p.file))];
    super(
      `${problems.length} problem${problems.length === 1 ? '' : 's'} in ${files.join(', ')}:\n` +
        lines.map((l) => `  ${l}`).join('\n'),
    );
    this.name = 'CatalogueError';
    this.problems = problems;
  }
}
