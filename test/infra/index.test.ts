/** The entry point: stack settings from Pulumi config, the catalogue environment they name, the exports. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { defaultCatalogueDir } from '../../config';
import { Recorder, installMocks, settle, valueOf } from '../util/pulumi-mocks';
import { answerAzure, environment } from './fixtures';

let rec: Recorder;

beforeAll(async () => {
  rec = await installMocks({ stack: 'staging' });
});

/** Runs the entry point: the program runs on import, so a second run needs a fresh module registry. */
let loaded = false;
function loadIndex(): Record<string, any> {
  let mod: Record<string, any> = {};
  const load = () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require('../../infra/index');
  };
  if (loaded) jest.isolateModules(load);
  else load();
  loaded = true;
  return mod;
}

/** What the entry point throws (it must throw). */
function loadIndexError(): unknown {
  try {
    loadIndex();
  } catch (e) {
    return e;
  }
  throw new Error('expected the entry point to fail');
}

test('the staging stack deploys environments/staging.yaml and exports what operators need', async () => {
  pulumi.runtime.setAllConfig({ 'kv-secrets-sync:environment': 'staging' });
  answerAzure(rec, environment('staging'));
  const out = loadIndex();
  await settle();
  expect(out.environment).toBe('staging');
  expect(out.delivery).toBe('gitops');
  expect(await valueOf(out.vaultUri as pulumi.Output<string>)).toBe('https://kv-dataplat-stg-weu.vault.azure.net/');
  expect(await valueOf(pulumi.output(out.clientIds as Record<string, pulumi.Output<string>>))).toEqual({
    'airflow-secrets-reader': '5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f',
    'shared-secrets-reader': '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
  });
  expect(await valueOf(out.esoReleaseStatus as pulumi.Output<string>)).toBe('deployed');
  expect(await valueOf(out.catalogueCheck as pulumi.Output<string>)).toBe('ok');
  expect(rec.get('azure-native:keyvault:Vault', 'key-vault-vault').inputs.vaultName).toBe('kv-dataplat-stg-weu');
});

test('fails when the stack settings are wrong, before anything is created, without a stack trace', () => {
  rec.reset();
  pulumi.runtime.setAllConfig({ 'kv-secrets-sync:environment': 'stagin' });
  const error = loadIndexError();
  expect(pulumi.RunError.isInstance(error)).toBe(true);
  expect((error as Error).message).toContain(
    'infra/Pulumi.staging.yaml: kv-secrets-sync:environment: "stagin" is not a catalogue environment (allowed: "dev", "prod", "staging")',
  );
  expect(rec.resources).toHaveLength(0);
});

test('fails when the catalogue is over its Key Vault request budget, like synth, before anything is created', () => {
  rec.reset();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'infra-budget-'));
  fs.cpSync(defaultCatalogueDir(), dir, { recursive: true });
  const file = path.join(dir, 'staging.yaml');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/maxSteadyStatePercent: [0-9.]+/, 'maxSteadyStatePercent: 0.001'));
  pulumi.runtime.setAllConfig({ 'kv-secrets-sync:environment': 'staging', 'kv-secrets-sync:catalogueDir': dir });
  const error = loadIndexError();
  expect(pulumi.RunError.isInstance(error)).toBe(true);
  expect((error as Error).message).toMatch(/^the Key Vault request budget is exceeded:\n {2}vault kv-dataplat-stg-weu \(staging\): steady state .* above budget\.maxSteadyStatePercent 0\.001%/);
  expect((error as Error).message).toMatch(/staging\.yaml:\d+:\d+: secrets\[\d+\]: airflow\/airflow-variables: /);
  expect(rec.resources).toHaveLength(0);
});
