/**
 * Finding a Python 3 that has the official Kubernetes client (`python3-kubernetes` on Debian), for tests that
 * run generated Python. The first `python3` on PATH is often a pyenv or venv interpreter that does not see
 * Debian's packages, so candidates are tried in order and the first that imports `kubernetes` wins.
 */
import { spawnSync } from 'node:child_process';

/** Candidate interpreters, in order: `$PYTHON`, Debian's `/usr/bin/python3`, then `python3` on PATH. */
export function pythonCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const out = [env.PYTHON, '/usr/bin/python3', 'python3'].filter((c): c is string => !!c);
  return [...new Set(out)];
}

let cached: string | undefined;

/**
 * The first of `candidates` that imports the Kubernetes client. Throws (so a test fails, never skips) when none
 * does, saying what was tried and how to fix it.
 */
export function findPython(candidates: readonly string[]): string {
  const tried: string[] = [];
  for (const candidate of candidates) {
    const r = spawnSync(candidate, ['-c', 'import kubernetes.client'], { encoding: 'utf8', timeout: 20_000 });
    if (r.status === 0) return candidate;
    const why = r.error ? (r.error as NodeJS.ErrnoException).code ?? r.error.message : (r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`);
    tried.push(`${candidate}: ${why}`);
  }
  throw new Error(
    `no Python 3 with the Kubernetes client found (tried ${tried.join('; ')}); ` +
      'install it with `apt-get install -y python3-kubernetes` (Debian) or point $PYTHON at an interpreter that has `kubernetes`',
  );
}

/** The interpreter to run generated Python with ({@link findPython} over {@link pythonCandidates}), cached. */
export function pythonWithKubernetes(): string {
  return (cached ??= findPython(pythonCandidates()));
}

/** Runs `python -B script args...` and returns stdout; throws with stderr when it fails. */
export function runPython(script: string, args: readonly string[]): string {
  const python = pythonWithKubernetes();
  const r = spawnSync(python, ['-B', script, ...args], { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) {
    throw new Error(`${python} ${script} failed (${r.error?.message ?? `exit ${r.status}`}):\n${r.stderr}`);
  }
  return r.stdout;
}
