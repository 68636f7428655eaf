/** The human form of a `verify` report: a table of references, then every problem located in the catalogue. */
import { Environment, formatProblem } from '../config';
import { Cell, Tone, paint, plural, table } from './output';
import type { CheckedReference, VerifyReport } from './verify';

const TONE: Record<CheckedReference['state'], Tone> = {
  ok: 'ok',
  matches: 'ok',
  expiring: 'warn',
  missing: 'bad',
  disabled: 'bad',
  expired: 'bad',
  'not-yet-active': 'bad',
  'no-version': 'bad',
  'no-match': 'bad',
  unsupported: 'bad',
};

/** Renders `report` for a terminal. */
export function renderVerify(report: VerifyReport, env: Environment, color: boolean): string {
  const head =
    `verify ${report.environment}: vault ${env.keyVault.name} (${report.vaultUrl}), ` +
    `${plural(report.secretsInVault, 'secret')} listed, ${plural(report.references.length, 'reference')} checked`;
  const rows: Cell[][] = report.references.map((r) => {
    const state = r.state === 'matches' ? `${r.matches} match${r.matches === 1 ? '' : 'es'}` : r.state;
    const tone = r.severity === 'warning' ? 'warn' : r.severity === 'error' ? 'bad' : TONE[r.state];
    return [r.target, r.field, r.wants, { text: state, tone }];
  });
  const lines = [head, '', table(['EXTERNALSECRET', 'FIELD', 'KEY VAULT SECRET', 'STATE'], rows, color), ''];
  if (report.problems.length === 0) {
    lines.push(paint('no problems: every referenced secret exists, is enabled and active.', 'ok', color));
  } else {
    const summary = [report.errors > 0 ? plural(report.errors, 'error') : '', report.warnings > 0 ? plural(report.warnings, 'warning') : '']
      .filter(Boolean)
      .join(', ');
    lines.push(`${summary}:`);
    for (const p of report.problems) {
      lines.push(`  ${paint(p.severity.padEnd(7), p.severity === 'error' ? 'bad' : 'warn', color)}  ${formatProblem(p)}`);
    }
  }
  return lines.join('\n');
}
