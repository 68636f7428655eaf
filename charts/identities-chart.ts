import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { Environment, Identity, controllerIdentity, identityServiceAccount } from '../config';
import { IWorkloadIdentityServiceAccount, WorkloadIdentityServiceAccount } from '../constructs';

/** Props of {@link IdentitiesChart}. */
export interface IdentitiesChartProps extends ChartProps {
  readonly environment: Environment;
  /**
   * Client ids by identity name, overriding the catalogue (the Pulumi stack passes the live ones).
   * @default - the catalogue's clientId
   */
  readonly clientIds?: Readonly<Record<string, string>>;
}

/**
 * One workload-identity ServiceAccount per catalogue identity that a store uses, except the ESO controller's own
 * account, which the ESO Helm release creates and annotates (two owners would fight over it).
 */
export class IdentitiesChart extends Chart {
  /** The ServiceAccounts by identity name. */
  public readonly serviceAccounts: ReadonlyMap<string, IWorkloadIdentityServiceAccount>;

  constructor(scope: Construct, id: string, props: IdentitiesChartProps) {
    super(scope, id, props);
    const env = props.environment;
    const used = new Set(env.stores.map((s) => s.identity));
    const accounts = new Map<string, IWorkloadIdentityServiceAccount>();
    const controller = controllerIdentity(env);
    for (const identity of env.identities.filter((i) => used.has(i.name))) {
      if (identity.name === controller) {
        // The release annotates it with the client and tenant ids (infra/external-secrets-operator.ts).
        accounts.set(
          identity.name,
          WorkloadIdentityServiceAccount.fromServiceAccountName(identity.namespace, identityServiceAccount(identity), { carriesTenantId: true }),
        );
        continue;
      }
      accounts.set(
        identity.name,
        new WorkloadIdentityServiceAccount(this, identity.name, {
          name: identityServiceAccount(identity),
          namespace: identity.namespace,
          clientId: clientIdOf(identity, props.clientIds),
          tenantId: env.tenantId,
        }),
      );
    }
    this.serviceAccounts = accounts;
  }
}

function clientIdOf(identity: Identity, overrides: Readonly<Record<string, string>> | undefined): string {
  const id = overrides?.[identity.name] ?? identity.clientId;
  if (id === undefined) {
    throw new Error(`identity ${JSON.stringify(identity.name)} has no clientId: run the Pulumi stack and write its client id into the catalogue`);
  }
  return id;
}
