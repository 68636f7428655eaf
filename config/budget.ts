/**
 * The Key Vault request model: how many requests the ExternalSecrets of a catalogue send to each vault, in steady
 * state and in the burst after the ESO controller restarts, against Key Vault's service limit.
 *
 * What ESO's azurekv provider sends per sync of one ExternalSecret:
 * - every `data` entry: one GET of that secret (two entries reading properties of the same secret are two GETs);
 * - every `dataFrom.extract`: one GET;
 * - every `dataFrom.find`: a list of the WHOLE vault (Key Vault returns at most 25 secrets per page, so
 *   ceil(secrets in vault / 25) list requests, at least one), then one GET per enabled secret that matches the
 *   name pattern and tags.
 *
 * Steady state counts Periodic secrets only, each sync spread over its refresh interval; OnChange, CreatedOnce and
 * a `0` interval cost nothing between changes. The burst is one sync of every ExternalSecret, whatever its policy,
 * inside a single 10-second window: the worst case of a controller restart after a downtime longer than the refresh
 * intervals, a fresh install or a cluster rebuilt from Git.
 *
 * Pure functions of parsed environments: `npm run synth` and `kv-secrets-sync budget` share them.
 *
 * @see https://learn.microsoft.com/azure/key-vault/general/service-limits
 * @see https://external-secrets.io/v2.9.0/provider/azure-key-vault/
 */
import { goDurationSeconds } from './duration';
import type { FieldPath } from './errors';
import { keyVaultUrl } from './naming';
import { SecretSource, deliveredSecrets } from './delivered';
import type { Environment } from './schema';

/** Key Vault's service limit for secret transactions: 4,000 per 10 seconds per vault (lists count alike). */
export const KEY_VAULT_REQUESTS_PER_10S = 4000;

/** Secrets per page of Key Vault's list operation (`maxresults` cannot exceed 25). */
export const KEY_VAULT_LIST_PAGE_SIZE = 25;

/** Overrides of the catalogue's assumptions (e.g. from the command line or from `verify`'s real counts). */
export interface BudgetAssumptions {
  /** Secrets in the vault. @default - the catalogue's budget.assumedVaultSecrets */
  readonly vaultSecrets?: number;
  /** Secrets each dataFrom.find matches. @default - the catalogue's budget.assumedFindMatches */
  readonly findMatches?: number;
}

/** What one ExternalSecret costs. */
export interface SecretCost {
  /** The environment the secret belongs to. */
  readonly environment: string;
  /** `namespace/name` of the ExternalSecret. */
  readonly secret: string;
  /** Catalogue path of the entry: `['secrets', i]` or `['operations', 'sharedSecrets', i]`. */
  readonly path: FieldPath;
  readonly refreshPolicy: 'Periodic' | 'OnChange' | 'CreatedOnce';
  /** Refresh interval as written (Go duration). */
  readonly refreshInterval: string;
  /** GETs per sync from data entries and dataFrom.extract. */
  readonly keyGets: number;
  /** List requests per sync from dataFrom.find. */
  readonly findLists: number;
  /** GETs per sync of the secrets dataFrom.find matches (assumed). */
  readonly findGets: number;
  /** All requests of one sync. */
  readonly perSync: number;
  /** Average requests per 10 seconds in steady state. */
  readonly steadyPer10s: number;
}

/** The budget of one vault. */
export interface VaultBudget {
  /** Vault name. */
  readonly vault: string;
  readonly vaultUrl: string;
  /** Environments whose ExternalSecrets read this vault. */
  readonly environments: readonly string[];
  /** Requests per 10 seconds Key Vault allows. */
  readonly limit: number;
  readonly steadyPer10s: number;
  readonly burst: number;
  readonly steadyPercent: number;
  readonly burstPercent: number;
  /** The strictest threshold of the environments sharing the vault. */
  readonly maxSteadyStatePercent: number;
  readonly maxBurstPercent: number;
  readonly vaultSecrets: number;
  readonly findMatches: number;
  /** Secrets, costliest first (steady state, then burst). */
  readonly secrets: readonly SecretCost[];
  readonly overSteadyState: boolean;
  readonly overBurst: boolean;
}

/** Requests of one sync of `secret`, by kind. */
export function syncCost(
  secret: Pick<SecretSource, 'data' | 'dataFrom'>,
  vaultSecrets: number,
  findMatches: number,
): Pick<SecretCost, 'keyGets' | 'findLists' | 'findGets' | 'perSync'> {
  let keyGets = Object.keys(secret.data ?? {}).length;
  let findLists = 0;
  let findGets = 0;
  for (const df of secret.dataFrom ?? []) {
    if ('extract' in df) keyGets += 1;
    else {
      findLists += Math.max(1, Math.ceil(vaultSecrets / KEY_VAULT_LIST_PAGE_SIZE));
      findGets += findMatches;
    }
  }
  return { keyGets, findLists, findGets, perSync: keyGets + findLists + findGets };
}

/**
 * The cost of every ExternalSecret of `env`, in catalogue order; a shared secret costs once per namespace it can
 * reach (every listed namespace, the worst case when a selector narrows them).
 */
export function secretCosts(env: Environment, assumptions: BudgetAssumptions = {}): SecretCost[] {
  const vaultSecrets = assumptions.vaultSecrets ?? env.budget.assumedVaultSecrets;
  const findMatches = assumptions.findMatches ?? env.budget.assumedFindMatches;
  return deliveredSecrets(env).map(({ entry: secret, namespace, path }) => {
    const refreshPolicy = secret.refreshPolicy ?? env.defaults.refreshPolicy;
    const refreshInterval = secret.refreshInterval ?? env.defaults.refreshInterval;
    const seconds = goDurationSeconds(refreshInterval);
    const cost = syncCost(secret, vaultSecrets, findMatches);
    const periodic = refreshPolicy === 'Periodic' && seconds > 0;
    return {
      environment: env.environment,
      secret: `${namespace}/${secret.name}`,
      path,
      refreshPolicy,
      refreshInterval,
      ...cost,
      steadyPer10s: periodic ? (cost.perSync * 10) / seconds : 0,
    };
  });
}

/**
 * The budget of every vault the environments read, in order of first appearance. Environments that share a vault
 * add up, and the strictest threshold among them applies.
 */
export function computeBudgets(envs: readonly Environment[], assumptions: BudgetAssumptions = {}): VaultBudget[] {
  const byVault = new Map<string, Environment[]>();
  for (const env of envs) {
    const url = keyVaultUrl(env.keyVault.name, env.keyVault.cloud);
    byVault.set(url, [...(byVault.get(url) ?? []), env]);
  }
  return [...byVault.entries()].map(([vaultUrl, group]) => {
    const secrets = group.flatMap((env) => secretCosts(env, assumptions));
    const steadyPer10s = sum(secrets.map((s) => s.steadyPer10s));
    const burst = sum(secrets.map((s) => s.perSync));
    const maxSteadyStatePercent = Math.min(...group.map((e) => e.budget.maxSteadyStatePercent));
    const maxBurstPercent = Math.min(...group.map((e) => e.budget.maxBurstPercent));
    const steadyPercent = (steadyPer10s / KEY_VAULT_REQUESTS_PER_10S) * 100;
    const burstPercent = (burst / KEY_VAULT_REQUESTS_PER_10S) * 100;
    return {
      vault: group[0]!.keyVault.name,
      vaultUrl,
      environments: group.map((e) => e.environment),
      limit: KEY_VAULT_REQUESTS_PER_10S,
      steadyPer10s,
      burst,
      steadyPercent,
      burstPercent,
      maxSteadyStatePercent,
      maxBurstPercent,
      vaultSecrets: assumptions.vaultSecrets ?? Math.max(...group.map((e) => e.budget.assumedVaultSecrets)),
      findMatches: assumptions.findMatches ?? Math.max(...group.map((e) => e.budget.assumedFindMatches)),
      secrets: [...secrets].sort((a, b) => b.steadyPer10s - a.steadyPer10s || b.perSync - a.perSync),
      overSteadyState: steadyPercent > maxSteadyStatePercent,
      overBurst: burstPercent > maxBurstPercent,
    };
  });
}

/** `airflow/x: 1 GET + 4 list pages + 10 matched GETs = 15 per sync every 30m0s = 0.083 per 10 s`. */
export function describeCost(c: SecretCost): string {
  const parts = [`${c.keyGets} GET${c.keyGets === 1 ? '' : 's'}`];
  if (c.findLists > 0) parts.push(`${c.findLists} list page${c.findLists === 1 ? '' : 's'}`, `${c.findGets} matched GETs`);
  const head = `${c.secret}: ${parts.join(' + ')} = ${c.perSync} per sync`;
  if (c.refreshPolicy === 'Periodic' && c.steadyPer10s > 0) {
    return `${head} every ${c.refreshInterval} = ${formatRate(c.steadyPer10s)} per 10 s`;
  }
  return `${head}, ${c.refreshPolicy === 'Periodic' ? 'refreshInterval 0' : c.refreshPolicy}: no steady-state cost`;
}

/** Share of a vault's total a secret must cost to be named among the costliest. */
const SIGNIFICANT = 0.05;

/** A threshold a vault exceeds: what, and the secrets that cost most. */
export interface BudgetViolation {
  readonly vault: string;
  readonly threshold: 'maxSteadyStatePercent' | 'maxBurstPercent';
  /** What is over, by how much, and what to do. */
  readonly message: string;
  /** The costliest secrets for this threshold, costliest first. */
  readonly costliest: readonly SecretCost[];
}

/**
 * Every threshold a vault exceeds (empty when it is within budget), each with its costliest secrets: up to `top`
 * of those that make at least 5% of the total, so the list names what is worth changing.
 */
export function budgetViolations(b: VaultBudget, top = 5): BudgetViolation[] {
  const out: BudgetViolation[] = [];
  const where = `vault ${b.vault} (${b.environments.join(', ')})`;
  const limit = `Key Vault's ${b.limit.toLocaleString('en-US')} requests per 10 s per vault`;
  if (b.overSteadyState) {
    out.push({
      vault: b.vault,
      threshold: 'maxSteadyStatePercent',
      message:
        `${where}: steady state ${formatRate(b.steadyPer10s)} requests per 10 s is ${formatPercent(b.steadyPercent)} of ${limit}, ` +
        `above budget.maxSteadyStatePercent ${b.maxSteadyStatePercent}%; raise the refreshInterval of the costliest secrets, ` +
        'use refreshPolicy OnChange, narrow dataFrom.find, or raise budget.maxSteadyStatePercent',
      costliest: b.secrets.filter((s) => s.steadyPer10s >= b.steadyPer10s * SIGNIFICANT).slice(0, top),
    });
  }
  if (b.overBurst) {
    out.push({
      vault: b.vault,
      threshold: 'maxBurstPercent',
      message:
        `${where}: a controller restart sends ${b.burst.toLocaleString('en-US')} requests at once, ${formatPercent(b.burstPercent)} of ${limit}, ` +
        `above budget.maxBurstPercent ${b.maxBurstPercent}%; replace broad dataFrom.find with data entries, spread the secrets over ` +
        'more vaults, or raise budget.maxBurstPercent',
      costliest: [...b.secrets].sort((x, y) => y.perSync - x.perSync).filter((s) => s.perSync >= b.burst * SIGNIFICANT).slice(0, top),
    });
  }
  return out;
}

/** Requests per 10 s with sensible precision: `0.0083`, `1.5`, `1,234`. */
export function formatRate(n: number): string {
  if (n === 0) return '0';
  if (n < 0.01) return String(Number(n.toPrecision(2)));
  if (n < 100) return String(Number(n.toFixed(2)));
  return Math.round(n).toLocaleString('en-US');
}

/** `0.0021%`, `12.5%`. */
export function formatPercent(n: number): string {
  if (n === 0) return '0%';
  if (n < 0.01) return `${Number(n.toPrecision(2))}%`;
  return `${Number(n.toFixed(2))}%`;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
