/**
 * Renders the subset of Go text/template that generated connection templates use, with the semantics of Go's
 * standard library and sprig, so tests can feed real-looking values through a template and parse the result the
 * way Airflow does:
 *
 * - actions `{{ "literal" }}`, `{{ .key | f ... }}` and `{{ index . "key" | f ... }}`;
 * - `urlquery` (Go `url.QueryEscape`: everything but `A-Za-z0-9-_.~` percent-encoded, space as `+`);
 * - `replace OLD NEW` (sprig: `strings.Replace(src, OLD, NEW, -1)`);
 * - `toJson` (sprig: `json.Marshal`, which also escapes `<`, `>`, `&`, U+2028 and U+2029).
 *
 * Anything else throws, so a template using a construct this model does not know fails the test loudly.
 */

function urlquery(s: string): string {
  const bytes = Buffer.from(s, 'utf8');
  let out = '';
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function toJson(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Go string literals as the generator writes them (JSON-compatible escapes). */
function goString(token: string): string {
  return JSON.parse(token) as string;
}

function tokenize(action: string): string[] {
  const tokens = action.match(/"(?:[^"\\]|\\.)*"|\||[^\s|]+/g);
  if (!tokens) throw new Error(`empty action {{${action}}}`);
  return tokens;
}

function evalAction(action: string, data: Readonly<Record<string, string>>): string {
  const commands: string[][] = [[]];
  for (const t of tokenize(action)) {
    if (t === '|') commands.push([]);
    else commands[commands.length - 1]!.push(t);
  }
  const [first, ...rest] = commands;
  const lookup = (key: string) => {
    if (!(key in data)) throw new Error(`map has no entry for key "${key}"`);
    return data[key]!;
  };
  let value: string;
  if (first!.length === 1 && first![0]!.startsWith('"')) value = goString(first![0]!);
  else if (first!.length === 1 && /^\.[A-Za-z_][A-Za-z0-9_]*$/.test(first![0]!)) value = lookup(first![0]!.slice(1));
  else if (first!.length === 3 && first![0] === 'index' && first![1] === '.') value = lookup(goString(first![2]!));
  else throw new Error(`unsupported command ${first!.join(' ')}`);
  for (const cmd of rest) {
    const [fn, ...args] = cmd;
    if (fn === 'urlquery' && args.length === 0) value = urlquery(value);
    else if (fn === 'toJson' && args.length === 0) value = toJson(value);
    else if (fn === 'replace' && args.length === 2) value = value.split(goString(args[0]!)).join(goString(args[1]!));
    else throw new Error(`unsupported function ${cmd.join(' ')}`);
  }
  return value;
}

/** Executes `template` with `data` (ESO engine v2 passes every fetched value as a string). */
export function renderGoTemplate(template: string, data: Readonly<Record<string, string>>): string {
  let out = '';
  let rest = template;
  for (;;) {
    const open = rest.indexOf('{{');
    if (open < 0) return out + rest;
    out += rest.slice(0, open);
    // An action ends at the first "}}" outside a string literal.
    const m = /^\{\{((?:"(?:[^"\\]|\\.)*"|[^"}]|\}(?!\}))*)\}\}/.exec(rest.slice(open));
    if (!m) throw new Error(`unterminated action in ${JSON.stringify(rest.slice(open))}`);
    out += evalAction(m[1]!.trim(), data);
    rest = rest.slice(open + m[0].length);
  }
}
