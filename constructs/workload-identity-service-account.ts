import { ApiObjectMetadata } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  DNS1123_LABEL,
  UUID,
  WI_CLIENT_ID_ANNOTATION,
  WI_TENANT_ID_ANNOTATION,
  serviceAccountSubject,
} from '../config';
import { collectProblems, ruleCheck } from './_validation';

/** A Kubernetes ServiceAccount that an Entra ID managed identity trusts through a federated credential. */
export interface IWorkloadIdentityServiceAccount {
  /** ServiceAccount name. */
  readonly name: string;
  /** ServiceAccount namespace. */
  readonly namespace: string;
  /** True when the ServiceAccount carries `azure.workload.identity/tenant-id` (then a store must not set tenantId). */
  readonly carriesTenantId: boolean;
  /** The federated credential subject: `system:serviceaccount:<namespace>:<name>`. */
  readonly subject: string;
}

/** Props of {@link WorkloadIdentityServiceAccount}. */
export interface WorkloadIdentityServiceAccountProps {
  /** ServiceAccount name (DNS-1123 label). */
  readonly name: string;
  /** Namespace (DNS-1123 label). */
  readonly namespace: string;
  /** Client id of the user-assigned managed identity, written to `azure.workload.identity/client-id`. */
  readonly clientId: string;
  /**
   * Entra ID tenant, written to `azure.workload.identity/tenant-id`.
   * @default - no tenant annotation; ESO then uses the tenant of the store or of the webhook's environment
   */
  readonly tenantId?: string;
  /** Extra labels and annotations. @default - none */
  readonly metadata?: Pick<ApiObjectMetadata, 'labels' | 'annotations'>;
}

/**
 * The ServiceAccount a Key Vault store authenticates as with Azure Workload Identity.
 *
 * ESO requests a token for it (TokenRequest API) and exchanges that token with Entra ID for the managed
 * identity named by the client-id annotation. The token is never mounted into a pod, so automounting is off.
 *
 * @see https://external-secrets.io/v2.9.0/provider/azure-key-vault/#workload-identity
 * @see https://azure.github.io/azure-workload-identity/docs/topics/service-account-labels-and-annotations.html
 */
export class WorkloadIdentityServiceAccount extends Construct implements IWorkloadIdentityServiceAccount {
  /** A ServiceAccount this code does not create (one managed by a Helm chart, say). */
  public static fromServiceAccountName(
    namespace: string,
    name: string,
    options: { readonly carriesTenantId?: boolean } = {},
  ): IWorkloadIdentityServiceAccount {
    return { name, namespace, carriesTenantId: options.carriesTenantId ?? false, subject: serviceAccountSubject(namespace, name) };
  }

  public readonly name: string;
  public readonly namespace: string;
  public readonly clientId: string;
  public readonly tenantId?: string;
  public readonly carriesTenantId: boolean;
  public readonly subject: string;
  /** The underlying cdk8s-plus ServiceAccount. */
  public readonly resource: kplus.ServiceAccount;

  constructor(scope: Construct, id: string, props: WorkloadIdentityServiceAccountProps) {
    super(scope, id);
    collectProblems(this, (problem) => {
      ruleCheck(problem, DNS1123_LABEL, props.name, 'name');
      ruleCheck(problem, DNS1123_LABEL, props.namespace, 'namespace');
      ruleCheck(problem, UUID, props.clientId, 'clientId');
      if (props.tenantId !== undefined) ruleCheck(problem, UUID, props.tenantId, 'tenantId');
    });
    this.name = props.name;
    this.namespace = props.namespace;
    this.clientId = props.clientId;
    this.tenantId = props.tenantId;
    this.carriesTenantId = props.tenantId !== undefined;
    this.subject = serviceAccountSubject(props.namespace, props.name);

    this.resource = new kplus.ServiceAccount(this, 'Resource', {
      metadata: {
        name: props.name,
        namespace: props.namespace,
        labels: props.metadata?.labels,
        annotations: {
          ...props.metadata?.annotations,
          [WI_CLIENT_ID_ANNOTATION]: props.clientId,
          ...(props.tenantId !== undefined ? { [WI_TENANT_ID_ANNOTATION]: props.tenantId } : {}),
        },
      },
      automountToken: false,
    });
  }
}
