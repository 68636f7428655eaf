/**
 * The `budget` section of the catalogue: how much of Key Vault's request limit this environment's ExternalSecrets
 * may use, and the assumptions the request model needs where the catalogue alone cannot know the answer.
 *
 * @see ./budget.ts for the model itself.
 */
import { z } from 'zod';

/** Defaults of the budget section, also used when the section is absent. */
export const BUDGET_DEFAULTS = {
  maxSteadyStatePercent: 25,
  maxBurstPercent: 100,
  assumedVaultSecrets: 100,
  assumedFindMatches: 10,
} as const;

/** The Key Vault request budget of an environment. */
export const BudgetSchema = z
  .strictObject({
    maxSteadyStatePercent: z
      .number()
      .gt(0)
      .max(100)
      .default(BUDGET_DEFAULTS.maxSteadyStatePercent)
      .meta({
        description:
          "Largest share (percent) of Key Vault's limit of 4,000 secret requests per 10 seconds per vault that steady-state refreshes may use; synth fails above it. The rest is headroom for workloads, pipelines and people reading the same vault.",
      }),
    maxBurstPercent: z
      .number()
      .gt(0)
      .max(100)
      .default(BUDGET_DEFAULTS.maxBurstPercent)
      .meta({
        description:
          'Largest share (percent) of the same limit that one full reconcile of every ExternalSecret may use when the controller restarts (all requests assumed inside one 10-second window); synth fails above it.',
      }),
    assumedVaultSecrets: z
      .int()
      .min(0)
      .default(BUDGET_DEFAULTS.assumedVaultSecrets)
      .meta({
        description:
          'Secrets in the vault, for the cost of dataFrom.find: ESO lists the whole vault (25 secrets per page) on every refresh. `kv-secrets-sync verify` reports the real count.',
      }),
    assumedFindMatches: z
      .int()
      .min(0)
      .default(BUDGET_DEFAULTS.assumedFindMatches)
      .meta({
        description:
          'Secrets each dataFrom.find is assumed to match (one GET each per refresh). `kv-secrets-sync verify` reports the real counts and warns when one exceeds this.',
      }),
  })
  .meta({ description: "How much of Key Vault's request limit this environment may use, and the request model's assumptions." });

/** The parsed budget section. */
export type Budget = z.output<typeof BudgetSchema>;
