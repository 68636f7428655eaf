/** Runs the CLI in-process and captures what it prints. */
import * as https from 'node:https';
import { CliDeps, run } from '../../cli/main';
import { FakeCredential, FakeKeyVault } from './key-vault-server';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `kv-secrets-sync <argv>` with captured output (no colour unless `color`). */
export async function cli(argv: readonly string[], deps: Omit<CliDeps, 'output'> & { color?: boolean } = {}): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, {
    ...deps,
    output: { out: (t) => void out.push(t), err: (t) => void err.push(t), color: deps.color ?? false },
  });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

/**
 * What `verify` needs to talk to a fake vault with the real SecretClient: the fake credential, the server's
 * certificate as the only trusted CA, and challenge resource verification off (the challenge names
 * vault.azure.net, the server is 127.0.0.1).
 */
export function vaultDeps(vault: FakeKeyVault, credential = new FakeCredential()): Omit<CliDeps, 'output'> {
  return {
    credential,
    secretClientOptions: {
      agent: new https.Agent({ ca: vault.cert, keepAlive: false }),
      disableChallengeResourceVerification: true,
    },
    retryDelayMs: 10,
  };
}
