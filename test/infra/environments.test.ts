/**
 * Every example environment under mocks: the vault defaults, one credential per committed ServiceAccount with
 * its exact subject, Key Vault Secrets User per identity at the chosen scope, the pinned ESO release.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type * as ProgramModule from '../../infra/program';
import { Recorder, installMocks, settle } from '../util/pulumi-mocks';
import { answerAzure, environment, vaultArmId } from './fixtures';

let rec: Recorder;
let program: typeof ProgramModule;

beforeAll(async () => {
  rec = await installMocks();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  program = require('../../infra/program') as typeof ProgramModule;
});

/** The ServiceAccounts of the committed manifests, `namespace/name` with their client-id annotation. */
function committedServiceAccounts(env: string): Array<{ namespace: string; name: string; clientId: string }> {
  const text = fs.readFileSync(path.join(__dirname, '../../dist', env, 'service-accounts.yaml'), 'utf8');
  return parseAllDocuments(text).map((d) => {
    const o = d.toJS() as { metadata: { namespace: string; name: string; annotations: Record<string, string> } };
    return { namespace: o.metadata.namespace, name: o.metadata.name, clientId: o.metadata.annotations['azure.workload.identity/client-id']! };
  });
}

describe.each(['dev', 'staging', 'prod'])('%s', (name) => {
  beforeAll(async () => {
    rec.reset();
    const env = environment(name);
    answerAzure(rec, env);
    program.environmentStack(name, { environment: name, catalogueDir: 'environments', kubeContext: `aks-${name}`, kubeloginMode: 'azurecli' }, env);
    await settle();
  });

  test('the vault has RBAC, purge protection, 90 or fewer days of soft delete and a deny-by-default firewall', () => {
    const [vault] = rec.ofType('azure-native:keyvault:Vault');
    const p = vault!.inputs.properties;
    expect(p).toMatchObject({ enableRbacAuthorization: true, enableSoftDelete: true, enablePurgeProtection: true });
    expect(p.networkAcls.defaultAction).toBe('Deny');
    expect(p.accessPolicies).toBeUndefined();
    const env = environment(name);
    expect(p.softDeleteRetentionInDays).toBe(env.infra!.keyVault.softDeleteRetentionDays);
    expect(vault!.protect).toBe(env.infra!.keyVault.deletionProtection);
    expect(rec.ofType('azure-native:authorization:ManagementLockByScope')).toHaveLength(env.infra!.keyVault.deletionProtection ? 1 : 0);
  });

  test('one federated credential per committed ServiceAccount, with its exact subject', () => {
    const subjects = rec.ofType('azure-native:managedidentity:FederatedIdentityCredential').map((c) => c.inputs.subject).sort();
    expect(subjects).toEqual(committedServiceAccounts(name).map((sa) => `system:serviceaccount:${sa.namespace}:${sa.name}`).sort());
    for (const c of rec.ofType('azure-native:managedidentity:FederatedIdentityCredential')) {
      expect(c.inputs.audiences).toEqual(['api://AzureADTokenExchange']);
      expect(c.inputs.issuer).toBe(environment(name).cluster.oidcIssuerUrl);
    }
  });

  test('the committed client ids are the identities the credentials belong to', () => {
    const env = environment(name);
    for (const sa of committedServiceAccounts(name)) {
      const identity = env.identities.find((i) => i.clientId === sa.clientId)!;
      expect(identity).toBeDefined();
      const credential = rec
        .ofType('azure-native:managedidentity:FederatedIdentityCredential')
        .find((c) => c.inputs.subject === `system:serviceaccount:${sa.namespace}:${sa.name}`)!;
      expect(credential.inputs.resourceName).toBe(identity.name);
    }
  });

  test('Key Vault Secrets User per identity at the chosen scope', () => {
    const env = environment(name);
    const assignments = rec.ofType('azure-native:authorization:RoleAssignment');
    expect(assignments).toHaveLength(env.identities.length);
    for (const a of assignments) {
      expect(a.inputs.roleDefinitionId).toMatch(/\/providers\/Microsoft\.Authorization\/roleDefinitions\/4633458b-17de-408a-b874-0445c86b69e6$/);
      expect(a.inputs.principalType).toBe('ServicePrincipal');
      expect(a.inputs.scope).toBe(vaultArmId(env.infra!.resourceGroup, env.keyVault.name));
    }
  });

  test('the pinned ESO release', () => {
    const release = rec.get('kubernetes:helm.sh/v3:Release', 'external-secrets-release');
    expect(release.inputs).toMatchObject({
      chart: 'external-secrets',
      version: '2.9.0',
      repositoryOpts: { repo: 'https://charts.external-secrets.io' },
      namespace: environment(name).platform.esoNamespace,
    });
    expect(release.inputs.values).toMatchSnapshot();
  });
});
