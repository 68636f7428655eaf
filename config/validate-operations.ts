/**
 * Cross-field rules of the `operations` section and of what it governs: settings that would make our own
 * manifests fail our own admission policy, shared secrets whose store cannot serve them, selectors Kubernetes
 * would refuse. Pure functions of a parsed environment, in the style of `validate.ts`.
 */
import type { FieldPath } from './errors';
import { goDurationSeconds } from './duration';
import type { Environment } from './schema';
import type { LabelSelector } from './schema-operations';
import type { Finding } from './secret-keys';

/** Namespaces the admission policy governs: the configured list, else every namespace the catalogue delivers to. */
export function governedNamespaces(env: Environment): string[] {
  if (env.operations.admission.namespaces) return [...new Set(env.operations.admission.namespaces)].sort();
  const out = new Set<string>();
  env.secrets.forEach((s) => out.add(s.namespace));
  env.operations.sharedSecrets.forEach((s) => s.namespaces.forEach((ns) => out.add(ns)));
  env.stores.forEach((s) => (s.kind === 'SecretStore' ? out.add(s.namespace) : s.namespaces.forEach((ns) => out.add(ns))));
  return [...out].sort();
}

/** Problems of a label selector that the API server (or ESO) would refuse. */
export function selectorProblems(selector: LabelSelector, at: FieldPath): Finding[] {
  const out: Finding[] = [];
  (selector.matchExpressions ?? []).forEach((e, i) => {
    const needsValues = e.operator === 'In' || e.operator === 'NotIn';
    const n = e.values?.length ?? 0;
    if (needsValues && n === 0) {
      out.push({ path: [...at, 'matchExpressions', i, 'values'], message: `operator ${e.operator} needs at least one value` });
    }
    if (!needsValues && n > 0) {
      out.push({ path: [...at, 'matchExpressions', i, 'values'], message: `must be empty for operator ${e.operator}; remove values` });
    }
  });
  return out;
}

const TRIVIAL_PATTERNS = new Set(['', '.*', '.+', '^', '^.*', '^.+', '^.*$', '^.+$']);

/** True when a `dataFrom.find.name` pattern selects by name (not every secret of the vault). */
export function isNamePattern(pattern: string | undefined): boolean {
  return pattern !== undefined && !TRIVIAL_PATTERNS.has(pattern);
}

/** The catalogue's own validator, passed in so this module does not import `validate.ts` (no import cycle). */
export type EnvironmentValidator = (env: Environment) => Finding[];

/**
 * Every cross-field problem of the operations section. `validateSecrets` (the catalogue validator) applies the
 * secret content rules to shared secrets; without it they are skipped.
 */
export function validateOperations(env: Environment, validateSecrets?: EnvironmentValidator): Finding[] {
  const out: Finding[] = [];
  const add = (path: FieldPath, message: string) => out.push({ path, message });
  const ops = env.operations;

  env.stores.forEach((store, i) => {
    if (store.kind === 'ClusterSecretStore' && store.namespaceSelector) {
      out.push(...selectorProblems(store.namespaceSelector, ['stores', i, 'namespaceSelector']));
    }
  });

  if (env.platform.prometheusOperator && ops.alerts.enabled && !ops.alerts.serviceMonitor) {
    add(
      ['operations', 'alerts', 'serviceMonitor'],
      'false leaves the alerts without ESO metrics (ExternalSecretsControllerAbsent would fire for good); set serviceMonitor: true, or alerts.enabled: false',
    );
  }

  if (ops.networkPolicy.enabled && ops.networkPolicy.apiServerCidrs.length === 0) {
    add(
      ['operations', 'networkPolicy', 'apiServerCidrs'],
      'must name the API server address when the NetworkPolicy is enabled (without it ESO cannot reach the API server); give its IP as x.x.x.x/32, or set enabled: false',
    );
  }

  // Shared secrets: the store must be a ClusterSecretStore that admits every namespace named.
  const stores = new Map(env.stores.map((s, i) => [s.name, { store: s, index: i }]));
  const targets = new Map<string, string>();
  env.secrets.forEach((s, i) => targets.set(`${s.namespace}/${s.name}`, `secrets[${i}]`));
  ops.sharedSecrets.forEach((shared, i) => {
    const at = (...rest: Array<string | number>): FieldPath => ['operations', 'sharedSecrets', i, ...rest];
    const found = stores.get(shared.store);
    if (!found) {
      add(at('store'), `${JSON.stringify(shared.store)} is not a known store (known: ${list([...stores.keys()])})`);
    } else if (found.store.kind !== 'ClusterSecretStore') {
      add(
        at('store'),
        `${JSON.stringify(shared.store)} is a SecretStore, which serves only namespace ${JSON.stringify(found.store.namespace)}; a shared secret needs a ClusterSecretStore`,
      );
    } else {
      const admitted = found.store.namespaces;
      shared.namespaces.forEach((ns, j) => {
        if (!admitted.includes(ns)) {
          add(
            at('namespaces', j),
            `${JSON.stringify(ns)} is not admitted by ClusterSecretStore ${JSON.stringify(shared.store)} (admits: ${list(admitted)}); add it to stores[${found.index}].namespaces or remove it here`,
          );
        }
      });
    }
    const seen = new Set<string>();
    shared.namespaces.forEach((ns, j) => {
      if (seen.has(ns)) {
        add(at('namespaces', j), `${JSON.stringify(ns)} is listed twice`);
        return;
      }
      seen.add(ns);
      const key = `${ns}/${shared.name}`;
      const prior = targets.get(key);
      if (prior !== undefined) {
        add(at('namespaces', j), `Secret ${key} is already produced by ${prior}; each target Secret has one source`);
      } else targets.set(key, `operations.sharedSecrets[${i}]`);
    });
    if (shared.namespaceSelector) out.push(...selectorProblems(shared.namespaceSelector, at('namespaceSelector')));
  });
  if (validateSecrets) out.push(...sharedSecretContentFindings(env, validateSecrets));

  // Our own manifests must pass our own admission policy.
  if (ops.admission.enabled) {
    const governed = new Set(governedNamespaces(env));
    const floor = ops.admission.minRefreshInterval;
    const floorSeconds = goDurationSeconds(floor);
    const check = (
      at: (...rest: Array<string | number>) => FieldPath,
      namespaces: readonly string[],
      entry: Pick<Environment['secrets'][number], 'refreshInterval' | 'refreshPolicy' | 'dataFrom'>,
    ) => {
      if (!namespaces.some((ns) => governed.has(ns))) return;
      const interval = entry.refreshInterval ?? env.defaults.refreshInterval;
      const policy = entry.refreshPolicy ?? env.defaults.refreshPolicy;
      const seconds = goDurationSeconds(interval);
      if (policy === 'Periodic' && seconds > 0 && seconds < floorSeconds) {
        add(
          entry.refreshInterval !== undefined ? at('refreshInterval') : ['defaults', 'refreshInterval'],
          `${JSON.stringify(interval)} is below operations.admission.minRefreshInterval ${JSON.stringify(floor)}, so the admission policy would refuse the ExternalSecret; use ${JSON.stringify(floor)} or more`,
        );
      }
      entry.dataFrom?.forEach((df, j) => {
        // An empty find is reported by validate.ts already; this adds tags-only and match-all patterns.
        const empty = 'find' in df && df.find.name === undefined && df.find.tags === undefined;
        if ('find' in df && !empty && !isNamePattern(df.find.name)) {
          add(
            at('dataFrom', j, 'find', 'name'),
            `${df.find.name === undefined ? 'missing' : JSON.stringify(df.find.name)}: the admission policy refuses dataFrom.find without a name pattern (it lists the whole vault on every refresh); give a regular expression such as "^airflow-var-"`,
          );
        }
      });
    };
    env.secrets.forEach((s, i) => check((...r) => ['secrets', i, ...r], [s.namespace], s));
    ops.sharedSecrets.forEach((s, i) => check((...r) => ['operations', 'sharedSecrets', i, ...r], s.namespaces, s));
  }

  const seen = new Set<string>();
  return out.filter((f) => {
    const key = `${f.path.join('.')}\u0000${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The content rules of catalogue secrets (sources, find patterns, template references, Secret types), applied to
 * shared secrets by validating them as secrets of their first namespace. Store and target rules are left out:
 * the shared-secret checks above cover every namespace.
 */
function sharedSecretContentFindings(env: Environment, validateSecrets: EnvironmentValidator): Finding[] {
  const shared = env.operations.sharedSecrets;
  if (shared.length === 0) return [];
  const asSecrets = shared.map(({ namespaces, namespaceSelector: _s, namespacesRefreshTime: _r, ...rest }) => ({
    ...rest,
    namespace: namespaces[0] ?? '',
  }));
  const probe: Environment = {
    ...env,
    secrets: asSecrets,
    operations: { ...env.operations, sharedSecrets: [], admission: { ...env.operations.admission, enabled: false } },
  };
  return validateSecrets(probe)
    .filter((f) => f.path[0] === 'secrets' && f.path[2] !== 'store' && !(f.path[2] === 'name' && f.path.length === 3))
    .map((f) => ({ ...f, path: ['operations', 'sharedSecrets', ...f.path.slice(1)] }));
}

function list(values: readonly string[]): string {
  return values.length === 0 ? 'none' : values.map((v) => JSON.stringify(v)).join(', ');
}
