/** What an ExternalSecret needs to know about the store it reads through. */
export interface IKeyVaultStore {
  /** Store name. */
  readonly name: string;
  /** ESO kind. */
  readonly kind: 'SecretStore' | 'ClusterSecretStore';
  /** True when ExternalSecrets in `namespace` may use the store. */
  admits(namespace: string): boolean;
  /** Namespaces that may use the store, for messages. */
  readonly admittedNamespaces: readonly string[];
}

/** A store this code does not create, by kind and name. */
export function keyVaultStoreFromName(
  kind: IKeyVaultStore['kind'],
  name: string,
  admittedNamespaces: readonly string[],
): IKeyVaultStore {
  return { kind, name, admittedNamespaces, admits: (ns) => admittedNamespaces.includes(ns) };
}
