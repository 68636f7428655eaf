/**
 * `npm run synth [-- --env <name> ...] [--out <dir>]`: validates the catalogue and writes `dist/<env>/`.
 *
 * Exit codes: 0 written; 1 the catalogue is invalid or over its Key Vault request budget (nothing written);
 * 2 usage or I/O error.
 */
import * as path from 'node:path';
import { Command } from 'commander';
import { CatalogueError, budgetReport, defaultCatalogueDir, listEnvironments, loadEnvironments, projectRoot } from '../config';
import { renderEnvironment, summarize, writeDist } from './synth';

export function main(argv: readonly string[]): number {
  const program = new Command()
    .name('synth')
    .description('Validate the environment catalogue and write dist/<env>/ for GitOps.')
    .option('-e, --env <name...>', 'environments to synthesize (default: all)')
    .option('-o, --out <dir>', 'output folder', path.join(projectRoot(), 'dist'))
    .option('-c, --catalogue <dir>', 'catalogue folder', defaultCatalogueDir())
    .exitOverride();
  try {
    program.parse([...argv], { from: 'user' });
  } catch (e) {
    return (e as { exitCode?: number }).exitCode === 0 ? 0 : 2;
  }
  const opts = program.opts<{ env?: string[]; out: string; catalogue: string }>();
  const all = listEnvironments(opts.catalogue);
  try {
    const envs = loadEnvironments(opts.env, { dir: opts.catalogue, requireClientIds: true });
    const overBudget = budgetReport(envs, opts.catalogue);
    if (overBudget.length > 0) {
      console.error(`synth: the Key Vault request budget is exceeded:\n${overBudget.join('\n')}\nnothing was written.`);
      return 1;
    }
    const rendered = envs.map((env) => renderEnvironment(env));
    writeDist(opts.out, rendered, { prune: opts.env ? undefined : all });
    for (const r of rendered) {
      console.log(`${r.environment}: ${summarize(r.objects)} -> ${path.relative(process.cwd(), path.join(opts.out, r.environment)) || '.'}/`);
    }
    return 0;
  } catch (e) {
    if (e instanceof CatalogueError) {
      console.error(`synth: ${e.message}\nnothing was written.`);
      return 1;
    }
    console.error(`synth: ${(e as Error).message}\nnothing was written.`);
    return 2;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
