/** `budget`: the request model of ../config/budget.ts, rendered per vault. */
import {
  BudgetAssumptions,
  Environment,
  KEY_VAULT_LIST_PAGE_SIZE,
  VaultBudget,
  budgetViolations,
  computeBudgets,
  formatPercent,
  formatProblem,
  formatRate,
  locateFindings,
} from '../config';
import { Cell, paint, table } from './output';

/** The budget of the environments as text and JSON, and whether any vault is over. */
export function renderBudget(
  envs: readonly Environment[],
  assumptions: BudgetAssumptions,
  dir: string,
  color: boolean,
): { text: string; json: unknown; over: boolean } {
  const budgets = computeBudgets(envs, assumptions);
  const sections = budgets.map((b) => section(b, dir, color));
  const over = budgets.some((b) => b.overSteadyState || b.overBurst);
  return {
    text: sections.join('\n\n'),
    json: budgets.map((b) => ({ ...b, violations: budgetViolations(b).map((v) => ({ threshold: v.threshold, message: v.message })) })),
    over,
  };
}

function section(b: VaultBudget, dir: string, color: boolean): string {
  const share = (n: number) => formatPercent((n / b.limit) * 100);
  const verdict = (over: boolean) => (over ? paint('OVER BUDGET', 'bad', color) : paint('within budget', 'ok', color));
  const pages = Math.max(1, Math.ceil(b.vaultSecrets / KEY_VAULT_LIST_PAGE_SIZE));
  const lines = [
    `vault ${b.vault} (${b.environments.join(', ')}): limit ${b.limit.toLocaleString('en-US')} requests per 10 s`,
    `  steady state   ${formatRate(b.steadyPer10s)} per 10 s = ${formatPercent(b.steadyPercent)} of the limit (budget ${b.maxSteadyStatePercent}%): ${verdict(b.overSteadyState)}`,
    `  restart burst  ${b.burst.toLocaleString('en-US')} requests = ${formatPercent(b.burstPercent)} of the limit (budget ${b.maxBurstPercent}%): ${verdict(b.overBurst)}`,
    `  assumed        ${b.vaultSecrets} secrets in the vault (${pages} list page${pages === 1 ? '' : 's'} per dataFrom.find), ${b.findMatches} matches per dataFrom.find`,
    '',
  ];
  const rows: Cell[][] = b.secrets.map((s) => [
    s.environment,
    s.secret,
    s.refreshPolicy === 'Periodic' ? s.refreshInterval : s.refreshPolicy,
    String(s.keyGets),
    String(s.findLists),
    String(s.findGets),
    String(s.perSync),
    formatRate(s.steadyPer10s),
    share(s.steadyPer10s),
  ]);
  lines.push(table(['ENV', 'EXTERNALSECRET', 'REFRESH', 'GETS', 'LIST PAGES', 'MATCH GETS', 'PER SYNC', 'PER 10 S', 'OF LIMIT'], rows, color));
  for (const v of budgetViolations(b)) {
    lines.push('', paint(v.message, 'bad', color), 'costliest:');
    for (const c of v.costliest) {
      const [p] = locateFindings(c.environment, [{ path: c.path, message: `${c.secret} ${c.perSync} per sync, ${formatRate(c.steadyPer10s)} per 10 s` }], { dir });
      lines.push(`  ${formatProblem(p!)}`);
    }
  }
  return lines.join('\n');
}
