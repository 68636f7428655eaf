/**
 * The request-budget verdict as a user reads it, shared by `npm run synth` and `pulumi preview`: both refuse a
 * catalogue whose vaults are over budget, with the same lines.
 */
import { budgetViolations, computeBudgets, describeCost } from './budget';
import { formatProblem } from './errors';
import { locateFindings } from './load';
import type { Environment } from './schema';

/**
 * Lines describing every vault over its request budget, each followed by its costliest secrets located in the
 * catalogue; empty when every vault is within budget.
 * @see ./budget.ts
 */
export function budgetReport(envs: readonly Environment[], dir: string): string[] {
  // Only the environments being synthesized: a vault shared with one left out is checked when that one is too.
  const lines: string[] = [];
  for (const violation of computeBudgets(envs).flatMap((b) => budgetViolations(b))) {
    lines.push(`  ${violation.message}; costliest:`);
    for (const cost of violation.costliest) {
      const [problem] = locateFindings(cost.environment, [{ path: cost.path, message: describeCost(cost) }], { dir });
      lines.push(`    ${formatProblem(problem!)}`);
    }
  }
  return lines;
}

