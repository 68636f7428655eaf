import { Construct } from 'constructs';
import { FormatRule, describeViolation, matches } from '../config';

/** Records one problem with a prop: `field` is the prop path, `message` says what is wrong and allowed. */
export type ProblemSink = (field: string, message: string) => void;

/**
 * Runs `check` and throws one error listing every problem it reported, each prefixed with the construct path,
 * so a caller fixes all props in one pass. Called before any child is created.
 */
export function collectProblems(scope: Construct, check: (problem: ProblemSink) => void): void {
  const problems: string[] = [];
  check((field, message) => problems.push(`${scope.node.path}: ${field}: ${message}`));
  if (problems.length === 1) throw new Error(problems[0]);
  if (problems.length > 1) throw new Error(`${problems.length} problems:\n  ${problems.join('\n  ')}`);
}

/** Reports a violation of `rule` by `value` (missing values too). */
export function ruleCheck(problem: ProblemSink, rule: FormatRule, value: unknown, field: string): void {
  if (typeof value !== 'string') {
    problem(field, value === undefined ? `missing (${rule.allowed})` : describeViolation(rule, value));
  } else if (!matches(rule, value)) {
    problem(field, describeViolation(rule, value));
  }
}
