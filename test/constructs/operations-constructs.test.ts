import { Chart, Testing } from 'cdk8s';
import {
  ExternalSecretsNetworkPolicy,
  ExternalSecretsNetworkPolicyProps,
  KeyVaultClusterExternalSecret,
  KeyVaultClusterExternalSecretProps,
  KeyVaultClusterSecretStore,
  PodSecurityNamespace,
  WorkloadIdentityServiceAccount,
  keyVaultStoreFromName,
} from '../../constructs';

const chart = () => new Chart(Testing.app(), 'test');
const sa = WorkloadIdentityServiceAccount.fromServiceAccountName('external-secrets', 'eso-shared-reader', { carriesTenantId: true });

describe('KeyVaultClusterSecretStore conditions', () => {
  const store = (namespaceSelector?: any) =>
    new KeyVaultClusterSecretStore(chart(), 'store', {
      name: 'shared',
      vaultName: 'kv-test-weu',
      authType: 'WorkloadIdentity',
      serviceAccount: sa,
      namespaces: ['jobs', 'airflow'],
      namespaceSelector,
    });

  test('without a selector: the namespace list', () => {
    expect(store().conditions).toEqual([{ namespaces: ['airflow', 'jobs'] }]);
  });

  test('with a selector: the selector pinned to the listed names', () => {
    const s = store({ matchLabels: { 'kv-secrets-sync.io/shared-secrets': 'true' } });
    expect(Testing.synth(s.node.scope as Chart)[0].spec.conditions).toEqual([
      {
        namespaceSelector: {
          matchLabels: { 'kv-secrets-sync.io/shared-secrets': 'true' },
          matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['airflow', 'jobs'] }],
        },
      },
    ]);
  });

  test('fails when the selector is empty', () => {
    expect(() => store({})).toThrow('test/store: namespaceSelector: must not be empty (an empty selector matches every namespace)');
  });
});

describe('KeyVaultClusterExternalSecret', () => {
  const shared = keyVaultStoreFromName('ClusterSecretStore', 'shared', ['airflow', 'jobs']);
  const props: KeyVaultClusterExternalSecretProps = {
    name: 'smtp-relay',
    namespaces: ['jobs', 'airflow'],
    store: shared,
    refreshInterval: '30m',
    data: { username: 'smtp-relay-username', password: 'smtp-relay-password' },
    template: { type: 'kubernetes.io/basic-auth' },
  };
  const ces = (p: Partial<KeyVaultClusterExternalSecretProps> = {}) => {
    const c = chart();
    new KeyVaultClusterExternalSecret(c, 'ces', { ...props, ...p });
    return Testing.synth(c);
  };

  test('snapshot', () => {
    expect(ces()).toMatchSnapshot();
  });

  test('fans the same ExternalSecret spec out to the listed namespaces', () => {
    const [o] = ces();
    expect(o).toMatchObject({ apiVersion: 'external-secrets.io/v1', kind: 'ClusterExternalSecret', metadata: { name: 'smtp-relay' } });
    expect(o.spec.namespaces).toEqual(['airflow', 'jobs']);
    expect(o.spec.namespaceSelectors).toBeUndefined();
    expect(o.spec.refreshTime).toBe('1m0s');
    expect(o.spec.externalSecretName).toBe('smtp-relay');
    expect(o.spec.externalSecretSpec).toMatchObject({
      refreshInterval: '30m0s',
      secretStoreRef: { kind: 'ClusterSecretStore', name: 'shared' },
      target: { name: 'smtp-relay', creationPolicy: 'Owner', deletionPolicy: 'Retain', template: { type: 'kubernetes.io/basic-auth' } },
    });
  });

  test('a selector is pinned to the listed namespaces', () => {
    const [o] = ces({ namespaceSelector: { matchLabels: { optin: 'true' } } });
    expect(o.spec.namespaces).toBeUndefined();
    expect(o.spec.namespaceSelectors).toEqual([
      { matchLabels: { optin: 'true' }, matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['airflow', 'jobs'] }] },
    ]);
  });

  describe('fails when', () => {
    test('the store is a SecretStore', () => {
      expect(() => ces({ store: keyVaultStoreFromName('SecretStore', 'kv', ['airflow']), namespaces: ['airflow'] })).toThrow(
        'test/ces: store: SecretStore "kv" serves one namespace only; a ClusterExternalSecret needs a ClusterSecretStore',
      );
    });
    test('the store does not admit a namespace', () => {
      expect(() => ces({ namespaces: ['airflow', 'payments'] })).toThrow(
        'store: ClusterSecretStore "shared" does not admit namespace "payments" (admits: airflow, jobs)',
      );
    });
    test('no namespace is named', () => {
      expect(() => ces({ namespaces: [] })).toThrow('test/ces: namespaces: must name at least one namespace');
    });
  });
});

describe('ExternalSecretsNetworkPolicy', () => {
  const props: ExternalSecretsNetworkPolicyProps = { namespace: 'external-secrets', apiServerCidrs: ['10.224.0.0/28'], metricsNamespaces: ['monitoring'] };
  const np = (p: Partial<ExternalSecretsNetworkPolicyProps> = {}) => {
    const c = chart();
    new ExternalSecretsNetworkPolicy(c, 'np', { ...props, ...p });
    return Testing.synth(c);
  };

  test('snapshot', () => {
    expect(np()).toMatchSnapshot();
  });

  test('ingress only to the webhook and metrics ports; egress only DNS, API server and HTTPS', () => {
    const [o] = np();
    expect(o.spec.podSelector).toEqual({});
    expect(o.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(o.spec.ingress.flatMap((r: any) => r.ports.map((p: any) => p.port))).toEqual([10250, 8080]);
    expect(o.spec.ingress[1].from[0].namespaceSelector.matchExpressions[0].values).toEqual(['monitoring']);
    expect(o.spec.egress.map((r: any) => r.ports.map((p: any) => `${p.protocol}/${p.port}`))).toEqual([['UDP/53', 'TCP/53'], ['TCP/443'], ['TCP/443']]);
    expect(o.spec.egress[1].to).toEqual([{ ipBlock: { cidr: '10.224.0.0/28' } }]);
    expect(o.spec.egress[2].to).toEqual([{ ipBlock: { cidr: '0.0.0.0/0' } }]);
  });

  test('any namespace may scrape when none is listed', () => {
    expect(np({ metricsNamespaces: [] })[0].spec.ingress[1].from).toBeUndefined();
  });

  describe('fails when', () => {
    test('the API server address is missing', () => {
      expect(() => np({ apiServerCidrs: [] })).toThrow('test/np: apiServerCidrs: must name the API server address');
    });
    test('a CIDR is malformed', () => {
      expect(() => np({ azureCidrs: ['0.0.0.0'] })).toThrow('azureCidrs[0]: "0.0.0.0" is not a CIDR block');
    });
    test('a port is out of range', () => {
      expect(() => np({ apiServerPorts: [70000] })).toThrow('apiServerPorts[0]: 70000 is not a port (1-65535)');
    });
  });
});

describe('PodSecurityNamespace', () => {
  const ns = (p: Partial<ConstructorParameters<typeof PodSecurityNamespace>[2]> = {}) => {
    const c = chart();
    new PodSecurityNamespace(c, 'ns', { name: 'external-secrets', ...p });
    return Testing.synth(c);
  };

  test('snapshot', () => {
    expect(ns({ version: 'v1.31' })).toMatchSnapshot();
  });

  test('restricted enforced, audited and warned on by default', () => {
    expect(ns()[0].metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'latest',
    });
  });

  test('fails when the version is not latest or v1.<minor>', () => {
    expect(() => ns({ version: '1.31' })).toThrow('test/ns: version: "1.31" is not a Pod Security version');
  });
});
