/**
 * Every ExternalSecret an environment delivers, whatever part of the catalogue declares it: `secrets` (one
 * ExternalSecret each) and `operations.sharedSecrets` (a ClusterExternalSecret that creates one ExternalSecret in
 * each namespace it reaches). Tools that count, check or look for ExternalSecrets (the request budget, `verify`,
 * `status`) go through here, so a new way of declaring secrets cannot be missed by one of them.
 */
import type { FieldPath } from './errors';
import type { Environment, SecretEntry } from './schema';

/** The fields of a catalogue secret that say what it reads and how often, shared by both declarations. */
export type SecretSource = Pick<SecretEntry, 'name' | 'store' | 'data' | 'dataFrom' | 'refreshInterval' | 'refreshPolicy' | 'template'>;

/** One catalogue entry that produces ExternalSecrets. */
export interface CatalogueSecret {
  readonly entry: SecretSource;
  /** `['secrets', i]` or `['operations', 'sharedSecrets', i]`. */
  readonly path: FieldPath;
  /** Namespaces that receive it: one for `secrets`; the listed ones (an upper bound under a selector) when shared. */
  readonly namespaces: readonly string[];
  /** True for a shared secret, whose namespaces a selector may narrow at run time. */
  readonly shared: boolean;
  /** True when a namespace selector decides at run time which of `namespaces` really receive it. */
  readonly selected: boolean;
}

/** One ExternalSecret in one namespace. */
export interface DeliveredSecret extends CatalogueSecret {
  readonly namespace: string;
}

/** Each catalogue entry once, `secrets` first, in catalogue order. */
export function catalogueSecrets(env: Environment): CatalogueSecret[] {
  return [
    ...env.secrets.map((entry, i) => ({ entry, path: ['secrets', i], namespaces: [entry.namespace], shared: false, selected: false })),
    ...env.operations.sharedSecrets.map((entry, i) => ({
      entry,
      path: ['operations', 'sharedSecrets', i],
      namespaces: entry.namespaces,
      shared: true,
      selected: entry.namespaceSelector !== undefined,
    })),
  ];
}

/** Every ExternalSecret the environment can produce, one per (entry, namespace). */
export function deliveredSecrets(env: Environment): DeliveredSecret[] {
  return catalogueSecrets(env).flatMap((s) => s.namespaces.map((namespace) => ({ ...s, namespace })));
}
