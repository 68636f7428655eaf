/** The program during `pulumi preview` (mocks in preview mode): gitops catalogue checks fail the preview. */
import type * as ProgramModule from '../../infra/program';
import { Recorder, installMocks, settle, valueOf } from '../util/pulumi-mocks';
import { answerAzure, environment, liveClientId } from './fixtures';

let rec: Recorder;
let program: typeof ProgramModule;

beforeAll(async () => {
  rec = await installMocks({ preview: true, stack: 'staging' });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  program = require('../../infra/program') as typeof ProgramModule;
});

test('fails the preview with the value to write when an existing identity has no client id in the catalogue', async () => {
  const env = environment('staging');
  delete env.identities[1]!.clientId;
  answerAzure(rec, env, { matchCatalogue: true });
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  const stack = program.environmentStack('staging', { environment: 'staging', catalogueDir: 'environments', kubeloginMode: 'azurecli' }, env);
  await settle();
  const live = liveClientId(env, 'shared-secrets-reader', true);
  await expect(valueOf(stack.outputs.catalogueCheck)).rejects.toThrow(
    `environments/staging.yaml: identities[1].clientId: missing; write clientId: ${live} (the client id of managed identity "shared-secrets-reader"), then run \`npm run synth\``,
  );
  await new Promise((resolve) => setImmediate(resolve));
  expect(rec.takeFailures()).toEqual([expect.stringContaining(`write clientId: ${live}`)]);
  expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([expect.stringContaining('identities[1].clientId: not recorded yet')]);
  warn.mockRestore();
});
