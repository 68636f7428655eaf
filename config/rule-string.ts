/**
 * Zod string schemas for the format rules of `rules.ts`, shared by every section schema of the catalogue so a
 * bad value reads the same wherever it appears. A leaf module: the section schemas import it, never each other.
 */
import { z } from 'zod';
import { FormatRule, matches } from './rules';

/** A string schema for a format rule; the message is the rule's, so every tool reports it alike. */
export function ruleString(r: FormatRule, description?: string) {
  const message = `is not ${r.noun} (${r.allowed})`;
  let s = z.string({ error: `must be a string: ${r.allowed}` });
  // JSON Schema patterns have no flags: a case-insensitive rule is checked by the refinement alone.
  // abort: a value that breaks the pattern is reported once, not again by the extra check.
  if (!r.pattern.flags) s = s.regex(r.pattern, { error: message, abort: true });
  if (r.check || r.pattern.flags) s = s.refine((v) => matches(r, v), { error: message }) as unknown as typeof s;
  return description ? s.meta({ description }) : s;
}
