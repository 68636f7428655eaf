/**
 * Go `time.Duration` strings, as ESO reads `refreshInterval`.
 *
 * Manifests carry the canonical form Go prints (`1h0m0s`, `30m0s`), which is what the API server shows back
 * after ESO defaults the field, so a GitOps diff never flaps between `1h` and `1h0m0s`.
 */
import { GO_DURATION, matches } from './rules';

const UNIT_NS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  'µs': 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** Nanoseconds in a Go duration string; throws on a malformed one. */
export function parseGoDuration(value: string): number {
  if (!matches(GO_DURATION, value)) {
    throw new Error(`${JSON.stringify(value)} is not ${GO_DURATION.noun} (${GO_DURATION.allowed})`);
  }
  if (value === '0') return 0;
  let total = 0;
  for (const m of value.matchAll(/([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(m[1]) * UNIT_NS[m[2]!]!;
  }
  return Math.round(total);
}

/** Seconds in a Go duration string. */
export function goDurationSeconds(value: string): number {
  return parseGoDuration(value) / 1e9;
}

/**
 * The string Go's `Duration.String()` prints for whole-second durations (`1h0m0s`, `5m0s`, `45s`, `0s`);
 * sub-second durations keep Go's fractional form (`1.5s`, `500ms`).
 */
export function formatGoDuration(ns: number): string {
  if (ns === 0) return '0s';
  if (ns < 1e9) {
    if (ns < 1e3) return `${ns}ns`;
    if (ns < 1e6) return `${trim(ns / 1e3)}µs`;
    return `${trim(ns / 1e6)}ms`;
  }
  const h = Math.floor(ns / 3600e9);
  const rest = ns - h * 3600e9;
  const m = Math.floor(rest / 60e9);
  const s = (rest - m * 60e9) / 1e9;
  if (h > 0) return `${h}h${m}m${trim(s)}s`;
  if (m > 0) return `${m}m${trim(s)}s`;
  return `${trim(s)}s`;
}

/** Canonical Go form of a duration string: `1h` → `1h0m0s`. */
export function canonicalGoDuration(value: string): string {
  return formatGoDuration(parseGoDuration(value));
}

function trim(n: number): string {
  return String(Number(n.toFixed(9)));
}
