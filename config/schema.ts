/**
 * The environment catalogue: one YAML file per environment under `environments/`, describing which Key Vault
 * secrets reach which namespaces through which stores and identities.
 *
 * This zod schema is the single definition of the format: TypeScript types are inferred from it, the loader
 * validates with it, and `npm run schema` publishes it as JSON Schema (`schema/environment.schema.json`) for
 * editors. Cross-field rules (references, duplicates, ESO traps) live in `validate.ts`.
 */
import { z } from 'zod';
import { ruleString } from './rule-string';
import {
  DNS1123_LABEL,
  DNS1123_SUBDOMAIN,
  GO_DURATION,
  HTTPS_URL,
  KEY_VAULT_NAME,
  KEY_VAULT_SECRET_NAME,
  LABEL_VALUE,
  QUALIFIED_NAME,
  SECRET_KEY,
  UUID,
} from './rules';
import { AZURE_CLOUD_NAMES, AzureCloud } from './naming';
import { AirflowConsumptionSchema } from './schema-airflow';
import { LabelSelectorSchema, operationsSchema } from './schema-operations';
import { BUDGET_DEFAULTS, BudgetSchema } from './schema-budget';
import { InfraSchema } from './schema-infra';

const labels = z
  .record(ruleString(QUALIFIED_NAME), ruleString(LABEL_VALUE))
  .meta({ description: 'Labels for the ExternalSecret and the Secret it creates.' });
const annotations = z
  .record(ruleString(QUALIFIED_NAME), z.string())
  .meta({ description: 'Annotations for the ExternalSecret and the Secret it creates.' });

const refreshPolicy = z.enum(['Periodic', 'OnChange', 'CreatedOnce']).meta({
  description:
    'When ESO reads Key Vault again: Periodic (every refreshInterval), OnChange (only when the ExternalSecret changes) or CreatedOnce.',
});

/** Environment-wide defaults a secret may override. */
export const DefaultsSchema = z
  .strictObject({
    refreshInterval: ruleString(GO_DURATION, 'How often ESO reads Key Vault again, as a Go duration.').default('1h'),
    refreshPolicy: refreshPolicy.default('Periodic'),
  })
  .meta({ description: 'Defaults for every secret of the environment.' });

/** A Key Vault the environment reads from. */
export const KeyVaultSchema = z
  .strictObject({
    name: ruleString(KEY_VAULT_NAME, 'The vault name (globally unique); the URL is derived from it and the cloud.'),
    cloud: z
      .enum(AZURE_CLOUD_NAMES as [AzureCloud, ...AzureCloud[]])
      .default('PublicCloud')
      .meta({ description: "Azure cloud, as ESO's azurekv environmentType names it." }),
  })
  .meta({ description: 'The Key Vault that is the source of truth for this environment.' });

/** The cluster the secrets are delivered to. */
export const ClusterSchema = z
  .strictObject({
    name: ruleString(DNS1123_LABEL, 'A short name for the cluster, used in Azure resource names.'),
    oidcIssuerUrl: ruleString(
      HTTPS_URL,
      'OIDC issuer URL of the cluster (az aks show --query oidcIssuerProfile.issuerUrl), exactly as the cluster reports it.',
    ),
  })
  .meta({ description: 'The Kubernetes cluster that runs ESO for this environment.' });

/** Facts about the cluster's platform that several parts depend on (ESO release, alerts, policies). */
export const PlatformSchema = z
  .strictObject({
    esoNamespace: ruleString(DNS1123_LABEL, 'Namespace ESO is installed in.').default('external-secrets'),
    prometheusOperator: z
      .boolean()
      .default(false)
      .meta({ description: 'The cluster runs Prometheus Operator (ServiceMonitor and PrometheusRule CRDs exist).' }),
  })
  .meta({ description: 'Platform facts of the cluster.' });

/** A workload identity: one Entra ID managed identity federated with one Kubernetes ServiceAccount. */
export const IdentitySchema = z
  .strictObject({
    name: ruleString(DNS1123_LABEL, 'Logical name, referenced by stores; also names the managed identity.'),
    namespace: ruleString(DNS1123_LABEL, 'Namespace of the ServiceAccount.'),
    serviceAccount: ruleString(DNS1123_LABEL, 'ServiceAccount name; defaults to the identity name.').optional(),
    clientId: ruleString(
      UUID,
      'Client id of the managed identity, once it exists (exported by the Pulumi stack). Required to synthesize manifests.',
    ).optional(),
  })
  .meta({ description: 'A managed identity and the Kubernetes ServiceAccount federated with it.' });

const storeCommon = {
  name: ruleString(DNS1123_LABEL, 'Store name, referenced by secrets.'),
  identity: ruleString(DNS1123_LABEL, 'Name of the identity (under identities) the store authenticates as.'),
  authType: z
    .literal('WorkloadIdentity', {
      error: 'must be "WorkloadIdentity" (written out because ESO silently defaults a missing authType to ServicePrincipal)',
    })
    .meta({ description: 'Always WorkloadIdentity; required because ESO defaults a missing authType to ServicePrincipal.' }),
  tenantId: ruleString(
    UUID,
    'Not allowed while the ServiceAccount carries the tenant annotation (ESO then fails with "multiple tenantID found").',
  ).optional(),
};

/** A namespace-scoped SecretStore: usable only by ExternalSecrets of its own namespace. */
export const SecretStoreSchema = z
  .strictObject({
    kind: z.literal('SecretStore'),
    namespace: ruleString(DNS1123_LABEL, 'Namespace of the store; only ExternalSecrets of this namespace may use it.'),
    ...storeCommon,
  })
  .meta({ description: 'A namespace-scoped SecretStore.' });

/** A ClusterSecretStore that admits only the namespaces it lists. */
export const ClusterSecretStoreSchema = z
  .strictObject({
    kind: z.literal('ClusterSecretStore'),
    namespaces: z
      .array(ruleString(DNS1123_LABEL))
      .min(1, { error: 'must list at least one namespace (a ClusterSecretStore admits only the namespaces named)' })
      .meta({ description: 'Namespaces whose ExternalSecrets may use this store (written to spec.conditions).' }),
    namespaceSelector: LabelSelectorSchema.optional().meta({
      description: 'Of the namespaces listed, admit only those whose labels match; it narrows the list, never widens it.',
    }),
    ...storeCommon,
  })
  .meta({ description: 'A cluster-scoped ClusterSecretStore restricted to the listed namespaces.' });

/** A SecretStore or ClusterSecretStore backed by the environment's Key Vault. */
export const StoreSchema = z.discriminatedUnion('kind', [SecretStoreSchema, ClusterSecretStoreSchema], {
  error: 'allowed kinds are "SecretStore" and "ClusterSecretStore"',
});

/** One Key Vault secret read into one key: the long form of a `data` entry. */
export const RemoteRefSchema = z
  .strictObject({
    key: ruleString(KEY_VAULT_SECRET_NAME, 'Key Vault secret name.'),
    property: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'For a JSON-valued Key Vault secret: the property to read (dot path).' }),
    version: z
      .string()
      .regex(/^[0-9a-f]{32}$/, { error: 'is not a Key Vault secret version (32 lowercase hex digits)' })
      .optional()
      .meta({ description: 'Pin a Key Vault secret version (32 hex digits); omit to follow the latest.' }),
    decodingStrategy: z
      .enum(['None', 'Base64', 'Base64URL', 'Auto'])
      .default('None')
      .meta({ description: 'Decode the Key Vault value before writing it (e.g. Base64 for binary files).' }),
  })
  .meta({ description: 'A Key Vault secret reference.' });

const dataValue = z.union([ruleString(KEY_VAULT_SECRET_NAME, 'Key Vault secret name.'), RemoteRefSchema], {
  error: 'must be a Key Vault secret name or an object with key (and optional property, version, decodingStrategy)',
});

/** Bulk reads: every Key Vault secret matching a name pattern and/or tags, or the keys of one JSON secret. */
export const DataFromSchema = z.union(
  [
    z.strictObject({
      find: z
        .strictObject({
          name: z
            .string()
            .min(1)
            .optional()
            .meta({ description: 'Regular expression (RE2) that Key Vault secret names must match.' }),
          tags: z
            .record(z.string().min(1), z.string())
            .optional()
            .meta({ description: 'Key Vault tags a secret must carry (all of them).' }),
        })
        .meta({ description: 'Read every Key Vault secret matching name and tags.' }),
    }),
    z.strictObject({
      extract: RemoteRefSchema.meta({ description: 'Read a JSON-valued Key Vault secret; each property becomes a key.' }),
    }),
  ],
  { error: 'must be {find: {name, tags}} or {extract: {key}}' },
);

/** How the Secret is shaped from the fetched values. */
export const TemplateSchema = z
  .strictObject({
    type: z
      .string()
      .regex(/^[A-Za-z0-9][-A-Za-z0-9_./]*$/, { error: 'is not a Secret type (e.g. Opaque, kubernetes.io/dockerconfigjson)' })
      .default('Opaque')
      .meta({ description: 'Secret type, e.g. Opaque, kubernetes.io/dockerconfigjson, kubernetes.io/basic-auth.' }),
    data: z
      .record(ruleString(SECRET_KEY), z.string())
      .optional()
      .meta({
        description:
          'Secret keys built with ESO templates (Go text/template + sprig) from the fetched keys, e.g. "{{ .password }}".',
      }),
    mergePolicy: z
      .enum(['Replace', 'Merge'])
      .default('Replace')
      .meta({ description: 'Replace: the Secret holds only the template keys; Merge: fetched keys plus template keys.' }),
  })
  .meta({ description: 'Secret type and templated keys.' });

/** One target Secret: what it is called, where it lives, and which Key Vault secrets fill it. */
export const SecretSchema = z
  .strictObject({
    name: ruleString(DNS1123_SUBDOMAIN, 'Name of the Kubernetes Secret (and of the ExternalSecret that owns it).'),
    namespace: ruleString(DNS1123_LABEL, 'Namespace of the Secret.'),
    store: ruleString(DNS1123_LABEL, 'Name of the store (under stores) to read through.'),
    description: z.string().optional().meta({ description: 'What the secret is for; written as an annotation.' }),
    refreshInterval: ruleString(GO_DURATION, 'Overrides defaults.refreshInterval.').optional(),
    refreshPolicy: refreshPolicy.optional(),
    data: z
      .record(ruleString(SECRET_KEY), dataValue)
      .optional()
      .meta({ description: 'Secret key → Key Vault secret name (or {key, property, version}).' }),
    dataFrom: z.array(DataFromSchema).optional(),
    template: TemplateSchema.optional(),
    labels: labels.optional(),
    annotations: annotations.optional(),
    airflow: AirflowConsumptionSchema.optional(),
  })
  .meta({ description: 'A Kubernetes Secret synced from Key Vault.' });

/** The whole environment file. */
export const EnvironmentSchema = z
  .strictObject({
    $schema: z.string().optional(),
    environment: ruleString(DNS1123_LABEL, 'Environment name; must equal the file name.'),
    tenantId: ruleString(UUID, 'Entra ID tenant of the Key Vault and the managed identities.'),
    keyVault: KeyVaultSchema,
    cluster: ClusterSchema,
    defaults: DefaultsSchema.default({ refreshInterval: '1h', refreshPolicy: 'Periodic' }),
    platform: PlatformSchema.default({ esoNamespace: 'external-secrets', prometheusOperator: false }),
    infra: InfraSchema.optional().meta({ description: 'What the Pulumi stack provisions; required by `pulumi up`, ignored by the synth.' }),
    identities: z.array(IdentitySchema).min(1, { error: 'must list at least one identity' }),
    stores: z.array(StoreSchema).min(1, { error: 'must list at least one store' }),
    secrets: z.array(SecretSchema).default([]),
    operations: operationsSchema(SecretSchema).prefault({}),
    budget: BudgetSchema.default(BUDGET_DEFAULTS),
  })
  .meta({
    title: 'kv-secrets-sync environment catalogue',
    description: 'Which Azure Key Vault secrets reach which Kubernetes namespaces, for one environment.',
  });

/** A catalogue file as written (defaults not applied). */
export type EnvironmentInput = z.input<typeof EnvironmentSchema>;
/** A parsed environment with schema defaults applied. */
export type Environment = z.output<typeof EnvironmentSchema>;
export type Identity = z.output<typeof IdentitySchema>;
export type Store = z.output<typeof StoreSchema>;
export type SecretStoreEntry = z.output<typeof SecretStoreSchema>;
export type ClusterSecretStoreEntry = z.output<typeof ClusterSecretStoreSchema>;
export type SecretEntry = z.output<typeof SecretSchema>;
export type RemoteRef = z.output<typeof RemoteRefSchema>;
export type DataFrom = z.output<typeof DataFromSchema>;
export type Template = z.output<typeof TemplateSchema>;

/** The catalogue as JSON Schema (draft 2020-12), for editors and for `schema/environment.schema.json`. */
export function environmentJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(EnvironmentSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
