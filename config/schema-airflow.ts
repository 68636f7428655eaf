/**
 * How Airflow tasks consume a synced Secret: environment variables per key, every key as an environment
 * variable (`envFrom`), a volume mount, or an Airflow connection (`AIRFLOW_CONN_<ID>`) that the ExternalSecret
 * template assembles from several Key Vault secrets.
 *
 * `npm run synth` turns these declarations into `dist/<env>/airflow/` (a Python module and a JSON file) that DAG
 * repositories vendor, so a DAG names a Secret and key through the catalogue instead of by hand. Cross-field
 * rules (keys exist, one owner per environment variable) live in `airflow.ts`.
 *
 * @see https://airflow.apache.org/docs/apache-airflow/stable/howto/connection.html
 * @see https://airflow.apache.org/docs/apache-airflow-providers-cncf-kubernetes/stable/operators.html
 */
import { z } from 'zod';
import { ruleString } from './rule-string';
import { SECRET_KEY, formatRule } from './rules';

/**
 * Environment variable name as POSIX shells and Python's `os.environ` read it.
 * @see https://pubs.opengroup.org/onlinepubs/9699919799/basedefs/V1_chap08.html
 */
export const ENV_VAR_NAME = formatRule(
  'an environment variable name',
  'letters, digits and "_", not starting with a digit',
  /^[A-Za-z_][A-Za-z0-9_]*$/,
);

/**
 * Airflow connection id usable from an environment variable: Airflow reads `AIRFLOW_CONN_` + the upper-cased id,
 * so the id may hold only characters an environment variable name can.
 * @see https://airflow.apache.org/docs/apache-airflow/stable/howto/connection.html#storing-connections-in-environment-variables
 */
export const AIRFLOW_CONN_ID = formatRule(
  'an Airflow connection id',
  '1-200 letters, digits and "_" (Airflow reads it from AIRFLOW_CONN_<ID>; lowercase with underscores is the convention)',
  /^[A-Za-z0-9_]{1,200}$/,
);

/** Airflow connection type, as the provider registers it (`postgres`, `snowflake`, `google_cloud_platform`). */
export const AIRFLOW_CONN_TYPE = formatRule(
  'an Airflow connection type',
  'lowercase letters, digits and "_", starting with a letter, as the provider names it (e.g. "postgres", "snowflake")',
  /^[a-z][a-z0-9_]*$/,
);

const segments = (v: string) => v.split('/').filter((s) => s.length > 0);
const normal = (s: string) => s !== '.' && s !== '..';

/**
 * Absolute, normalized container path for a volume mount.
 * @see https://kubernetes.io/docs/concepts/storage/volumes/#secret
 */
export const MOUNT_PATH = formatRule(
  'an absolute mount path',
  'an absolute path such as /opt/airflow/secrets/salesforce: starts with "/", no "." or ".." segments, no "//", no trailing "/", no ":" or whitespace',
  /^(\/[^/\s:]+)+$/,
  (v) => segments(v).every(normal),
);

/** A file name (or relative path) inside a secret volume. */
export const VOLUME_ITEM_PATH = formatRule(
  'a relative file path',
  'a relative path such as "credentials.json": no leading "/", no "." or ".." segments, no "//", no whitespace',
  /^[^/\s:]+(\/[^/\s:]+)*$/,
  (v) => segments(v).every(normal),
);

/** A connection field read from a key the ExternalSecret fetched. */
export const ConnectionKeyRefSchema = z
  .strictObject({
    secretKey: ruleString(SECRET_KEY, 'A key of data (or of dataFrom) whose value fills this field.'),
  })
  .meta({ description: 'Fill the field from a fetched key; the template escapes it for the connection format.' });

const fieldValue = z
  .union([z.string(), ConnectionKeyRefSchema], { error: 'must be a literal string or {secretKey: <fetched key>}' })
  .meta({ description: 'A literal string, or {secretKey} to read the value from a fetched key.' });

const extraValue = z
  .union([z.string(), z.number(), z.boolean(), ConnectionKeyRefSchema], {
    error: 'must be a literal string, number or boolean, or {secretKey: <fetched key>}',
  })
  .meta({ description: 'A literal value, or {secretKey} to read it from a fetched key.' });

/**
 * An Airflow connection the Secret carries under `AIRFLOW_CONN_<ID>`. The ExternalSecret template is generated
 * from these fields, with every value escaped for the chosen format, so DAGs and the Secret agree on the key.
 */
export const AirflowConnectionSchema = z
  .strictObject({
    id: ruleString(AIRFLOW_CONN_ID, 'Connection id, as DAGs pass it (e.g. snowflake_default).'),
    type: ruleString(AIRFLOW_CONN_TYPE, 'Connection type (conn_type), e.g. postgres, snowflake, http.'),
    format: z.enum(['json', 'uri']).default('json').meta({
      description:
        'json (Airflow 2.3+, any extra shape, robust escaping) or uri (every Airflow version; extras become query parameters).',
    }),
    host: fieldValue.optional(),
    login: fieldValue.optional(),
    password: fieldValue.optional(),
    schema: fieldValue.optional().meta({ description: 'Connection schema (for databases: the database name).' }),
    port: z
      .union([z.number().int().min(1).max(65535), ConnectionKeyRefSchema], {
        error: 'must be a port number (1-65535) or {secretKey: <fetched key>}',
      })
      .optional(),
    extra: z
      .record(z.string().min(1), extraValue)
      .optional()
      .meta({ description: 'Provider-specific extras (e.g. account, warehouse for snowflake).' }),
  })
  .meta({ description: 'An Airflow connection assembled by the ExternalSecret template into AIRFLOW_CONN_<ID>.' });

/** A volume mount of the Secret in the task container. */
export const AirflowVolumeSchema = z
  .strictObject({
    mountPath: ruleString(MOUNT_PATH, 'Where the Secret is mounted (read-only) in the task container.'),
    items: z
      .record(ruleString(SECRET_KEY), ruleString(VOLUME_ITEM_PATH))
      .optional()
      .meta({ description: 'Mount only these keys, as these file names (Secret key → path under mountPath).' }),
  })
  .meta({ description: 'Mount the Secret as files (one file per key, or the listed items).' });

/** How Airflow task pods consume one Secret. */
export const AirflowConsumptionSchema = z
  .strictObject({
    env: z
      .record(ruleString(SECRET_KEY), ruleString(ENV_VAR_NAME))
      .optional()
      .meta({ description: 'Secret key → environment variable name (e.g. username: SALESFORCE_USERNAME).' }),
    envFrom: z
      .boolean()
      .default(false)
      .meta({ description: 'Expose every key of the Secret as an environment variable of the same name (envFrom).' }),
    volume: AirflowVolumeSchema.optional(),
    connection: AirflowConnectionSchema.optional(),
  })
  .meta({
    description:
      'How Airflow task pods consume this Secret; synth generates dist/<env>/airflow/ (Python helpers and JSON) from it.',
  });

/** A parsed `secrets[].airflow` (defaults applied). */
export type AirflowConsumption = z.output<typeof AirflowConsumptionSchema>;
/** A parsed `secrets[].airflow.connection`. */
export type AirflowConnection = z.output<typeof AirflowConnectionSchema>;
/** A parsed `secrets[].airflow.volume`. */
export type AirflowVolume = z.output<typeof AirflowVolumeSchema>;
/** `{secretKey}`: a connection field read from a fetched key. */
export type ConnectionKeyRef = z.output<typeof ConnectionKeyRefSchema>;
