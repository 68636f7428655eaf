/**
 * Comparing the catalogue with what exists in Azure: recorded client ids, the cluster issuer and the tenant.
 * Pure functions; the stack calls them with live values and fails (or warns) with their messages.
 */
import { Environment, formatPath } from '../config';

/** What a comparison found: errors fail the run, warnings are logged. */
export interface CheckResult {
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
}

function fileOf(env: Environment): string {
  return `environments/${env.environment}.yaml`;
}

const AFTER_WRITE = 'then run `npm run synth` and commit environments/ and dist/ together';

/**
 * Client ids the catalogue records that are missing or differ from the live identities. A mismatch is always
 * an error (the ServiceAccounts in dist/ would name the wrong identity); a missing id fails a preview and only
 * warns during an update, so the first `pulumi up` can create the identities it then reports.
 */
export function checkClientIds(
  env: Environment,
  live: Readonly<Record<string, string>>,
  options: { readonly dryRun: boolean },
): CheckResult {
  const errors: string[] = [];
  const warnings: string[] = [];
  env.identities.forEach((identity, i) => {
    const actual = live[identity.name];
    if (actual === undefined) return;
    const where = `${fileOf(env)}: ${formatPath(['identities', i, 'clientId'])}`;
    if (identity.clientId === undefined) {
      const message = `${where}: missing; write clientId: ${actual} (the client id of managed identity ${JSON.stringify(identity.name)}), ${AFTER_WRITE}`;
      (options.dryRun ? errors : warnings).push(message);
    } else if (identity.clientId.toLowerCase() !== actual.toLowerCase()) {
      errors.push(
        `${where}: ${JSON.stringify(identity.clientId)} is not the client id of managed identity ${JSON.stringify(identity.name)}; write clientId: ${actual}, ${AFTER_WRITE}`,
      );
    }
  });
  return { errors, warnings };
}

/** The first-run notice for identities the catalogue has no client id for yet. */
export function firstRunNotices(env: Environment): string[] {
  return env.identities.flatMap((identity, i) =>
    identity.clientId === undefined
      ? [
          `${fileOf(env)}: ${formatPath(['identities', i, 'clientId'])}: not recorded yet; once \`pulumi up\` has created managed identity ${JSON.stringify(identity.name)}, write its client id (stack output clientIds.${identity.name}) here, ${AFTER_WRITE}`,
        ]
      : [],
  );
}

/** The catalogue's issuer differs from the AKS cluster's: the credentials would trust a token nobody issues. */
export function checkIssuer(env: Environment, liveIssuer: string | undefined, clusterName: string): string | undefined {
  const where = `${fileOf(env)}: cluster.oidcIssuerUrl`;
  if (liveIssuer === undefined || liveIssuer === '') {
    return `infra.cluster.aksClusterId: AKS cluster ${JSON.stringify(clusterName)} has no OIDC issuer; enable it (az aks update --enable-oidc-issuer --enable-workload-identity) and run again`;
  }
  if (liveIssuer !== env.cluster.oidcIssuerUrl) {
    return `${where}: ${JSON.stringify(env.cluster.oidcIssuerUrl)} is not the OIDC issuer of AKS cluster ${JSON.stringify(clusterName)}; write oidcIssuerUrl: ${liveIssuer}`;
  }
  return undefined;
}

/** The Azure login is for another tenant than the catalogue's. */
export function checkTenant(env: Environment, loginTenant: string): string | undefined {
  if (loginTenant.toLowerCase() !== env.tenantId.toLowerCase()) {
    return `${fileOf(env)}: tenantId: ${JSON.stringify(env.tenantId)} but the Azure login is for tenant ${JSON.stringify(loginTenant)}; log in to the catalogue's tenant (az login --tenant ${env.tenantId}) or correct tenantId`;
  }
  return undefined;
}
