import {
  airflowReferences,
  airflowVolumeName,
  connectionEnvVar,
  connectionTemplate,
  pythonConstant,
  pythonNamespace,
  secretTemplate,
} from '../../config';
import { AirflowConnectionSchema } from '../../config/schema-airflow';
import { baseCatalogue, load, problems, secret } from '../util/airflow-catalogue';

const conn = (c: Record<string, unknown>) => AirflowConnectionSchema.parse({ id: 'x', type: 'postgres', ...c });

describe('secrets[].airflow loads', () => {
  test('env, envFrom, volume and connection declarations become references', () => {
    const env = load(
      baseCatalogue([
        secret('sf', { airflow: { env: { user: 'SF_USER', password: 'SF_PASSWORD' } } }),
        secret('pg', {
          airflow: { connection: { id: 'pg_main', type: 'postgres', login: { secretKey: 'user' }, password: { secretKey: 'password' } } },
        }),
        secret('files', { airflow: { volume: { mountPath: '/opt/airflow/secrets/files', items: { user: 'user.txt' } } } }),
        secret('all', { data: { API_KEY: 'api-key' }, airflow: { envFrom: true } }),
      ]),
    );
    const refs = airflowReferences(env);
    expect(refs.map((r) => `${r.namespace}/${r.secretName}`)).toEqual(['airflow/all', 'airflow/files', 'airflow/pg', 'airflow/sf']);
    const [all, files, pg, sf] = refs;
    expect(sf).toMatchObject({
      python: { namespace: 'airflow', constant: 'SF' },
      keys: ['password', 'user'],
      env: [
        { name: 'SF_USER', key: 'user' },
        { name: 'SF_PASSWORD', key: 'password' },
      ],
      envFrom: false,
    });
    expect(pg).toMatchObject({
      keys: ['AIRFLOW_CONN_PG_MAIN'],
      env: [{ name: 'AIRFLOW_CONN_PG_MAIN', key: 'AIRFLOW_CONN_PG_MAIN' }],
      connection: { id: 'pg_main', type: 'postgres', format: 'json', envVar: 'AIRFLOW_CONN_PG_MAIN' },
    });
    expect(files!.volume).toEqual({ name: 'kv-files', mountPath: '/opt/airflow/secrets/files', items: [{ key: 'user', path: 'user.txt' }] });
    expect(all).toMatchObject({ envFrom: true, env: [], keys: ['API_KEY'] });
  });

  test('the same environment variable may be used in two namespaces', () => {
    const other = { ...secret('sf', { airflow: { env: { user: 'SF_USER' } } }), namespace: 'other', store: 'kv-other' };
    expect(problems(baseCatalogue([secret('sf', { airflow: { env: { user: 'SF_USER' } } }), other]))).toEqual([]);
  });

  test('a connection secret with envFrom exposes the connection through envFrom only', () => {
    const env = load(baseCatalogue([secret('pg', { airflow: { envFrom: true, connection: { id: 'pg', type: 'postgres' } } })]));
    expect(airflowReferences(env)[0]).toMatchObject({ env: [], envFrom: true, keys: ['AIRFLOW_CONN_PG'] });
  });
});

describe('connection templates', () => {
  test('JSON form reads fetched keys through toJson and writes literals as JSON', () => {
    expect(
      connectionTemplate(
        conn({
          id: 'snowflake_default',
          type: 'snowflake',
          login: { secretKey: 'user' },
          password: { secretKey: 'pass-word' },
          port: 443,
          extra: { account: { secretKey: 'account' }, warehouse: 'LOAD_WH', insecure_mode: false, note: 'a {{ b }} "c"' },
        }),
      ),
    ).toBe(
      '{"conn_type":"snowflake","login":{{ .user | toJson }},"password":{{ index . "pass-word" | toJson }},"port":443,' +
        '"extra":{"account":{{ .account | toJson }},"warehouse":"LOAD_WH","insecure_mode":false,"note":"a {{ "{{" }} b }} \\"c\\""}}',
    );
  });

  test('URI form percent-encodes userinfo, host and schema and query-encodes extras', () => {
    expect(
      connectionTemplate(
        conn({
          type: 'google_cloud_platform',
          format: 'uri',
          login: { secretKey: 'user' },
          password: { secretKey: 'password' },
          host: 'db.example.com',
          port: 5432,
          schema: 'my db',
          extra: { sslmode: 'require', 'key file': '/a b&c', token: { secretKey: 'token' } },
        }),
      ),
    ).toBe(
      'google-cloud-platform://{{ .user | urlquery | replace "+" "%20" }}:{{ .password | urlquery | replace "+" "%20" }}' +
        '@db.example.com:5432/my%20db?sslmode=require&key+file=%2Fa+b%26c&token={{ .token | urlquery }}',
    );
  });

  test('URI form without host and schema keeps the separators Airflow parses', () => {
    expect(connectionTemplate(conn({ format: 'uri', port: 5432 }))).toBe('postgres://@:5432');
    expect(connectionTemplate(conn({ format: 'uri', login: 'u', extra: { a: 1 } }))).toBe('postgres://u@/?a=1');
  });

  test('the connection key is added to the template; without a template the Secret holds only the connection', () => {
    const env = load(
      baseCatalogue([
        secret('pg', { airflow: { connection: { id: 'pg', type: 'postgres', login: { secretKey: 'user' } } } }),
        secret('pg2', {
          template: { mergePolicy: 'Merge', data: { dsn: '{{ .user }}' } },
          airflow: { connection: { id: 'pg2', type: 'postgres' } },
        }),
      ]),
    );
    expect(secretTemplate(env.secrets[0]!)).toEqual({
      type: 'Opaque',
      mergePolicy: 'Replace',
      data: { AIRFLOW_CONN_PG: '{"conn_type":"postgres","login":{{ .user | toJson }}}' },
    });
    expect(secretTemplate(env.secrets[1]!)).toEqual({
      type: 'Opaque',
      mergePolicy: 'Merge',
      data: { dsn: '{{ .user }}', AIRFLOW_CONN_PG2: '{"conn_type":"postgres"}' },
    });
    expect(connectionEnvVar('snowflake_default')).toBe('AIRFLOW_CONN_SNOWFLAKE_DEFAULT');
  });
});

describe('names', () => {
  test('Python names follow the namespace and Secret names', () => {
    expect(pythonNamespace('data-services')).toBe('data_services');
    expect(pythonNamespace('import')).toBe('import_');
    expect(pythonNamespace('k8s')).toBe('k8s_');
    expect(pythonNamespace('2fa')).toBe('ns_2fa');
    expect(pythonConstant('salesforce-credentials')).toBe('SALESFORCE_CREDENTIALS');
    expect(pythonConstant('a.b-c')).toBe('A_B_C');
    expect(pythonConstant('1password')).toBe('SECRET_1PASSWORD');
  });

  test('volume names are DNS labels, hashed only when the Secret name does not fit', () => {
    expect(airflowVolumeName('partner-sftp-key')).toBe('kv-partner-sftp-key');
    const long = airflowVolumeName(`a${'-b'.repeat(40)}`);
    expect(long).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
    expect(airflowVolumeName('a.b')).not.toBe(airflowVolumeName('a-b'));
    expect(airflowVolumeName('a.b')).toMatch(/^kv-a-b-[0-9a-f]{8}$/);
  });
});

describe('fails when', () => {
  const one = (extra: Record<string, unknown>, data?: Record<string, unknown>) =>
    problems(baseCatalogue([secret('sf', { ...(data ? { data } : {}), ...extra })]));

  test('fails when an environment variable name is not POSIX', () => {
    expect(one({ airflow: { env: { user: 'SF-USER' } } })).toEqual([
      'secrets[0].airflow.env.user: "SF-USER" is not an environment variable name (letters, digits and "_", not starting with a digit)',
    ]);
  });

  test('fails when an environment variable name has lowercase letters', () => {
    expect(one({ airflow: { env: { user: 'sf_user' } } })).toEqual([
      'secrets[0].airflow.env.user: "sf_user" has lowercase letters: KubernetesPodOperator\'s Secret upper-cases environment variables, so executor_config and KubernetesPodOperator would disagree; write "SF_USER"',
    ]);
  });

  test('fails when two secrets claim one environment variable in a namespace', () => {
    expect(
      problems(
        baseCatalogue([secret('a', { airflow: { env: { user: 'DB_USER' } } }), secret('b', { airflow: { env: { user: 'DB_USER' } } })]),
      ),
    ).toEqual([
      'secrets[1].airflow.env.user: environment variable "DB_USER" is already set from secrets[0] (airflow/a) at secrets[0].airflow.env.user; a task pod using both would get one of them silently, so one variable has one source per namespace: rename one',
    ]);
  });

  test('fails when one secret sets a variable from two keys', () => {
    expect(one({ airflow: { env: { user: 'DB', password: 'DB' } } })).toEqual([
      'secrets[0].airflow.env.password: environment variable "DB" is already set from this secret\'s key "user" at secrets[0].airflow.env.user; a task pod using both would get one of them silently, so one variable has one source per namespace: rename one',
    ]);
  });

  test('fails when a connection variable clashes with another secret\'s variable', () => {
    expect(
      problems(
        baseCatalogue([
          secret('a', { airflow: { env: { user: 'AIRFLOW_CONN_PG' } } }),
          secret('b', { airflow: { connection: { id: 'pg', type: 'postgres' } } }),
        ]),
      ),
    ).toEqual([expect.stringMatching(/^secrets\[1\]\.airflow\.connection\.id: environment variable "AIRFLOW_CONN_PG" is already set from secrets\[0\]/)]);
  });

  test('fails when env reads a key the Secret does not hold', () => {
    expect(one({ airflow: { env: { token: 'TOKEN' } } })).toEqual([
      'secrets[0].airflow.env.token: reads key "token", which Secret sf does not hold (keys: "password", "user")',
    ]);
  });

  test('fails when env reads a fetched key that the template replaced', () => {
    expect(one({ template: { data: { dsn: '{{ .user }}' } }, airflow: { env: { user: 'USER' } } })).toEqual([
      'secrets[0].airflow.env.user: reads key "user", which Secret sf does not hold (keys: "dsn"); the template replaces the fetched keys: set template.mergePolicy to Merge to keep them',
    ]);
  });

  test('fails when envFrom is used with dataFrom', () => {
    expect(
      problems(
        baseCatalogue([{ name: 'vars', namespace: 'airflow', store: 'kv', dataFrom: [{ find: { name: '^var-' } }], airflow: { envFrom: true } }]),
      ),
    ).toEqual([
      'secrets[0].airflow.envFrom: cannot be checked: dataFrom decides the keys of Secret vars at sync time, so the variables it would set are unknown; name them under env instead',
    ]);
  });

  test('fails when envFrom would expose a key that is not a variable name', () => {
    expect(one({ airflow: { envFrom: true } }, { 'api-key': 'api-key', TOKEN: 'token' })).toEqual([
      'secrets[0].airflow.envFrom: key "api-key" of Secret sf is not an environment variable name (letters, digits and "_", not starting with a digit); map the keys under env, or mount the Secret as a volume',
    ]);
  });

  test('fails when a connection id is not usable in an environment variable', () => {
    expect(one({ airflow: { connection: { id: 'snowflake-default', type: 'snowflake' } } })).toEqual([
      'secrets[0].airflow.connection.id: "snowflake-default" is not an Airflow connection id (1-200 letters, digits and "_" (Airflow reads it from AIRFLOW_CONN_<ID>; lowercase with underscores is the convention))',
    ]);
  });

  test('fails when a connection type is not a provider type name', () => {
    expect(one({ airflow: { connection: { id: 'pg', type: 'Postgres SQL' } } })).toEqual([
      expect.stringMatching(/^secrets\[0\]\.airflow\.connection\.type: "Postgres SQL" is not an Airflow connection type/),
    ]);
  });

  test('fails when a connection field reads a key that was not fetched', () => {
    expect(one({ airflow: { connection: { id: 'pg', type: 'postgres', extra: { token: { secretKey: 'token' } } } } })).toEqual([
      'secrets[0].airflow.connection.extra.token.secretKey: "token" is not a key of data (keys: "user", "password")',
    ]);
  });

  test('fails when template.data already defines the connection key', () => {
    expect(
      one({ template: { data: { AIRFLOW_CONN_PG: 'postgres://{{ .user }}' } }, airflow: { connection: { id: 'pg', type: 'postgres' } } }),
    ).toEqual([
      'secrets[0].airflow.connection.id: the connection writes key "AIRFLOW_CONN_PG", which template.data also defines; remove template.data["AIRFLOW_CONN_PG"] (the connection generates it)',
    ]);
  });

  test('fails when a mount path is not absolute and normalized', () => {
    expect(one({ airflow: { volume: { mountPath: 'secrets/sf' } } })).toEqual([
      'secrets[0].airflow.volume.mountPath: "secrets/sf" is not an absolute mount path (an absolute path such as /opt/airflow/secrets/salesforce: starts with "/", no "." or ".." segments, no "//", no trailing "/", no ":" or whitespace)',
    ]);
    expect(one({ airflow: { volume: { mountPath: '/opt/../etc' } } })).toHaveLength(1);
    expect(one({ airflow: { volume: { mountPath: '/opt/airflow/' } } })).toHaveLength(1);
  });

  test('fails when a volume item path leaves the mount', () => {
    expect(one({ airflow: { volume: { mountPath: '/s', items: { user: '../user' } } } })).toEqual([
      'secrets[0].airflow.volume.items.user: "../user" is not a relative file path (a relative path such as "credentials.json": no leading "/", no "." or ".." segments, no "//", no whitespace)',
    ]);
  });

  test('fails when a volume item reads a key the Secret does not hold', () => {
    expect(one({ airflow: { volume: { mountPath: '/s', items: { token: 'token' } } } })).toEqual([
      'secrets[0].airflow.volume.items.token: reads key "token", which Secret sf does not hold (keys: "password", "user")',
    ]);
  });

  test('fails when two secrets mount at one path in a namespace', () => {
    expect(
      problems(
        baseCatalogue([secret('a', { airflow: { volume: { mountPath: '/s' } } }), secret('b', { airflow: { volume: { mountPath: '/s' } } })]),
      ),
    ).toEqual([
      'secrets[1].airflow.volume.mountPath: "/s" is already the mount path of secrets[0] (airflow/a); a pod cannot mount two volumes at one path: choose another',
    ]);
  });

  test('fails when two Secret names become one Python name in a namespace', () => {
    expect(
      problems(
        baseCatalogue([
          secret('a-b', { airflow: { volume: { mountPath: '/a' } } }),
          secret('a.b', { data: { user: 'ab-user' }, airflow: { volume: { mountPath: '/b' } } }),
        ]),
      ),
    ).toEqual([
      'secrets[1].name: "a.b" becomes the Python name A_B, as secrets[0] "a-b" does in namespace "airflow"; rename one of the Secrets',
    ]);
  });

  test('fails when airflow declares no consumption', () => {
    expect(one({ airflow: {} })).toEqual(['secrets[0].airflow: declares no consumption: give env, envFrom: true, volume or connection']);
  });
});
