import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StackConfigError, parseStackSettings } from '../../infra/stack-config';

function problems(stack: string, config: Record<string, string>): readonly string[] {
  try {
    parseStackSettings(stack, config);
  } catch (e) {
    if (e instanceof StackConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a StackConfigError');
}

describe('parseStackSettings', () => {
  test('reads the settings and applies defaults', () => {
    const s = parseStackSettings('prod', { 'kv-secrets-sync:environment': 'prod', 'azure-native:location': 'westeurope' });
    expect(s).toMatchObject({ environment: 'prod', kubeloginMode: 'azurecli', kubeContext: undefined });
    expect(s.catalogueDir).toMatch(/environments$/);
  });

  test('the committed stack files name their environments', () => {
    for (const stack of ['dev', 'staging', 'prod']) {
      const text = fs.readFileSync(path.join(__dirname, '../../infra', `Pulumi.${stack}.yaml`), 'utf8');
      const config = Object.fromEntries(
        [...text.matchAll(/^ {2}(kv-secrets-sync:[A-Za-z]+): (\S+)$/gm)].map((m) => [m[1]!, m[2]!]),
      );
      expect(parseStackSettings(stack, config).environment).toBe(stack);
    }
  });

  test('fails when the environment is missing, and says how to set it', () => {
    expect(problems('dev', {})).toEqual([
      'infra/Pulumi.dev.yaml: kv-secrets-sync:environment: missing; set the catalogue environment this stack deploys (one of "dev", "prod", "staging"): pulumi config set kv-secrets-sync:environment dev',
    ]);
  });

  test('fails when the environment is not in the catalogue', () => {
    expect(problems('qa', { 'kv-secrets-sync:environment': 'qa' })).toEqual([
      'infra/Pulumi.qa.yaml: kv-secrets-sync:environment: "qa" is not a catalogue environment (allowed: "dev", "prod", "staging")',
    ]);
  });

  test('fails when a setting is unknown, with the closest name', () => {
    expect(problems('dev', { 'kv-secrets-sync:environment': 'dev', 'kv-secrets-sync:kubecontext': 'x' })).toEqual([
      'infra/Pulumi.dev.yaml: kv-secrets-sync:kubecontext: unknown setting (allowed: environment, catalogueDir, kubeContext, kubeloginMode); did you mean "kubeContext"?',
    ]);
  });

  test('fails when kubeloginMode is not a kubelogin login mode', () => {
    expect(problems('dev', { 'kv-secrets-sync:environment': 'dev', 'kv-secrets-sync:kubeloginMode': 'devicecode' })).toEqual([
      'infra/Pulumi.dev.yaml: kv-secrets-sync:kubeloginMode: "devicecode" is not allowed (allowed: azurecli, workloadidentity, msi, spn)',
    ]);
  });

  test('fails when kubeContext is empty', () => {
    expect(problems('dev', { 'kv-secrets-sync:environment': 'dev', 'kv-secrets-sync:kubeContext': ' ' })).toEqual([
      'infra/Pulumi.dev.yaml: kv-secrets-sync:kubeContext: empty; name a context of your kubeconfig (kubectl config get-contexts) or remove the setting',
    ]);
  });

  test('fails when catalogueDir holds no environments', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'catalogue-'));
    expect(problems('dev', { 'kv-secrets-sync:environment': 'dev', 'kv-secrets-sync:catalogueDir': dir })).toEqual([
      `infra/Pulumi.dev.yaml: kv-secrets-sync:catalogueDir: ${JSON.stringify(dir)} holds no environment files (<name>.yaml)`,
    ]);
  });

  test('reports every problem at once', () => {
    const e = (() => {
      try {
        parseStackSettings('dev', { 'kv-secrets-sync:kubeloginMode': 'x', 'kv-secrets-sync:foo': 'y' });
      } catch (err) {
        return err as Error;
      }
      return undefined;
    })();
    expect(e?.message).toMatch(/^3 problems in the stack settings:\n {2}/);
  });
});
