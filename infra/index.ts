/**
 * Pulumi entry point: reads the stack settings, loads the catalogue environment they name and builds its stack.
 * Run with `pulumi preview` / `pulumi up` from `infra/` (see docs/deployment.md).
 */
import * as pulumi from '@pulumi/pulumi';
import { CatalogueError, budgetReport, loadEnvironment } from '../config';
import { environmentStack } from './program';
import { StackConfigError, parseStackSettings } from './stack-config';

/** Builds the stack; settings and catalogue problems fail the run with their message, without a stack trace. */
function build() {
  try {
    const settings = parseStackSettings(pulumi.getStack(), pulumi.runtime.allConfig());
    const env = loadEnvironment(settings.environment, { dir: settings.catalogueDir });
    // The same request-budget verdict as `npm run synth`: preview fails before anything is applied.
    const overBudget = budgetReport([env], settings.catalogueDir);
    if (overBudget.length > 0) throw new pulumi.RunError(`the Key Vault request budget is exceeded:\n${overBudget.join('\n')}`);
    return environmentStack(pulumi.getStack(), settings, env).outputs;
  } catch (e) {
    if (e instanceof StackConfigError || e instanceof CatalogueError) throw new pulumi.RunError(e.message);
    throw e;
  }
}

const outputs = build();

// Stack outputs (`pulumi stack output`): see EnvironmentStackOutputs in program.ts.
export const environment = outputs.environment;
export const delivery = outputs.delivery;
export const vaultId = outputs.vaultId;
export const vaultUri = outputs.vaultUri;
export const tenantId = outputs.tenantId;
export const clientIds = outputs.clientIds;
export const principalIds = outputs.principalIds;
export const esoReleaseStatus = outputs.esoReleaseStatus;
export const catalogueCheck = outputs.catalogueCheck;
