import { catalogueSecrets, deliveredSecrets } from '../../config';
import { selectSecrets } from '../../cli/force-sync';
import { compareStatus } from '../../cli/status';
import { catalogueReferences } from '../../cli/verify';
import { catalogue, dataKeys } from '../util/catalogue-spec';

const env = catalogue({
  secrets: [{ name: 'own', namespace: 'airflow', store: 'kv', data: dataKeys(1) }],
  sharedSecrets: [
    { name: 'smtp', namespaces: ['airflow', 'data'], store: 'kv', data: { username: 'smtp-username' } },
    { name: 'opt-in', namespaces: ['data'], namespaceSelector: { matchLabels: { 'smtp/opt-in': 'true' } }, store: 'kv', data: { token: 'opt-in-token' } },
  ],
});

test('shared secrets are delivered once per namespace they can reach', () => {
  expect(catalogueSecrets(env).map((s) => [s.entry.name, s.path.join('.'), s.namespaces.join(',')])).toEqual([
    ['own', 'secrets.0', 'airflow'],
    ['smtp', 'operations.sharedSecrets.0', 'airflow,data'],
    ['opt-in', 'operations.sharedSecrets.1', 'data'],
  ]);
  expect(deliveredSecrets(env).map((s) => `${s.namespace}/${s.entry.name}${s.selected ? ' (selected)' : ''}`)).toEqual([
    'airflow/own',
    'airflow/smtp',
    'data/smtp',
    'data/opt-in (selected)',
  ]);
});

test('verify checks the Key Vault references of shared secrets, located in operations.sharedSecrets', () => {
  const refs = catalogueReferences(env).filter((r) => r.path[0] === 'operations');
  expect(refs.map((r) => [r.kind === 'key' ? r.name : '', r.target, r.path.join('.')])).toEqual([
    ['smtp-username', '{airflow,data}/smtp', 'operations.sharedSecrets.0.data.username'],
    ['opt-in-token', 'data/opt-in', 'operations.sharedSecrets.1.data.token'],
  ]);
});

test('status expects the ExternalSecrets of shared secrets, but not those a selector may skip', () => {
  const rows = compareStatus(env, []);
  const missing = rows.filter((r) => r.kind === 'ExternalSecret' && r.presence === 'missing').map((r) => `${r.namespace}/${r.name}`);
  expect(missing.sort()).toEqual(['airflow/own', 'airflow/smtp', 'data/smtp']);
});

test('force-sync selects the ExternalSecrets of shared secrets, in every namespace they reach', () => {
  expect(selectSecrets(env, { all: true }).map((s) => `${s.namespace}/${s.name}`)).toEqual(['airflow/own', 'airflow/smtp', 'data/smtp', 'data/opt-in']);
  expect(selectSecrets(env, { name: ['smtp'] }).map((s) => `${s.namespace}/${s.name}`)).toEqual(['airflow/smtp', 'data/smtp']);
  expect(selectSecrets(env, { namespace: 'data' }).map((s) => s.name)).toEqual(['smtp', 'opt-in']);
});
