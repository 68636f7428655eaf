/**
 * Stack settings (`infra/Pulumi.<stack>.yaml`, namespace `kv-secrets-sync`): which catalogue environment the
 * stack deploys and how it reaches the cluster. Everything else comes from the catalogue.
 * Pure functions, so the messages are tested without a Pulumi engine.
 */
import * as path from 'node:path';
import { closest } from 'fastest-levenshtein';
import { Environment, defaultCatalogueDir, listEnvironments } from '../config';

/** Config namespace of the stack settings (the Pulumi project name). */
export const CONFIG_NAMESPACE = 'kv-secrets-sync';

/** How kubelogin gets a token for an Entra ID enabled AKS cluster (`kubelogin convert-kubeconfig -l`). */
export const KUBELOGIN_MODES = ['azurecli', 'workloadidentity', 'msi', 'spn'] as const;
/** One of {@link KUBELOGIN_MODES}. */
export type KubeloginMode = (typeof KUBELOGIN_MODES)[number];

/** The settings, validated. */
export interface StackSettings {
  /** Catalogue environment the stack deploys. */
  readonly environment: string;
  /** Catalogue folder. @default `<project root>/environments` */
  readonly catalogueDir: string;
  /**
   * kubeconfig context to deploy the release (and the in-cluster objects) with.
   * @default - the AKS cluster's user credentials (infra.cluster.aksClusterId)
   */
  readonly kubeContext?: string;
  /** How kubelogin authenticates when the kubeconfig comes from AKS. @default 'azurecli' */
  readonly kubeloginMode: KubeloginMode;
}

const KEYS = ['environment', 'catalogueDir', 'kubeContext', 'kubeloginMode'] as const;

/** Thrown when stack settings are missing or wrong; the message lists every problem. */
export class StackConfigError extends Error {
  constructor(public readonly problems: readonly string[]) {
    super(`${problems.length} problem${problems.length === 1 ? '' : 's'} in the stack settings:\n  ${problems.join('\n  ')}`);
    this.name = 'StackConfigError';
  }
}

/**
 * Validates the raw settings: `config` maps full keys (`kv-secrets-sync:environment`) to values, as
 * `pulumi.runtime.allConfig()` returns them. Keys of other namespaces (azure-native:, kubernetes:) are ignored.
 */
export function parseStackSettings(stack: string, config: Readonly<Record<string, string>>): StackSettings {
  const problems: string[] = [];
  const file = `infra/Pulumi.${stack}.yaml`;
  const where = (key: string) => `${file}: ${CONFIG_NAMESPACE}:${key}`;
  const own: Record<string, string> = {};
  for (const [full, value] of Object.entries(config)) {
    if (!full.startsWith(`${CONFIG_NAMESPACE}:`)) continue;
    const key = full.slice(CONFIG_NAMESPACE.length + 1);
    if ((KEYS as readonly string[]).includes(key)) own[key] = value;
    else problems.push(`${where(key)}: unknown setting (allowed: ${KEYS.join(', ')}); did you mean ${JSON.stringify(closest(key, [...KEYS]))}?`);
  }

  const catalogueDir = own.catalogueDir !== undefined ? path.resolve(own.catalogueDir) : defaultCatalogueDir();
  const known = listEnvironments(catalogueDir);
  if (own.catalogueDir !== undefined && known.length === 0) {
    problems.push(`${where('catalogueDir')}: ${JSON.stringify(own.catalogueDir)} holds no environment files (<name>.yaml)`);
  }
  const environment = own.environment;
  const allowedEnvs = known.map((k) => JSON.stringify(k)).join(', ') || 'none';
  if (environment === undefined || environment === '') {
    problems.push(
      `${where('environment')}: missing; set the catalogue environment this stack deploys (one of ${allowedEnvs}): pulumi config set ${CONFIG_NAMESPACE}:environment ${known.includes(stack) ? stack : '<name>'}`,
    );
  } else if (known.length > 0 && !known.includes(environment)) {
    problems.push(`${where('environment')}: ${JSON.stringify(environment)} is not a catalogue environment (allowed: ${allowedEnvs})`);
  }

  const kubeContext = own.kubeContext;
  if (kubeContext !== undefined && kubeContext.trim() === '') {
    problems.push(`${where('kubeContext')}: empty; name a context of your kubeconfig (kubectl config get-contexts) or remove the setting`);
  }
  const mode = own.kubeloginMode ?? 'azurecli';
  if (!(KUBELOGIN_MODES as readonly string[]).includes(mode)) {
    problems.push(`${where('kubeloginMode')}: ${JSON.stringify(mode)} is not allowed (allowed: ${KUBELOGIN_MODES.join(', ')})`);
  }

  if (problems.length > 0) throw new StackConfigError(problems);
  return {
    environment: environment!,
    catalogueDir,
    kubeContext,
    kubeloginMode: mode as KubeloginMode,
  };
}

/** Problems between the stack settings and the loaded catalogue environment (empty when fine). */
export function checkStackAgainstCatalogue(stack: string, settings: StackSettings, env: Environment): string[] {
  const problems: string[] = [];
  const file = `environments/${env.environment}.yaml`;
  if (!env.infra) {
    problems.push(
      `${file}: infra: missing; the Pulumi stack needs at least infra.resourceGroup and infra.location (see docs/deployment.md)`,
    );
  } else if (settings.kubeContext === undefined && env.infra.cluster.aksClusterId === undefined) {
    problems.push(
      `infra/Pulumi.${stack}.yaml: ${CONFIG_NAMESPACE}:kubeContext: missing, and ${file} has no infra.cluster.aksClusterId; set one of them so the stack can reach the cluster`,
    );
  }
  return problems;
}
