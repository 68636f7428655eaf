/**
 * Cross-field rules of the catalogue: references, duplicates and the ESO traps a schema cannot express.
 * Pure functions of a parsed environment; every rule reports a field path and what to do.
 */
import type { Environment, Identity, Store } from './schema';
import type { FieldPath } from './errors';
import { ESO_CONTROLLER_SERVICE_ACCOUNT, WI_TENANT_ID_ANNOTATION } from './naming';
import { validateAirflow } from './airflow';
import { validateInfra } from './validate-infra';
import { Finding, outputKeys, templateReferences } from './secret-keys';
import { validateOperations } from './validate-operations';

/** Options that depend on what the catalogue is being used for. */
export interface ValidateOptions {
  /**
   * The environment name the file is expected to declare (its file name).
   * @default - not checked
   */
  readonly expectedName?: string;
  /**
   * Require every identity used by a store to carry its client id. Synthesis needs it (the ServiceAccount
   * annotation); provisioning does not (it creates the identity).
   * @default false
   */
  readonly requireClientIds?: boolean;
}

/** Names of the ServiceAccount an identity stands for (defaults to the identity name). */
export function identityServiceAccount(identity: Identity): string {
  return identity.serviceAccount ?? identity.name;
}

/**
 * The catalogue identity that is the ESO controller's own ServiceAccount (`<esoNamespace>/external-secrets`), if
 * any. The ESO Helm release creates and annotates that account, so neither dist/ nor the stack applies it.
 */
export function controllerIdentity(env: Environment): string | undefined {
  return env.identities.find(
    (i) => i.namespace === env.platform.esoNamespace && identityServiceAccount(i) === ESO_CONTROLLER_SERVICE_ACCOUNT,
  )?.name;
}

/** True when a store may be used by an ExternalSecret in `namespace`. */
export function storeAdmits(store: Store, namespace: string): boolean {
  return store.kind === 'SecretStore' ? store.namespace === namespace : store.namespaces.includes(namespace);
}

/** Keys the Kubernetes API server requires for built-in Secret types. */
const REQUIRED_KEYS: Record<string, { all?: string[]; any?: string[] }> = {
  'kubernetes.io/dockerconfigjson': { all: ['.dockerconfigjson'] },
  'kubernetes.io/dockercfg': { all: ['.dockercfg'] },
  'kubernetes.io/tls': { all: ['tls.crt', 'tls.key'] },
  'kubernetes.io/ssh-auth': { all: ['ssh-privatekey'] },
  'kubernetes.io/basic-auth': { any: ['username', 'password'] },
};

/** Every cross-field problem of an environment. */
export function validateEnvironment(env: Environment, options: ValidateOptions = {}): Finding[] {
  const out: Finding[] = [];
  const add = (path: FieldPath, message: string) => out.push({ path, message });

  if (options.expectedName !== undefined && env.environment !== options.expectedName) {
    add(
      ['environment'],
      `${JSON.stringify(env.environment)} does not match the file name; write ${JSON.stringify(options.expectedName)}`,
    );
  }

  // Identities.
  const identities = new Map<string, Identity>();
  const serviceAccounts = new Map<string, number>();
  env.identities.forEach((identity, i) => {
    if (identities.has(identity.name)) {
      add(['identities', i, 'name'], `${JSON.stringify(identity.name)} is already used by another identity; names must be unique`);
    } else identities.set(identity.name, identity);
    const sa = `${identity.namespace}/${identityServiceAccount(identity)}`;
    const prior = serviceAccounts.get(sa);
    if (prior !== undefined) {
      add(
        ['identities', i],
        `ServiceAccount ${sa} is already claimed by identities[${prior}]; one ServiceAccount federates with one managed identity`,
      );
    } else serviceAccounts.set(sa, i);
  });

  // Stores.
  const stores = new Map<string, Store>();
  const usedIdentities = new Set<string>();
  env.stores.forEach((store, i) => {
    if (stores.has(store.name)) {
      add(['stores', i, 'name'], `${JSON.stringify(store.name)} is already used by another store; store names must be unique`);
    } else stores.set(store.name, store);
    const identity = identities.get(store.identity);
    if (!identity) {
      add(['stores', i, 'identity'], `${JSON.stringify(store.identity)} is not a known identity (known: ${list([...identities.keys()])})`);
    } else {
      usedIdentities.add(identity.name);
      if (store.kind === 'SecretStore' && identity.namespace !== store.namespace) {
        add(
          ['stores', i, 'identity'],
          `identity ${JSON.stringify(identity.name)} lives in namespace ${JSON.stringify(identity.namespace)}, but a SecretStore can only use a ServiceAccount of its own namespace ${JSON.stringify(store.namespace)}; move the identity or use a ClusterSecretStore`,
        );
      }
      if (store.tenantId !== undefined) {
        add(
          ['stores', i, 'tenantId'],
          `${JSON.stringify(store.tenantId)} must not be set: the ServiceAccount already carries ${WI_TENANT_ID_ANNOTATION} and ESO fails with "multiple tenantID found"; remove tenantId (the environment tenantId is used)`,
        );
      }
    }
    if (store.kind === 'ClusterSecretStore') {
      const seen = new Set<string>();
      store.namespaces.forEach((ns, j) => {
        if (seen.has(ns)) add(['stores', i, 'namespaces', j], `${JSON.stringify(ns)} is listed twice`);
        seen.add(ns);
      });
    }
  });

  if (options.requireClientIds) {
    env.identities.forEach((identity, i) => {
      if (usedIdentities.has(identity.name) && identity.clientId === undefined) {
        add(
          ['identities', i, 'clientId'],
          `missing: the ServiceAccount needs the managed identity's client id; run the Pulumi stack and write its output clientIds.${identity.name} here`,
        );
      }
    });
  }

  // Secrets.
  const targets = new Map<string, number>();
  env.secrets.forEach((secret, i) => {
    const at = (...rest: Array<string | number>): FieldPath => ['secrets', i, ...rest];
    const target = `${secret.namespace}/${secret.name}`;
    const prior = targets.get(target);
    if (prior !== undefined) {
      add(at('name'), `Secret ${target} is already produced by secrets[${prior}]; each target Secret has one source`);
    } else targets.set(target, i);

    const store = stores.get(secret.store);
    if (!store) {
      add(at('store'), `${JSON.stringify(secret.store)} is not a known store (known: ${list([...stores.keys()])})`);
    } else if (store.kind === 'SecretStore' && store.namespace !== secret.namespace) {
      add(
        at('store'),
        `SecretStore ${JSON.stringify(store.name)} is in namespace ${JSON.stringify(store.namespace)} and cannot serve namespace ${JSON.stringify(secret.namespace)}; use a store of that namespace or a ClusterSecretStore that admits it`,
      );
    } else if (store.kind === 'ClusterSecretStore' && !store.namespaces.includes(secret.namespace)) {
      add(
        at('store'),
        `ClusterSecretStore ${JSON.stringify(store.name)} does not admit namespace ${JSON.stringify(secret.namespace)} (admits: ${list(store.namespaces)}); add it to stores[${env.stores.indexOf(store)}].namespaces`,
      );
    }

    const dataKeys = Object.keys(secret.data ?? {});
    const hasDataFrom = (secret.dataFrom?.length ?? 0) > 0;
    if (dataKeys.length === 0 && !hasDataFrom) {
      add(at(), 'has no source: give data (Secret key → Key Vault secret) or dataFrom');
    }

    secret.dataFrom?.forEach((df, j) => {
      if ('find' in df) {
        if (df.find.name === undefined && df.find.tags === undefined) {
          add(at('dataFrom', j, 'find'), 'needs name or tags: an empty find lists every secret of the vault on each refresh');
        }
        if (df.find.name !== undefined) {
          try {
            new RegExp(df.find.name);
          } catch (e) {
            add(at('dataFrom', j, 'find', 'name'), `${JSON.stringify(df.find.name)} is not a regular expression (${(e as Error).message})`);
          }
        }
      }
    });

    for (const [key, body] of Object.entries(secret.template?.data ?? {})) {
      if (!body.includes('{{')) {
        add(
          at('template', 'data', key),
          'has no template expression: a constant here would put a value in Git; keep values in Key Vault and read them with {{ .key }}',
        );
      }
    }

    if (secret.template?.data && !hasDataFrom) {
      for (const [key, body] of Object.entries(secret.template.data)) {
        for (const ref of templateReferences(body)) {
          if (!dataKeys.includes(ref)) {
            add(
              at('template', 'data', key),
              `reads ${JSON.stringify(ref)}, which is not a key of data (keys: ${list(dataKeys)})`,
            );
          }
        }
      }
    }

    const type = secret.template?.type;
    const required = type ? REQUIRED_KEYS[type] : undefined;
    const keys = outputKeys(secret);
    if (required && keys) {
      const missing = (required.all ?? []).filter((k) => !keys.includes(k));
      if (missing.length > 0) {
        add(at('template'), `a ${type} Secret needs key${missing.length > 1 ? 's' : ''} ${list(missing)} (has: ${list(keys)})`);
      }
      if (required.any && !required.any.some((k) => keys.includes(k))) {
        add(at('template'), `a ${type} Secret needs at least one of ${list(required.any)} (has: ${list(keys)})`);
      }
    }
  });

  out.push(...validateAirflow(env));
  out.push(...validateOperations(env, (probe) => validateEnvironment(probe, options)));
  out.push(...validateInfra(env));
  return out;
}

function list(values: readonly string[]): string {
  return values.length === 0 ? 'none' : values.map((v) => JSON.stringify(v)).join(', ');
}
