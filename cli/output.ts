/**
 * How the CLI talks: aligned tables for people (colour only on a terminal), JSON for machines, and the exit
 * codes every command shares.
 */
import { styleText } from 'node:util';

/** Exit codes of every command. */
export const EXIT = {
  /** Everything checked is fine. */
  OK: 0,
  /** The check ran and found problems. */
  PROBLEMS: 1,
  /** The check could not run: bad usage, an unreadable catalogue, or no connection (auth, network, timeout). */
  ERROR: 2,
} as const;

/** Where a command writes, and whether it may use colour. */
export interface Output {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Colour (ANSI) allowed: stdout is a terminal and NO_COLOR is not set, unless --no-color. */
  readonly color: boolean;
}

/** The process's own stdout/stderr; colour only on a TTY without NO_COLOR. */
export function processOutput(noColor = false): Output {
  return {
    out: (t) => void process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => void process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
    color: !noColor && process.stdout.isTTY === true && !process.env.NO_COLOR && process.env.TERM !== 'dumb',
  };
}

/** The tones a cell may have; mapped to colours on a terminal only. */
export type Tone = 'ok' | 'warn' | 'bad' | 'dim' | 'plain';

const STYLE: Record<Exclude<Tone, 'plain'>, Parameters<typeof styleText>[0]> = {
  ok: 'green',
  warn: 'yellow',
  bad: ['red', 'bold'],
  dim: 'gray',
};

/** A table cell: text and an optional tone. */
export type Cell = string | { readonly text: string; readonly tone: Tone };

/** `text` in `tone` when colour is allowed. */
export function paint(text: string, tone: Tone, color: boolean): string {
  if (!color || tone === 'plain') return text;
  return styleText(STYLE[tone], text, { validateStream: false });
}

/**
 * Columns padded to their widest cell (measured without colour), headers upper-case, two spaces apart. The last
 * column is not padded, so long messages do not drag trailing blanks.
 */
export function table(headers: readonly string[], rows: ReadonlyArray<readonly Cell[]>, color: boolean): string {
  const text = (c: Cell | undefined) => (c === undefined ? '' : typeof c === 'string' ? c : c.text);
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => text(r[i]).length)));
  const line = (cells: readonly Cell[], header = false) =>
    headers
      .map((_, i) => {
        const c = cells[i];
        const raw = text(c);
        const padded = i === headers.length - 1 ? raw : raw.padEnd(widths[i]!);
        if (header) return paint(padded, 'dim', color);
        return typeof c === 'object' ? paint(padded, c.tone, color) : padded;
      })
      .join('  ')
      .trimEnd();
  return [line(headers, true), ...rows.map((r) => line(r))].join('\n');
}

/** Stable, indented JSON with a trailing newline. */
export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** `1 problem`, `2 problems`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** An error that ends a command with exit code 2 and a one-line message (usage, connection, auth). */
export class CliError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}
