/**
 * Airflow consumption of synced Secrets: the ExternalSecret template an Airflow connection needs, the references
 * DAGs use (environment variables, envFrom, volumes), and the cross-field rules of `secrets[].airflow`.
 *
 * Pure functions of a parsed environment: the ExternalSecrets chart calls {@link secretTemplate}, synth renders
 * {@link airflowReferences} into `dist/<env>/airflow/`, and {@link validateAirflow} runs with the other catalogue
 * rules, so the Secret, its keys and the helpers DAGs import can never disagree.
 */
import { createHash } from 'node:crypto';
import { FieldPath, formatPath } from './errors';
import { matches } from './rules';
import type { Environment, SecretEntry, Template } from './schema';
import { AirflowConnection, ConnectionKeyRef, ENV_VAR_NAME } from './schema-airflow';
import { Finding, outputKeys } from './secret-keys';

/** Prefix Airflow reads connections from. @see https://airflow.apache.org/docs/apache-airflow/stable/howto/connection.html */
export const AIRFLOW_CONN_ENV_PREFIX = 'AIRFLOW_CONN_';

/** The environment variable (and Secret key) carrying connection `id`: `AIRFLOW_CONN_<ID>`, as Airflow looks it up. */
export function connectionEnvVar(id: string): string {
  return `${AIRFLOW_CONN_ENV_PREFIX}${id.toUpperCase()}`;
}

/** A Go template expression reading fetched key `key` (`.user`, or `index . "api-key"` for other names). */
function goRef(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `.${key}` : `index . ${JSON.stringify(key)}`;
}

/** Literal text for a Go template: `{{` would open an action, so it is written as an action printing `{{`. */
function goText(text: string): string {
  return text.replace(/\{\{/g, '{{ "{{" }}');
}

/** Python's `quote(s, safe="")` (Go's QueryEscape with spaces as %20): what Airflow unquotes in a URI. */
function uriQuote(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Go's `url.QueryEscape` (spaces as `+`), what `parse_qsl` decodes for URI extras. */
function queryEscape(s: string): string {
  return uriQuote(s).replace(/%20/g, '+');
}

const isKeyRef = (v: unknown): v is ConnectionKeyRef => typeof v === 'object' && v !== null && 'secretKey' in v;

/**
 * The ExternalSecret template (Go text/template with sprig, ESO engine v2) that renders connection `conn`
 * from the fetched keys.
 *
 * JSON form: `{"conn_type": ..., "login": ..., "extra": {...}}`, each fetched value through `toJson`, so any
 * character in a password stays valid JSON. URI form: `type://login:password@host:port/schema?extra=...`, with
 * login, password, host and schema percent-encoded the way Airflow's `unquote` reads them (`urlquery`, then `+` →
 * `%20`, since `unquote` does not turn `+` into a space) and extras query-encoded the way `parse_qsl` reads them.
 *
 * @see https://airflow.apache.org/docs/apache-airflow/stable/howto/connection.html#json-format-example
 * @see https://airflow.apache.org/docs/apache-airflow/stable/howto/connection.html#uri-format-example
 * @see https://external-secrets.io/v2.9.0/guides/templating/
 */
export function connectionTemplate(conn: AirflowConnection): string {
  return conn.format === 'uri' ? uriTemplate(conn) : jsonTemplate(conn);
}

function jsonTemplate(conn: AirflowConnection): string {
  const value = (v: string | number | boolean | ConnectionKeyRef): string =>
    isKeyRef(v) ? `{{ ${goRef(v.secretKey)} | toJson }}` : goText(JSON.stringify(v));
  const parts: string[] = [`"conn_type":${JSON.stringify(conn.type)}`];
  for (const field of ['host', 'login', 'password', 'schema', 'port'] as const) {
    const v = conn[field];
    if (v !== undefined) parts.push(`${JSON.stringify(field)}:${value(v)}`);
  }
  if (conn.extra && Object.keys(conn.extra).length > 0) {
    const extra = Object.entries(conn.extra).map(([k, v]) => `${goText(JSON.stringify(k))}:${value(v)}`);
    parts.push(`"extra":{${extra.join(',')}}`);
  }
  return `{${parts.join(',')}}`;
}

function uriTemplate(conn: AirflowConnection): string {
  const part = (v: string | number | ConnectionKeyRef): string =>
    isKeyRef(v) ? `{{ ${goRef(v.secretKey)} | urlquery | replace "+" "%20" }}` : uriQuote(String(v));
  const query = (v: string | number | boolean | ConnectionKeyRef): string =>
    isKeyRef(v) ? `{{ ${goRef(v.secretKey)} | urlquery }}` : queryEscape(String(v));
  // Airflow turns "-" in the scheme back into "_" (RFC 3986 schemes have no "_").
  let uri = `${conn.type.replace(/_/g, '-')}://`;
  let auth = '';
  if (conn.login !== undefined) auth += part(conn.login);
  if (conn.password !== undefined) auth += `:${part(conn.password)}`;
  if (auth) uri += `${auth}@`;
  let host = conn.host !== undefined ? part(conn.host) : '';
  if (conn.port !== undefined) host += `${host === '' && auth === '' ? '@' : ''}:${part(conn.port)}`;
  if (conn.schema !== undefined) host += `/${part(conn.schema)}`;
  uri += host;
  const extra = Object.entries(conn.extra ?? {});
  if (extra.length > 0) {
    uri += `${conn.schema !== undefined ? '?' : '/?'}${extra.map(([k, v]) => `${queryEscape(k)}=${query(v)}`).join('&')}`;
  }
  return uri;
}

/**
 * The template the ExternalSecret of `secret` is written with: the catalogue's `template`, plus the
 * `AIRFLOW_CONN_<ID>` key of a declared connection. A connection without a template yields an Opaque Secret that
 * holds only the connection (mergePolicy Replace), so `envFrom` exposes nothing else.
 */
export function secretTemplate(secret: SecretEntry): Template | undefined {
  const conn = secret.airflow?.connection;
  if (!conn) return secret.template;
  const base: Template = secret.template ?? { type: 'Opaque', mergePolicy: 'Replace' };
  return { ...base, data: { ...base.data, [connectionEnvVar(conn.id)]: connectionTemplate(conn) } };
}

/** `secret` with {@link secretTemplate} applied: what the ExternalSecret produces. */
export function withAirflowTemplate(secret: SecretEntry): SecretEntry {
  const template = secretTemplate(secret);
  return template === secret.template ? secret : { ...secret, template };
}

const PYTHON_RESERVED = new Set([
  // Python keywords and soft keywords a lowercase namespace name could spell.
  ...'and as assert async await break case class continue def del elif else except finally for from global if import in is lambda match nonlocal not or pass raise return try type while with yield'.split(' '),
  // Names the generated module itself defines.
  'annotations',
  'k8s',
  'typing',
  'executor_config',
  'pod_override',
  'pod_operator_secrets',
  'secret',
]);

/** The Python attribute for namespace `ns`: `data-services` → `data_services` (`_` appended to keywords). */
export function pythonNamespace(ns: string): string {
  let id = ns.replace(/-/g, '_');
  if (/^[0-9]/.test(id)) id = `ns_${id}`;
  return PYTHON_RESERVED.has(id) ? `${id}_` : id;
}

/** The Python constant for Secret `name`: `salesforce-credentials` → `SALESFORCE_CREDENTIALS`. */
export function pythonConstant(name: string): string {
  const id = name.replace(/[-.]/g, '_').toUpperCase();
  return /^[0-9]/.test(id) ? `SECRET_${id}` : id;
}

/**
 * The pod volume name for Secret `name`: `kv-<name>`, a DNS label; long or dotted names are shortened and given a
 * hash suffix so two Secrets of one pod never share a volume name.
 */
export function airflowVolumeName(name: string): string {
  const plain = `kv-${name}`;
  if (plain.length <= 63 && !name.includes('.')) return plain;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  const stem = plain.replace(/\./g, '-').slice(0, 63 - 9).replace(/-+$/, '');
  return `${stem}-${hash}`;
}

/** One environment variable a task reads from a Secret key. */
export interface AirflowEnvRef {
  readonly name: string;
  readonly key: string;
}

/** A secret volume as a task mounts it. */
export interface AirflowVolumeRef {
  /** Volume name inside the pod (see {@link airflowVolumeName}). */
  readonly name: string;
  readonly mountPath: string;
  /** Keys projected to file paths; absent: every key, named after the key. */
  readonly items?: ReadonlyArray<{ readonly key: string; readonly path: string }>;
}

/** The Airflow connection a Secret carries. */
export interface AirflowConnectionRef {
  readonly id: string;
  readonly type: string;
  readonly format: 'json' | 'uri';
  /** Environment variable and Secret key: `AIRFLOW_CONN_<ID>`. */
  readonly envVar: string;
}

/** Everything a DAG needs to consume one synced Secret, as the generated helpers expose it. */
export interface AirflowSecretRef {
  readonly namespace: string;
  /** Name of the Kubernetes Secret (the ExternalSecret's target). */
  readonly secretName: string;
  readonly description?: string;
  /** Where the generated Python module exposes it: `<namespace attribute>.<CONSTANT>`. */
  readonly python: { readonly namespace: string; readonly constant: string };
  /** Keys the Secret holds, when the catalogue decides them (not with dataFrom). */
  readonly keys?: readonly string[];
  /** `env` entries with `secretKeyRef`s (the connection's variable first, unless envFrom covers it). */
  readonly env: readonly AirflowEnvRef[];
  /** Every key as a variable (`envFrom.secretRef`). */
  readonly envFrom: boolean;
  readonly volume?: AirflowVolumeRef;
  readonly connection?: AirflowConnectionRef;
}

/** The references of every Secret that declares `airflow`, ordered by namespace and name. */
export function airflowReferences(env: Environment): AirflowSecretRef[] {
  const refs: AirflowSecretRef[] = [];
  for (const secret of env.secrets) {
    const a = secret.airflow;
    if (!a) continue;
    const conn = a.connection;
    const envRefs: AirflowEnvRef[] = [];
    if (conn && !a.envFrom) envRefs.push({ name: connectionEnvVar(conn.id), key: connectionEnvVar(conn.id) });
    for (const [key, name] of Object.entries(a.env ?? {})) envRefs.push({ name, key });
    refs.push({
      namespace: secret.namespace,
      secretName: secret.name,
      description: secret.description,
      python: { namespace: pythonNamespace(secret.namespace), constant: pythonConstant(secret.name) },
      keys: outputKeys(withAirflowTemplate(secret)),
      env: envRefs,
      envFrom: a.envFrom,
      volume: a.volume && {
        name: airflowVolumeName(secret.name),
        mountPath: a.volume.mountPath,
        items: a.volume.items && Object.entries(a.volume.items).map(([key, path]) => ({ key, path })),
      },
      connection: conn && { id: conn.id, type: conn.type, format: conn.format, envVar: connectionEnvVar(conn.id) },
    });
  }
  const order = (r: AirflowSecretRef) => `${r.namespace}\u0000${r.secretName}`;
  return refs.sort((x, y) => (order(x) < order(y) ? -1 : order(x) > order(y) ? 1 : 0));
}

/** The cross-field rules of `secrets[].airflow`; called by `validateEnvironment`. */
export function validateAirflow(env: Environment): Finding[] {
  const out: Finding[] = [];
  const add = (path: FieldPath, message: string) => out.push({ path, message });
  // Per namespace: environment variable → who sets it; mount path and Python constant → which secret.
  const envVars = new Map<string, { secret: number; key: string; path: FieldPath }>();
  const mounts = new Map<string, number>();
  const constants = new Map<string, number>();
  const q = (v: string) => JSON.stringify(v);

  env.secrets.forEach((secret, i) => {
    const a = secret.airflow;
    if (!a) return;
    const at = (...rest: Array<string | number>): FieldPath => ['secrets', i, 'airflow', ...rest];
    const dataKeys = Object.keys(secret.data ?? {});
    const hasDataFrom = (secret.dataFrom?.length ?? 0) > 0;
    const keys = outputKeys(withAirflowTemplate(secret));
    const keysText = keys ? list(keys) : '';

    const claim = (name: string, key: string, path: FieldPath) => {
      const slot = `${secret.namespace}\u0000${name}`;
      const prior = envVars.get(slot);
      if (!prior) {
        envVars.set(slot, { secret: i, key, path });
      } else if (prior.secret !== i || prior.key !== key) {
        const owner =
          prior.secret === i ? `this secret's key ${q(prior.key)}` : `secrets[${prior.secret}] (${secret.namespace}/${env.secrets[prior.secret]!.name})`;
        add(
          path,
          `environment variable ${q(name)} is already set from ${owner} at ${formatPath(prior.path)}; a task pod using both would get one of them silently, so one variable has one source per namespace: rename one`,
        );
      }
    };

    if (a.env === undefined && !a.envFrom && a.volume === undefined && a.connection === undefined) {
      add(at(), 'declares no consumption: give env, envFrom: true, volume or connection');
    }

    const constant = pythonConstant(secret.name);
    const cslot = `${secret.namespace}\u0000${constant}`;
    const cprior = constants.get(cslot);
    if (cprior !== undefined) {
      add(
        ['secrets', i, 'name'],
        `${q(secret.name)} becomes the Python name ${constant}, as secrets[${cprior}] ${q(env.secrets[cprior]!.name)} does in namespace ${q(secret.namespace)}; rename one of the Secrets`,
      );
    } else constants.set(cslot, i);

    const conn = a.connection;
    if (conn) {
      const envVar = connectionEnvVar(conn.id);
      if (secret.template?.data && envVar in secret.template.data) {
        add(
          at('connection', 'id'),
          `the connection writes key ${q(envVar)}, which template.data also defines; remove template.data[${q(envVar)}] (the connection generates it)`,
        );
      }
      if (!hasDataFrom) {
        const checkRef = (v: unknown, ...path: Array<string | number>) => {
          if (isKeyRef(v) && !dataKeys.includes(v.secretKey)) {
            add(at('connection', ...path, 'secretKey'), `${q(v.secretKey)} is not a key of data (keys: ${list(dataKeys)})`);
          }
        };
        for (const field of ['host', 'login', 'password', 'schema', 'port'] as const) checkRef(conn[field], field);
        for (const [k, v] of Object.entries(conn.extra ?? {})) checkRef(v, 'extra', k);
      }
      if (!a.envFrom) claim(envVar, envVar, at('connection', 'id'));
    }

    for (const [key, name] of Object.entries(a.env ?? {})) {
      if (keys && !keys.includes(key)) {
        const hint = dataKeys.includes(key)
          ? '; the template replaces the fetched keys: set template.mergePolicy to Merge to keep them'
          : '';
        add(at('env', key), `reads key ${q(key)}, which Secret ${secret.name} does not hold (keys: ${keysText})${hint}`);
      }
      if (matches(ENV_VAR_NAME, name) && name !== name.toUpperCase()) {
        add(
          at('env', key),
          `${q(name)} has lowercase letters: KubernetesPodOperator's Secret upper-cases environment variables, so executor_config and KubernetesPodOperator would disagree; write ${q(name.toUpperCase())}`,
        );
      }
      claim(name, key, at('env', key));
    }

    if (a.envFrom) {
      if (!keys) {
        add(
          at('envFrom'),
          `cannot be checked: dataFrom decides the keys of Secret ${secret.name} at sync time, so the variables it would set are unknown; name them under env instead`,
        );
      } else {
        for (const key of keys) {
          if (!matches(ENV_VAR_NAME, key)) {
            add(
              at('envFrom'),
              `key ${q(key)} of Secret ${secret.name} is not an environment variable name (${ENV_VAR_NAME.allowed}); map the keys under env, or mount the Secret as a volume`,
            );
          } else claim(key, key, at('envFrom'));
        }
      }
    }

    if (a.volume) {
      for (const key of Object.keys(a.volume.items ?? {})) {
        if (keys && !keys.includes(key)) {
          add(at('volume', 'items', key), `reads key ${q(key)}, which Secret ${secret.name} does not hold (keys: ${keysText})`);
        }
      }
      const mslot = `${secret.namespace}\u0000${a.volume.mountPath}`;
      const mprior = mounts.get(mslot);
      if (mprior !== undefined) {
        add(
          at('volume', 'mountPath'),
          `${q(a.volume.mountPath)} is already the mount path of secrets[${mprior}] (${secret.namespace}/${env.secrets[mprior]!.name}); a pod cannot mount two volumes at one path: choose another`,
        );
      } else mounts.set(mslot, i);
    }
  });
  return out;
}

function list(values: readonly string[]): string {
  return values.length === 0 ? 'none' : values.map((v) => JSON.stringify(v)).join(', ');
}
