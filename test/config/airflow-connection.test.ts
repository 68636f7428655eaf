/**
 * End to end for generated connection templates: render them as ESO would (Go template semantics) with hostile
 * values, then parse the result under python3 the way Airflow reads AIRFLOW_CONN_* (JSON or URI form), and
 * check every field arrives unchanged.
 */
import * as path from 'node:path';
import { AirflowConnection, connectionTemplate, loadEnvironments, secretTemplate } from '../../config';
import { AirflowConnectionSchema } from '../../config/schema-airflow';
import { renderGoTemplate } from '../util/go-template';
import { runPython } from '../util/python';

const PROBE = path.join(__dirname, '..', 'util', 'airflow_connection_probe.py');

interface Parsed {
  conn_type: string;
  host: string | null;
  login: string | null;
  password: string | null;
  schema: string | null;
  port: number | null;
  extra: Record<string, unknown> | null;
}

function parseAsAirflow(items: ReadonlyArray<{ format: string; value: string }>): Parsed[] {
  return JSON.parse(runPython(PROBE, [JSON.stringify(items)])) as Parsed[];
}

/** Values that break naive templates: URI delimiters, spaces, plus signs, percent, quotes, non-ASCII, braces. */
const HOSTILE = {
  user: 'svc user+ops@corp',
  password: `p@ss:w/rd?#[]& +%25"'\\ é{{x}}<>`,
  account: 'xy12345.west-europe.azure',
  'api-key': 'k=v&x=y z',
  port: '6432',
};

const full = (format: 'json' | 'uri'): AirflowConnection =>
  AirflowConnectionSchema.parse({
    id: 'hostile',
    type: 'google_cloud_platform',
    format,
    host: 'db.example.com',
    login: { secretKey: 'user' },
    password: { secretKey: 'password' },
    schema: 'raw data',
    port: { secretKey: 'port' },
    extra: { account: { secretKey: 'account' }, token: { secretKey: 'api-key' }, region: 'west europe', retries: 3, insecure: false },
  });

test('hostile values survive both forms exactly as Airflow parses them', () => {
  const [json, uri] = parseAsAirflow([
    { format: 'json', value: renderGoTemplate(connectionTemplate(full('json')), HOSTILE) },
    { format: 'uri', value: renderGoTemplate(connectionTemplate(full('uri')), HOSTILE) },
  ]);
  const fields = {
    conn_type: 'google_cloud_platform',
    host: 'db.example.com',
    login: HOSTILE.user,
    password: HOSTILE.password,
    schema: 'raw data',
    port: 6432,
  };
  expect(json).toEqual({
    ...fields,
    extra: { account: HOSTILE.account, token: HOSTILE['api-key'], region: 'west europe', retries: 3, insecure: false },
  });
  // URI extras are query parameters, so every value arrives as a string (Airflow's own get_uri does the same).
  expect(uri).toEqual({
    ...fields,
    extra: { account: HOSTILE.account, token: HOSTILE['api-key'], region: 'west europe', retries: '3', insecure: 'false' },
  });
});

test("the example environments' connections parse to the declared fields", () => {
  const items: Array<{ format: string; value: string }> = [];
  const expected: Parsed[] = [];
  for (const env of loadEnvironments(undefined, { requireClientIds: true })) {
    for (const secret of env.secrets) {
      const conn = secret.airflow?.connection;
      if (!conn) continue;
      const fetched = Object.fromEntries(Object.keys(secret.data ?? {}).map((k) => [k, HOSTILE.password]));
      const template = secretTemplate(secret)!.data![`AIRFLOW_CONN_${conn.id.toUpperCase()}`]!;
      items.push({ format: conn.format, value: renderGoTemplate(template, fetched) });
      const value = (v: unknown) => (typeof v === 'object' && v !== null ? HOSTILE.password : v);
      expected.push({
        conn_type: conn.type,
        host: conn.host === undefined ? null : (value(conn.host) as string),
        login: conn.login === undefined ? null : (value(conn.login) as string),
        password: conn.password === undefined ? null : (value(conn.password) as string),
        schema: conn.schema === undefined ? null : (value(conn.schema) as string),
        port: conn.port === undefined ? null : Number(value(conn.port)),
        extra: conn.extra
          ? Object.fromEntries(Object.entries(conn.extra).map(([k, v]) => [k, conn.format === 'uri' ? String(value(v)) : value(v)]))
          : null,
      });
    }
  }
  expect(items.length).toBeGreaterThanOrEqual(6);
  expect(parseAsAirflow(items)).toEqual(expected);
});
