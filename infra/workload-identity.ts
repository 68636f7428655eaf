import * as pulumi from '@pulumi/pulumi';
import * as managedidentity from '@pulumi/azure-native/managedidentity';
import {
  MAX_FEDERATED_CREDENTIALS_PER_IDENTITY,
  WORKLOAD_IDENTITY_AUDIENCE,
  serviceAccountSubject,
} from '../config';
import { federatedCredentialName } from './azure';

/** A cluster whose ServiceAccount tokens the identity accepts. */
export interface TrustedIssuer {
  /** Short cluster name, used in the credential name. */
  readonly cluster: string;
  /** The cluster's OIDC issuer URL (an Output when read from AKS). */
  readonly issuerUrl: pulumi.Input<string>;
}

/** Arguments of {@link WorkloadIdentity}. */
export interface WorkloadIdentityArgs {
  /** Name of the user-assigned managed identity (the catalogue identity name). */
  readonly identityName: string;
  /** Existing resource group. */
  readonly resourceGroupName: pulumi.Input<string>;
  /** Azure region. */
  readonly location: string;
  /** Namespace of the ServiceAccount. */
  readonly namespace: string;
  /** ServiceAccount name. */
  readonly serviceAccount: string;
  /** Clusters to federate with; one credential each. At most 20. */
  readonly issuers: readonly TrustedIssuer[];
  /** Tags. @default - none */
  readonly tags?: Readonly<Record<string, string>>;
}

/** Refuses more federated credentials than Azure allows on one identity; returns the message, or undefined. */
export function checkCredentialCount(identityName: string, count: number): string | undefined {
  if (count > MAX_FEDERATED_CREDENTIALS_PER_IDENTITY) {
    return `identity ${JSON.stringify(identityName)}: ${count} federated credentials requested but Azure allows ${MAX_FEDERATED_CREDENTIALS_PER_IDENTITY} per identity; trust fewer clusters (infra.cluster.additionalIssuers)`;
  }
  if (count < 1) return `identity ${JSON.stringify(identityName)}: needs at least one cluster issuer to federate with`;
  return undefined;
}

/**
 * A user-assigned managed identity federated with one Kubernetes ServiceAccount on each trusted cluster.
 *
 * The subject comes from {@link serviceAccountSubject}, the function the charts use for the ServiceAccount, so
 * Azure trusts exactly the account the manifests create. Azure rejects concurrent writes of federated
 * credentials on one identity (ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity), so each
 * credential depends on the one before it.
 *
 * @see https://learn.microsoft.com/entra/workload-id/workload-identity-federation-create-trust-user-assigned-managed-identity
 * @see https://azure.github.io/azure-workload-identity/docs/topics/federated-identity-credential.html
 */
export class WorkloadIdentity extends pulumi.ComponentResource {
  /** Client (application) id: goes into the ServiceAccount's client-id annotation. */
  public readonly clientId: pulumi.Output<string>;
  /** Object id of the service principal: the role assignment principal. */
  public readonly principalId: pulumi.Output<string>;
  /** ARM id of the identity. */
  public readonly id: pulumi.Output<string>;
  /** `system:serviceaccount:<namespace>:<serviceAccount>`. */
  public readonly subject: string;
  /** The credentials, in creation order. */
  public readonly credentials: readonly managedidentity.FederatedIdentityCredential[];

  constructor(name: string, args: WorkloadIdentityArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('kv-secrets-sync:identity:WorkloadIdentity', name, {}, opts);
    const problem = checkCredentialCount(args.identityName, args.issuers.length);
    if (problem) throw new Error(problem);
    this.subject = serviceAccountSubject(args.namespace, args.serviceAccount);

    const identity = new managedidentity.UserAssignedIdentity(
      `${name}-identity`,
      {
        resourceName: args.identityName,
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        tags: args.tags,
      },
      { parent: this },
    );
    this.clientId = identity.clientId;
    this.principalId = identity.principalId;
    this.id = identity.id;

    const credentials: managedidentity.FederatedIdentityCredential[] = [];
    for (const issuer of args.issuers) {
      const previous = credentials[credentials.length - 1];
      credentials.push(
        new managedidentity.FederatedIdentityCredential(
          `${name}-credential-${issuer.cluster}`,
          {
            federatedIdentityCredentialResourceName: federatedCredentialName(issuer.cluster, args.namespace, args.serviceAccount),
            resourceName: identity.name,
            resourceGroupName: args.resourceGroupName,
            issuer: issuer.issuerUrl,
            subject: this.subject,
            audiences: [WORKLOAD_IDENTITY_AUDIENCE],
          },
          { parent: this, dependsOn: previous ? [previous] : [] },
        ),
      );
    }
    this.credentials = credentials;

    this.registerOutputs({ clientId: this.clientId, principalId: this.principalId, id: this.id });
  }
}
