import { CatalogueError, Environment, loadEnvironment, parseEnvironment, validateInfra } from '../../config';
import * as fs from 'node:fs';
import * as path from 'node:path';

const SUB = '/subscriptions/0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e/resourceGroups/rg';

function env(name: string, change: (e: Environment) => void = () => {}): Environment {
  const e = JSON.parse(JSON.stringify(loadEnvironment(name))) as Environment;
  change(e);
  return e;
}

function messages(e: Environment): string[] {
  return validateInfra(e).map((f) => `${f.path.join('.')}: ${f.message}`);
}

describe('validateInfra', () => {
  test('the example environments are valid', () => {
    for (const name of ['dev', 'staging', 'prod']) expect(messages(env(name))).toEqual([]);
  });

  test('fails when an existing vault id names another vault than keyVault.name', () => {
    const e = env('staging', (x) => {
      x.infra!.keyVault = { ...x.infra!.keyVault, existingId: `${SUB}/providers/Microsoft.KeyVault/vaults/kv-other`, privateEndpoint: undefined, logAnalyticsWorkspaceId: undefined };
    });
    expect(messages(e)).toEqual([
      'infra.keyVault.existingId: names vault "kv-other" but keyVault.name is "kv-dataplat-stg-weu"; the stores read keyVault.name, so make them equal',
    ]);
  });

  test('fails when settings that only apply to a created vault are given for an existing one', () => {
    const e = env('staging', (x) => {
      x.infra!.keyVault.existingId = `${SUB}/providers/Microsoft.KeyVault/vaults/kv-dataplat-stg-weu`;
    });
    expect(messages(e)).toEqual([
      'infra.keyVault.privateEndpoint: is not applied to an existing vault (infra.keyVault.existingId is set); configure it where that vault is managed and remove it here',
      'infra.keyVault.logAnalyticsWorkspaceId: is not applied to an existing vault (infra.keyVault.existingId is set); configure it where that vault is managed and remove it here',
    ]);
  });

  test('fails when public access is off and there is no private endpoint', () => {
    const e = env('prod', (x) => {
      x.infra!.keyVault.privateEndpoint = undefined;
    });
    expect(messages(e)).toEqual([
      'infra.keyVault.publicNetworkAccess: "Disabled" without infra.keyVault.privateEndpoint leaves the vault unreachable for ESO and for the deployment runner; add a privateEndpoint or set "Enabled" with network.ipRules/subnetIds',
    ]);
  });

  test('fails when firewall rules are given while public access is off', () => {
    const e = env('prod', (x) => {
      x.infra!.keyVault.network.ipRules = ['203.0.113.7'];
    });
    expect(messages(e)).toEqual([
      'infra.keyVault.network: ipRules and subnetIds have no effect while publicNetworkAccess is "Disabled" (only private endpoints are admitted); remove them or set publicNetworkAccess to "Enabled"',
    ]);
  });

  test('fails when an identity would need more than 20 federated credentials', () => {
    const e = env('dev', (x) => {
      x.infra!.cluster.additionalIssuers = Array.from({ length: 20 }, (_, i) => ({
        name: `aks-${i}`,
        oidcIssuerUrl: `https://westeurope.oic.prod-aks.azure.com/t/${i}/`,
      }));
    });
    expect(messages(e)).toEqual([
      'infra.cluster.additionalIssuers: gives every identity 21 federated credentials (1 + 20 issuers) but Azure allows 20 per identity; remove retired clusters',
    ]);
  });

  test('fails when an issuer is listed twice', () => {
    const e = env('dev', (x) => {
      x.infra!.cluster.additionalIssuers = [{ name: 'aks-green', oidcIssuerUrl: x.cluster.oidcIssuerUrl }];
    });
    expect(messages(e)).toEqual([
      `infra.cluster.additionalIssuers.0.oidcIssuerUrl: "${e.cluster.oidcIssuerUrl}" is already trusted through cluster.oidcIssuerUrl; each issuer is listed once`,
    ]);
  });

  test('fails when an additional cluster reuses a cluster name', () => {
    const e = env('dev', (x) => {
      x.infra!.cluster.additionalIssuers = [{ name: 'aks-dataplat-dev', oidcIssuerUrl: 'https://westeurope.oic.prod-aks.azure.com/t/x/' }];
    });
    expect(messages(e)).toEqual([
      'infra.cluster.additionalIssuers.0.name: "aks-dataplat-dev" is already a cluster name; names must be unique',
    ]);
  });

  test('fails when per-secret scope meets a dataFrom.find', () => {
    const e = env('dev', (x) => {
      x.infra!.roleAssignmentScope = 'secret';
    });
    expect(messages(e)).toEqual([
      'secrets.5.dataFrom.0.find: lists the vault through identity "airflow-secrets-reader", which a per-secret role assignment cannot allow; set infra.roleAssignmentScope to "vault" or name the secrets in data',
    ]);
  });

  test('the loader reports infra problems with their line', () => {
    const file = path.join(__dirname, '../../environments/prod.yaml');
    const text = fs.readFileSync(file, 'utf8').replace(/    privateEndpoint:\n(      .*\n)+/, '');
    let error: unknown;
    try {
      parseEnvironment(text, 'environments/prod.yaml', { expectedName: 'prod' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CatalogueError);
    expect((error as CatalogueError).message).toMatch(
      /environments\/prod\.yaml:\d+:\d+: infra\.keyVault\.publicNetworkAccess: "Disabled" without infra\.keyVault\.privateEndpoint/,
    );
  });

  test('the schema refuses a malformed resource id', () => {
    const file = path.join(__dirname, '../../environments/staging.yaml');
    const text = fs.readFileSync(file, 'utf8').replace('/providers/Microsoft.ContainerService/managedClusters/aks-dataplat-stg', '/providers/Microsoft.ContainerService/aks-dataplat-stg');
    expect(() => parseEnvironment(text, 'environments/staging.yaml')).toThrow(
      /infra\.cluster\.aksClusterId: .* is not an AKS cluster resource id \(\/subscriptions\/<id>\/resourceGroups\/<group>\/providers\/Microsoft\.ContainerService\/managedClusters\/<name>\)/,
    );
  });
});
