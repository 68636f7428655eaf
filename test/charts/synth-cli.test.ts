import { runSynth } from '../util/synth';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultCatalogueDir } from '../../config';
import { SCHEMA_FILE, renderSchema } from '../../scripts/generate-schema';
import { listFiles } from '../util/dist';

function tempCopyOfCatalogue(): { catalogue: string; out: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-'));
  const catalogue = path.join(root, 'environments');
  fs.cpSync(defaultCatalogueDir(), catalogue, { recursive: true });
  return { catalogue, out: path.join(root, 'dist') };
}

const run = runSynth;

describe('npm run synth', () => {
  test('writes every environment and prints a summary line each', () => {
    const { catalogue, out } = tempCopyOfCatalogue();
    const r = run(['--catalogue', catalogue, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toHaveLength(3);
    expect(r.stdout).toMatch(/^dev: 1 ClusterSecretStore, \d+ ExternalSecret, (\d+ [A-Za-z]+, )*1 SecretStore, 2 ServiceAccount(, \d+ [A-Za-z]+)* -> .*dist\/dev\/$/m);
    expect(listFiles(path.join(out, 'dev'))).toContain('kustomization.yaml');
  });

  test('writes one environment with --env and leaves the others alone', () => {
    const { catalogue, out } = tempCopyOfCatalogue();
    fs.mkdirSync(path.join(out, 'prod'), { recursive: true });
    fs.writeFileSync(path.join(out, 'prod', 'sentinel'), 'x');
    expect(run(['--catalogue', catalogue, '--out', out, '--env', 'dev']).code).toBe(0);
    expect(fs.existsSync(path.join(out, 'prod', 'sentinel'))).toBe(true);
    expect(fs.existsSync(path.join(out, 'dev', 'external-secrets.yaml'))).toBe(true);
  });

  test('replaces an environment folder whole and prunes removed environments', () => {
    const { catalogue, out } = tempCopyOfCatalogue();
    fs.mkdirSync(path.join(out, 'dev'), { recursive: true });
    fs.writeFileSync(path.join(out, 'dev', 'stale.yaml'), 'x');
    fs.mkdirSync(path.join(out, 'qa'), { recursive: true });
    expect(run(['--catalogue', catalogue, '--out', out]).code).toBe(0);
    expect(fs.existsSync(path.join(out, 'dev', 'stale.yaml'))).toBe(false);
    expect(fs.existsSync(path.join(out, 'qa'))).toBe(false);
    expect(fs.readdirSync(out).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  test('fails when any catalogue is invalid, names the problem and writes nothing', () => {
    const { catalogue, out } = tempCopyOfCatalogue();
    expect(run(['--catalogue', catalogue, '--out', out]).code).toBe(0);
    const before = listFiles(out).map((f) => [f, fs.readFileSync(path.join(out, f), 'utf8')]);
    const prod = path.join(catalogue, 'prod.yaml');
    fs.writeFileSync(prod, fs.readFileSync(prod, 'utf8').replace('salesforce-password', 'sales_pw'));
    fs.writeFileSync(path.join(catalogue, 'dev.yaml'), fs.readFileSync(path.join(catalogue, 'dev.yaml'), 'utf8') + '\nsurprise: 1\n');
    const r = run(['--catalogue', catalogue, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('secrets[0].data.password: "sales_pw" is not a Key Vault secret name (1-127 letters, digits and dashes)');
    expect(r.stderr).toMatch(/dev\.yaml:\d+:1: surprise: unknown field/);
    expect(r.stderr).toContain('nothing was written.');
    expect(listFiles(out).map((f) => [f, fs.readFileSync(path.join(out, f), 'utf8')])).toEqual(before);
  });

  test('fails when the environment is unknown, listing the valid ones', () => {
    const { catalogue, out } = tempCopyOfCatalogue();
    const r = run(['--catalogue', catalogue, '--out', out, '--env', 'qa']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('"qa" is not an environment (valid: "dev", "prod", "staging")');
    expect(fs.existsSync(out)).toBe(false);
  });

  test('fails with a usage error on an unknown option', () => {
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(run(['--colour']).code).toBe(2);
    } finally {
      err.mockRestore();
    }
  });
});

test('schema/environment.schema.json is up to date (run `npm run schema` when this fails)', () => {
  const file = path.join(path.dirname(defaultCatalogueDir()), SCHEMA_FILE);
  expect(fs.readFileSync(file, 'utf8')).toBe(renderSchema());
});
