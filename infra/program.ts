/**
 * The stack of one environment: Key Vault, workload identities, role assignments, the ESO release and (with
 * delivery `pulumi`) the in-cluster objects. `index.ts` reads the stack settings and calls
 * {@link environmentStack}; tests call it directly under mocks.
 */
import * as pulumi from '@pulumi/pulumi';
import * as authorization from '@pulumi/azure-native/authorization';
import * as containerservice from '@pulumi/azure-native/containerservice';
import { Environment, controllerIdentity, identityServiceAccount, secretsReadBy } from '../config';
import { parseResourceId } from './azure';
import { checkClientIds, checkIssuer, checkTenant, firstRunNotices } from './catalogue-check';
import { ClusterResources, objectKey } from './cluster-resources';
import { ExternalSecretsOperator } from './external-secrets-operator';
import { KeyVault } from './key-vault';
import { Reloader } from './reloader';
import { KeyVaultSecretsAccess, SecretsAccessScope } from './key-vault-secrets-access';
import { kubernetesProvider } from './kubernetes-provider';
import { StackConfigError, StackSettings, checkStackAgainstCatalogue } from './stack-config';
import { TrustedIssuer, WorkloadIdentity } from './workload-identity';

/** What the stack exports. */
export interface EnvironmentStackOutputs {
  readonly environment: string;
  readonly delivery: 'gitops' | 'pulumi';
  readonly vaultId: pulumi.Output<string>;
  readonly vaultUri: pulumi.Output<string>;
  readonly tenantId: pulumi.Output<string>;
  /** Client id per catalogue identity: write these into the catalogue (gitops). */
  readonly clientIds: Record<string, pulumi.Output<string>>;
  /** Principal (object) id per catalogue identity. */
  readonly principalIds: Record<string, pulumi.Output<string>>;
  /** Helm status of the ESO release. */
  readonly esoReleaseStatus: pulumi.Output<string>;
  /**
   * `ok`, or the warnings about the catalogue; fails the run when the catalogue's client ids are wrong (gitops)
   * and names the value to write.
   */
  readonly catalogueCheck: pulumi.Output<string>;
}

/** The components, for callers (and tests) that need the resources themselves. */
export interface EnvironmentStack {
  readonly outputs: EnvironmentStackOutputs;
  readonly keyVault: KeyVault;
  readonly identities: ReadonlyMap<string, WorkloadIdentity>;
  readonly access: ReadonlyMap<string, KeyVaultSecretsAccess>;
  readonly eso: ExternalSecretsOperator;
  readonly clusterResources?: ClusterResources;
  /** Stakater Reloader, when infra.reloader.enabled. */
  readonly reloader?: Reloader;
}

/** Fails the run with a message and no stack trace (the language host prints a RunError's message only). */
function fail(message: string | undefined): void {
  if (message !== undefined) throw new pulumi.RunError(message);
}

/** Builds the stack of `env`. Throws {@link StackConfigError} before creating anything when settings are wrong. */
export function environmentStack(stack: string, settings: StackSettings, env: Environment): EnvironmentStack {
  const problems = checkStackAgainstCatalogue(stack, settings, env);
  if (problems.length > 0) throw new StackConfigError(problems);
  const infra = env.infra!;
  const tags = { 'kv-secrets-sync-environment': env.environment, ...infra.tags };

  const client = authorization.getClientConfigOutput().apply((c) => {
    fail(checkTenant(env, c.tenantId));
    return c;
  });
  // Nothing is created in Azure before the login is known to be for the catalogue's tenant.
  const resourceGroupName = client.apply(() => infra.resourceGroup);

  let primaryIssuer: pulumi.Input<string> = env.cluster.oidcIssuerUrl;
  if (infra.cluster.aksClusterId !== undefined) {
    const aks = parseResourceId(infra.cluster.aksClusterId, 'infra.cluster.aksClusterId');
    primaryIssuer = containerservice
      .getManagedClusterOutput({ resourceGroupName: aks.resourceGroup, resourceName: aks.name })
      .apply((c) => {
        const issuer = c.oidcIssuerProfile?.enabled === false ? undefined : c.oidcIssuerProfile?.issuerURL;
        fail(checkIssuer(env, issuer, aks.name));
        return issuer!;
      });
  }
  const issuers: TrustedIssuer[] = [
    { cluster: env.cluster.name, issuerUrl: primaryIssuer },
    ...infra.cluster.additionalIssuers.map((i) => ({ cluster: i.name, issuerUrl: i.oidcIssuerUrl })),
  ];

  const keyVault = new KeyVault('key-vault', {
    vaultName: env.keyVault.name,
    cloud: env.keyVault.cloud,
    tenantId: env.tenantId,
    resourceGroupName,
    location: infra.location,
    settings: infra.keyVault,
    tags,
  });

  const usedByStores = new Set(env.stores.map((s) => s.identity));
  const identities = new Map<string, WorkloadIdentity>();
  const access = new Map<string, KeyVaultSecretsAccess>();
  for (const identity of env.identities) {
    const wi = new WorkloadIdentity(`identity-${identity.name}`, {
      identityName: identity.name,
      resourceGroupName,
      location: infra.location,
      namespace: identity.namespace,
      serviceAccount: identityServiceAccount(identity),
      issuers,
      tags,
    });
    identities.set(identity.name, wi);
    if (!usedByStores.has(identity.name)) continue;
    const scope: SecretsAccessScope =
      infra.roleAssignmentScope === 'vault'
        ? { kind: 'vault' }
        : { kind: 'secret', secretNames: secretsReadBy(env, identity.name) };
    if (scope.kind === 'secret' && scope.secretNames.length === 0) continue;
    access.set(
      identity.name,
      new KeyVaultSecretsAccess(`access-${identity.name}`, {
        principalId: wi.principalId,
        vaultId: keyVault.id,
        // An adopted vault may live in another subscription; the role definition id names the scope's.
        subscriptionId:
          infra.keyVault.existingId !== undefined
            ? parseResourceId(infra.keyVault.existingId, 'infra.keyVault.existingId').subscriptionId
            : client.subscriptionId,
        scope,
        nameSeed: [env.environment, env.keyVault.name.toLowerCase(), identity.name],
      }),
    );
  }
  const clientIds = Object.fromEntries([...identities].map(([n, wi]) => [n, wi.clientId]));
  const principalIds = Object.fromEntries([...identities].map(([n, wi]) => [n, wi.principalId]));

  const provider = kubernetesProvider('kubernetes', {
    kubeContext: settings.kubeContext,
    aksClusterId: infra.cluster.aksClusterId,
    kubeloginMode: settings.kubeloginMode,
  });
  const controller = controllerIdentity(env);
  const eso = new ExternalSecretsOperator(
    'external-secrets',
    { environment: env, controllerClientId: controller !== undefined ? clientIds[controller] : undefined },
    { providers: [provider] },
  );

  const reloader = infra.reloader.enabled ? new Reloader('reloader', { settings: infra.reloader }, { providers: [provider] }) : undefined;

  let clusterResources: ClusterResources | undefined;
  if (infra.delivery === 'pulumi') {
    clusterResources = new ClusterResources(
      'cluster',
      {
        environment: env,
        clientIds,
        // The ESO component owns its namespace (with the same Pod Security labels); the charts leave out the
        // controller's ServiceAccount themselves (Helm owns it).
        skip: [objectKey({ kind: 'Namespace', metadata: { name: env.platform.esoNamespace } })],
        after: [eso.release, ...[...access.values()].flatMap((a) => a.assignments)],
      },
      { providers: [provider] },
    );
  }
  for (const notice of firstRunNotices(env)) void pulumi.log.warn(notice);
  const catalogueCheck = pulumi.all(clientIds).apply((live) => {
    const result = checkClientIds(env, live, { dryRun: pulumi.runtime.isDryRun() });
    // With delivery pulumi the cluster gets the live ids anyway; a stale catalogue only makes dist/ wrong.
    const errors = infra.delivery === 'gitops' ? result.errors : [];
    const warnings = infra.delivery === 'gitops' ? result.warnings : [...result.errors, ...result.warnings];
    for (const w of warnings) void pulumi.log.warn(w);
    if (errors.length > 0) {
      throw new pulumi.RunError(`the catalogue does not match the live identities:\n  ${errors.join('\n  ')}`);
    }
    return warnings.length > 0 ? warnings.join('\n') : 'ok';
  });

  return {
    keyVault,
    identities,
    access,
    eso,
    reloader,
    clusterResources,
    outputs: {
      environment: env.environment,
      delivery: infra.delivery,
      vaultId: keyVault.id,
      vaultUri: keyVault.vaultUri,
      tenantId: client.tenantId,
      clientIds,
      principalIds,
      esoReleaseStatus: eso.status,
      catalogueCheck,
    },
  };
}
