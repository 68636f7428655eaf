/**
 * `kv-secrets-sync`: the operator CLI. One program, four commands, all driven by the environment catalogue:
 *
 * - `verify`: will it work? Every referenced Key Vault secret checked against the vault (metadata only).
 * - `status`: is it working? ExternalSecrets and stores in the cluster, against the catalogue.
 * - `force-sync`: refresh ExternalSecrets now (ESO's force-sync annotation), optionally waiting for Ready.
 * - `budget`: the Key Vault request model per vault (the same check `npm run synth` runs).
 *
 * Exit codes: 0 fine; 1 problems found; 2 usage, catalogue or connection error (see ./output.ts).
 */
import type { TokenCredential } from '@azure/identity';
import type { SecretClientOptions } from '@azure/keyvault-secrets';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import {
  CatalogueError,
  Environment,
  defaultCatalogueDir,
  keyVaultUrl,
  listEnvironments,
  loadEnvironment,
  loadEnvironments,
} from '../config';
import { renderBudget } from './budget';
import { forceSync } from './force-sync';
import { KubeAccess } from './kube';
import { readVault } from './keyvault';
import { CliError, EXIT, Output, json, processOutput } from './output';
import { renderStatus, clusterStatus } from './status';
import { catalogueReferences, checkReferences, pinnedNames } from './verify';
import { renderVerify } from './verify-output';

/** What the CLI talks to; tests pass loopback servers' clients and a fake clock. */
export interface CliDeps {
  /** @default the process's stdout/stderr */
  readonly output?: Output;
  /** @default DefaultAzureCredential */
  readonly credential?: TokenCredential;
  /** Extra SecretClient options (a trust store for a test server, challenge verification). */
  readonly secretClientOptions?: SecretClientOptions;
  /** First retry delay of Key Vault requests. @default 800 */
  readonly retryDelayMs?: number;
  /** @default () => new Date() */
  readonly now?: () => Date;
  /** @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

interface CommonOptions {
  env: string;
  catalogue: string;
  json?: boolean;
  color: boolean;
}

/** Runs the CLI with `argv` (without node and script) and resolves to the exit code. */
export async function run(argv: readonly string[], deps: CliDeps = {}): Promise<number> {
  let output = deps.output ?? processOutput(argv.includes('--no-color'));
  const now = deps.now ?? (() => new Date());
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let code: number = EXIT.OK;

  const program = new Command()
    .name('kv-secrets-sync')
    .description(
      'Operator tooling for Key Vault secrets delivered by External Secrets Operator: check the vault before a merge, ' +
        'the cluster after it, refresh on demand, and keep the Key Vault request budget.',
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 fine, 1 problems found, 2 usage, catalogue or connection error.\n' +
        'Environments: ' + (listEnvironments().join(', ') || 'none') + ' (environments/<name>.yaml).',
    )
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => output.out(s.trimEnd()), writeErr: (s) => output.err(s.trimEnd()) });

  const common = (cmd: Command, envRequired = true) => {
    const env = new Option('-e, --env <name>', 'environment (catalogue file environments/<name>.yaml)');
    if (envRequired) env.makeOptionMandatory();
    return cmd
      .addOption(env)
      .addOption(new Option('-c, --catalogue <dir>', 'catalogue folder').default(defaultCatalogueDir(), 'environments/ of this project'))
      .option('--json', 'machine-readable JSON on stdout')
      .option('--no-color', 'no colours, even on a terminal');
  };
  const kube = (cmd: Command) =>
    cmd
      .option('--context <name>', 'kube context (default: the current context)')
      .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
      .option('--request-timeout <seconds>', 'timeout of each Kubernetes API request', seconds, 30);

  common(
    program
      .command('verify')
      .summary('check every Key Vault secret the catalogue references (metadata only)')
      .description(
        'Checks every Key Vault secret an environment references (data, dataFrom.extract, dataFrom.find) against the vault: ' +
          'exists, enabled, not expired, active, pinned version present, finds matching. Reads metadata only (list ' +
          'operations): the signed-in identity needs the "Key Vault Reader" role, never a secret value. Signs in with ' +
          "Azure's default credential chain (az login, workload identity, managed identity, environment).",
      ),
  )
    .option('--vault-url <url>', 'vault URL (default: https://<keyVault.name>.<cloud suffix>/ from the catalogue)')
    .option('--timeout <seconds>', 'timeout of each Key Vault request', seconds, 30)
    .option('--retries <n>', 'retries of throttled (429) and failed requests, with exponential backoff', count, 4)
    .option('--expiry-warning-days <days>', 'warn about secrets that expire within this many days', count, 14)
    .action(async (o: CommonOptions & { vaultUrl?: string; timeout: number; retries: number; expiryWarningDays: number }) => {
      output = withColor(output, o.color);
      const env = load(o);
      const vaultUrl = o.vaultUrl ?? keyVaultUrl(env.keyVault.name, env.keyVault.cloud);
      const refs = catalogueReferences(env);
      const access = {
        vaultUrl,
        credential: deps.credential,
        clientOptions: deps.secretClientOptions,
        timeoutMs: o.timeout * 1000,
        retries: o.retries,
        retryDelayMs: deps.retryDelayMs,
        tenantId: env.tenantId,
      };
      // The secrets first, then the versions of the pinned ones that exist.
      const listing = await readVault(access, (secrets) => pinnedNames(refs, secrets));
      const report = checkReferences(env, refs, listing, { now: now(), expiryWarningDays: o.expiryWarningDays, dir: o.catalogue });
      output.out(o.json ? json(report) : renderVerify(report, env, output.color));
      code = report.errors > 0 ? EXIT.PROBLEMS : EXIT.OK;
    });

  kube(
    common(
      program
        .command('status')
        .summary('show ExternalSecrets and stores in the cluster against the catalogue')
        .description(
          'Reads ExternalSecrets, SecretStores and ClusterSecretStores labelled kv-secrets-sync.io/environment=<env> from the ' +
            'cluster and prints Ready, reason, message, last refresh, refresh interval and store of each; marks objects the ' +
            'catalogue expects but the cluster lacks, and labelled objects the catalogue no longer has. Exits 1 when anything ' +
            'is not Ready, missing or unknown.',
        ),
    ),
  ).action(async (o: CommonOptions & KubeAccess) => {
    output = withColor(output, o.color);
    const env = load(o);
    const report = await clusterStatus(env, { ...o, requestTimeout: o.requestTimeout }, now());
    output.out(o.json ? json(report) : renderStatus(report, output.color));
    code = report.problems > 0 ? EXIT.PROBLEMS : EXIT.OK;
  });

  kube(
    common(
      program
        .command('force-sync')
        .summary('make ESO refresh ExternalSecrets now, optionally waiting until they are Ready')
        .description(
          "Sets ESO's force-sync annotation (force-sync=<unix time>) on the selected ExternalSecrets of the environment, which " +
            'makes ESO read Key Vault again at once. Select by --name, --namespace or --all; with --wait, follows them until ' +
            'each has synced after the annotation and is Ready, or until --timeout.',
        ),
    ),
  )
    .option('-n, --namespace <namespace>', 'only ExternalSecrets of this namespace')
    .option('--name <name...>', 'only these ExternalSecrets (names from the catalogue)')
    .option('--all', 'every ExternalSecret of the environment')
    .option('--wait', 'wait until each has synced after the annotation and is Ready')
    .option('--timeout <seconds>', 'how long --wait waits', seconds, 120)
    .option('--interval <seconds>', 'how often --wait polls', seconds, 2)
    .action(
      async (
        o: CommonOptions &
          KubeAccess & { namespace?: string; name?: string[]; all?: boolean; wait?: boolean; timeout: number; interval: number },
      ) => {
        output = withColor(output, o.color);
        const env = load(o);
        const result = await forceSync(env, o, { now, sleep });
        output.out(o.json ? json(result.report) : result.render(output.color));
        code = result.code;
      },
    );

  common(
    program
      .command('budget')
      .summary('the Key Vault request model per vault (synth fails above budget)')
      .description(
        "Models the requests ESO sends to each vault: steady state per 10 s (data and extract GETs over each secret's " +
          'refresh interval, dataFrom.find as whole-vault list pages plus one GET per match) and the burst when the controller ' +
          "restarts and syncs everything at once, against Key Vault's 4,000 requests per 10 s per vault. Exits 1 above " +
          'budget.maxSteadyStatePercent or budget.maxBurstPercent, as npm run synth does.',
      ),
    false,
  )
    .option('--vault-secrets <n>', 'secrets in the vault (default: budget.assumedVaultSecrets)', count)
    .option('--find-matches <n>', 'secrets each dataFrom.find matches (default: budget.assumedFindMatches)', count)
    .action((o: Omit<CommonOptions, 'env'> & { env?: string; vaultSecrets?: number; findMatches?: number }) => {
      output = withColor(output, o.color);
      const envs = o.env ? [load(o as CommonOptions)] : loadEnvironments(undefined, { dir: o.catalogue });
      const result = renderBudget(envs, { vaultSecrets: o.vaultSecrets, findMatches: o.findMatches }, o.catalogue, output.color);
      output.out(o.json ? json(result.json) : result.text);
      code = result.over ? EXIT.PROBLEMS : EXIT.OK;
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.OK : EXIT.ERROR;
    if (e instanceof CatalogueError) {
      output.err(`kv-secrets-sync: the catalogue is invalid, nothing was checked: ${e.message}`);
      return EXIT.ERROR;
    }
    if (e instanceof CliError) {
      output.err(`kv-secrets-sync: ${e.message}`);
      return EXIT.ERROR;
    }
    output.err(`kv-secrets-sync: ${(e as Error).stack ?? String(e)}`);
    return EXIT.ERROR;
  }
}

function load(o: Pick<CommonOptions, 'env' | 'catalogue'>): Environment {
  return loadEnvironment(o.env, { dir: o.catalogue });
}

function withColor(output: Output, allowed: boolean): Output {
  return allowed ? output : { ...output, color: false };
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number of seconds.');
  return n;
}

function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number, 0 or more.');
  return n;
}

if (require.main === module) {
  void run(process.argv.slice(2)).then((c) => (process.exitCode = c));
}
