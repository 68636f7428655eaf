import { ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';
import {
  DNS1123_LABEL,
  DNS1123_SUBDOMAIN,
  GO_DURATION,
  KEY_VAULT_SECRET_NAME,
  SECRET_KEY,
  canonicalGoDuration,
  externalSecretName,
  matches,
} from '../config';
import {
  ExternalSecret,
  ExternalSecretSpec,
  ExternalSecretSpecData,
  ExternalSecretSpecDataFrom,
  ExternalSecretSpecDataFromExtractConversionStrategy,
  ExternalSecretSpecDataFromExtractDecodingStrategy,
  ExternalSecretSpecDataFromExtractMetadataPolicy,
  ExternalSecretSpecDataFromFindConversionStrategy,
  ExternalSecretSpecDataFromFindDecodingStrategy,
  ExternalSecretSpecDataRemoteRefConversionStrategy,
  ExternalSecretSpecDataRemoteRefDecodingStrategy,
  ExternalSecretSpecDataRemoteRefMetadataPolicy,
  ExternalSecretSpecRefreshPolicy,
  ExternalSecretSpecSecretStoreRefKind,
  ExternalSecretSpecTargetCreationPolicy,
  ExternalSecretSpecTargetDeletionPolicy,
  ExternalSecretSpecTargetTemplate,
  ExternalSecretSpecTargetTemplateEngineVersion,
  ExternalSecretSpecTargetTemplateMergePolicy,
} from './imports/external-secrets.io';
import type { IKeyVaultStore } from './key-vault-store';
import { ProblemSink, collectProblems, ruleCheck } from './_validation';

/** A Key Vault secret to read, in full. */
export interface KeyVaultSecretRef {
  /** Key Vault secret name. */
  readonly key: string;
  /** For a JSON-valued secret, the property to read. @default - the whole value */
  readonly property?: string;
  /** A pinned version (32 hex digits). @default - the latest version */
  readonly version?: string;
  /** How to decode the value. @default 'None' */
  readonly decodingStrategy?: 'None' | 'Base64' | 'Base64URL' | 'Auto';
}

/** Bulk sources: secrets by name pattern and/or tags, or the properties of one JSON secret. */
export type KeyVaultDataFrom =
  | { readonly find: { readonly name?: string; readonly tags?: Readonly<Record<string, string>> } }
  | { readonly extract: KeyVaultSecretRef };

/** The shape of the target Secret. */
export interface KeyVaultSecretTemplate {
  /** Secret type. @default 'Opaque' */
  readonly type?: string;
  /** Templated keys (ESO template engine v2: Go text/template with sprig). @default - fetched keys as they are */
  readonly data?: Readonly<Record<string, string>>;
  /** Replace: only the template keys; Merge: fetched keys plus template keys. @default 'Replace' */
  readonly mergePolicy?: 'Replace' | 'Merge';
}

/** Props of {@link KeyVaultExternalSecret}. */
export interface KeyVaultExternalSecretProps {
  /** Name of the target Secret, and of the ExternalSecret. */
  readonly name: string;
  /** Namespace of both. */
  readonly namespace: string;
  /** The store to read through; it must admit {@link namespace}. */
  readonly store: IKeyVaultStore;
  /**
   * How often ESO reads Key Vault again (Go duration; written in Go's canonical form, e.g. `1h0m0s`).
   * @default '1h'
   */
  readonly refreshInterval?: string;
  /** @default 'Periodic' */
  readonly refreshPolicy?: 'Periodic' | 'OnChange' | 'CreatedOnce';
  /** Secret key → Key Vault secret name, or a full reference. @default - none */
  readonly data?: Readonly<Record<string, string | KeyVaultSecretRef>>;
  /** Bulk sources. @default - none */
  readonly dataFrom?: readonly KeyVaultDataFrom[];
  /** Secret type and templated keys. @default - an Opaque Secret holding the fetched keys */
  readonly template?: KeyVaultSecretTemplate;
  /**
   * Owner: the Secret is owned by (and garbage-collected with) the ExternalSecret.
   * @default 'Owner'
   */
  readonly creationPolicy?: 'Owner' | 'Orphan' | 'Merge' | 'None';
  /**
   * What happens to the Secret when the Key Vault secret is deleted. Retain keeps the last value, so a
   * deleted or unreachable Key Vault secret never empties a running Secret.
   * @default 'Retain'
   */
  readonly deletionPolicy?: 'Retain' | 'Delete' | 'Merge';
  /** Labels and annotations for the ExternalSecret and the Secret it creates. @default - none */
  readonly metadata?: Pick<ApiObjectMetadata, 'labels' | 'annotations'>;
}

/**
 * An ESO `ExternalSecret` that fills one Kubernetes Secret from Azure Key Vault.
 *
 * Every field ESO would otherwise default is written out (refresh interval and policy, creation and deletion
 * policy, template engine and merge policy, conversion and decoding strategies), so what Git holds is what the
 * cluster runs and a GitOps diff stays empty.
 *
 * @see https://external-secrets.io/v2.9.0/api/externalsecret/
 */
export class KeyVaultExternalSecret extends Construct {
  /** Name of the target Secret. */
  public readonly secretName: string;
  public readonly namespace: string;
  /** Canonical refresh interval written to the manifest. */
  public readonly refreshInterval: string;
  public readonly resource: ExternalSecret;

  constructor(scope: Construct, id: string, props: KeyVaultExternalSecretProps) {
    super(scope, id);
    collectProblems(this, (problem) => checkExternalSecretProps(problem, props));

    this.secretName = props.name;
    this.namespace = props.namespace;
    this.refreshInterval = canonicalGoDuration(props.refreshInterval ?? '1h');

    this.resource = new ExternalSecret(this, 'Resource', {
      metadata: { name: externalSecretName(props.name), namespace: props.namespace, ...props.metadata },
      spec: renderExternalSecretSpec(props),
    });
  }
}

/**
 * The `spec` of the ExternalSecret for `props`, every ESO default written out. Shared with
 * ClusterExternalSecret, whose `externalSecretSpec` is the same object.
 */
export function renderExternalSecretSpec(props: Omit<KeyVaultExternalSecretProps, 'namespace'>): ExternalSecretSpec {
  return {
    refreshInterval: canonicalGoDuration(props.refreshInterval ?? '1h'),
    refreshPolicy: (props.refreshPolicy ?? 'Periodic') as ExternalSecretSpecRefreshPolicy,
    secretStoreRef: { kind: props.store.kind as ExternalSecretSpecSecretStoreRefKind, name: props.store.name },
    target: {
      name: props.name,
      creationPolicy: (props.creationPolicy ?? 'Owner') as ExternalSecretSpecTargetCreationPolicy,
      deletionPolicy: (props.deletionPolicy ?? 'Retain') as ExternalSecretSpecTargetDeletionPolicy,
      template: renderTemplate(props),
    },
    data: renderData(props.data),
    dataFrom: renderDataFrom(props.dataFrom),
  };
}

function renderData(data: KeyVaultExternalSecretProps['data']): ExternalSecretSpecData[] | undefined {
  const entries = Object.entries(data ?? {});
  if (entries.length === 0) return undefined;
  return entries.map(([secretKey, ref]) => {
    const r = typeof ref === 'string' ? { key: ref } : ref;
    return {
      secretKey,
      remoteRef: {
        key: r.key,
        property: r.property,
        version: r.version,
        conversionStrategy: ExternalSecretSpecDataRemoteRefConversionStrategy.DEFAULT,
        decodingStrategy: (r.decodingStrategy ?? 'None') as ExternalSecretSpecDataRemoteRefDecodingStrategy,
        metadataPolicy: ExternalSecretSpecDataRemoteRefMetadataPolicy.NONE,
      },
    };
  });
}

function renderDataFrom(dataFrom: KeyVaultExternalSecretProps['dataFrom']): ExternalSecretSpecDataFrom[] | undefined {
  if (!dataFrom || dataFrom.length === 0) return undefined;
  return dataFrom.map((df) =>
    'find' in df
      ? {
          find: {
            name: df.find.name !== undefined ? { regexp: df.find.name } : undefined,
            tags: df.find.tags ? { ...df.find.tags } : undefined,
            conversionStrategy: ExternalSecretSpecDataFromFindConversionStrategy.DEFAULT,
            decodingStrategy: ExternalSecretSpecDataFromFindDecodingStrategy.NONE,
          },
        }
      : {
          extract: {
            key: df.extract.key,
            property: df.extract.property,
            version: df.extract.version,
            conversionStrategy: ExternalSecretSpecDataFromExtractConversionStrategy.DEFAULT,
            decodingStrategy: (df.extract.decodingStrategy ?? 'None') as ExternalSecretSpecDataFromExtractDecodingStrategy,
            metadataPolicy: ExternalSecretSpecDataFromExtractMetadataPolicy.NONE,
          },
        },
  );
}

/**
 * The template block: written when the Secret has a type, templated keys, or labels and annotations to carry
 * (ESO copies `template.metadata` onto the Secret; with no template data the fetched keys pass through).
 */
function renderTemplate(props: Omit<KeyVaultExternalSecretProps, 'namespace'>): ExternalSecretSpecTargetTemplate | undefined {
  const labels = props.metadata?.labels;
  const annotations = props.metadata?.annotations;
  const hasMetadata = Object.keys(labels ?? {}).length > 0 || Object.keys(annotations ?? {}).length > 0;
  if (!props.template && !hasMetadata) return undefined;
  return {
    engineVersion: ExternalSecretSpecTargetTemplateEngineVersion.V2,
    mergePolicy: (props.template?.mergePolicy ?? 'Replace') as ExternalSecretSpecTargetTemplateMergePolicy,
    type: props.template?.type ?? 'Opaque',
    metadata: hasMetadata ? { labels: labels && { ...labels }, annotations: annotations && { ...annotations } } : undefined,
    data: props.template?.data ? { ...props.template.data } : undefined,
  };
}

/** Checks the props of an ExternalSecret (also run per target namespace of a ClusterExternalSecret). */
export function checkExternalSecretProps(problem: ProblemSink, props: KeyVaultExternalSecretProps): void {
  ruleCheck(problem, DNS1123_SUBDOMAIN, props.name, 'name');
  ruleCheck(problem, DNS1123_LABEL, props.namespace, 'namespace');
  if (!props.store) {
    problem('store', 'missing (a KeyVaultSecretStore or KeyVaultClusterSecretStore)');
  } else if (!props.store.admits(props.namespace)) {
    problem(
      'store',
      `${props.store.kind} ${JSON.stringify(props.store.name)} does not admit namespace ${JSON.stringify(props.namespace)} (admits: ${props.store.admittedNamespaces.join(', ')})`,
    );
  }
  if (props.refreshInterval !== undefined) ruleCheck(problem, GO_DURATION, props.refreshInterval, 'refreshInterval');
  const data = Object.entries(props.data ?? {});
  if (data.length === 0 && (props.dataFrom?.length ?? 0) === 0) {
    problem('data', 'no source: give data or dataFrom');
  }
  for (const [key, ref] of data) {
    if (!matches(SECRET_KEY, key)) ruleCheck(problem, SECRET_KEY, key, `data[${JSON.stringify(key)}]`);
    ruleCheck(problem, KEY_VAULT_SECRET_NAME, typeof ref === 'string' ? ref : ref.key, `data[${JSON.stringify(key)}]`);
  }
  props.dataFrom?.forEach((df, i) => {
    if ('find' in df) {
      if (df.find.name === undefined && df.find.tags === undefined) {
        problem(`dataFrom[${i}].find`, 'needs name or tags: an empty find lists every secret of the vault on each refresh');
      }
    } else {
      ruleCheck(problem, KEY_VAULT_SECRET_NAME, df.extract.key, `dataFrom[${i}].extract.key`);
    }
  });
  for (const key of Object.keys(props.template?.data ?? {})) {
    ruleCheck(problem, SECRET_KEY, key, `template.data[${JSON.stringify(key)}]`);
  }
}
