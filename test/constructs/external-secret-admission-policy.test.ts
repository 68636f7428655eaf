import { Chart, Testing } from 'cdk8s';
import { listEnvironments, loadEnvironment } from '../../config';
import { renderEnvironment } from '../../charts/synth';
import { ExternalSecretAdmissionPolicy, ExternalSecretAdmissionPolicyProps } from '../../constructs';
import { admit, celFunctions } from '../util/cel';

const PROPS: ExternalSecretAdmissionPolicyProps = {
  allowedStores: {
    airflow: [
      { kind: 'SecretStore', name: 'azure-key-vault' },
      { kind: 'ClusterSecretStore', name: 'shared-key-vault' },
    ],
    'data-services': [{ kind: 'ClusterSecretStore', name: 'shared-key-vault' }],
  },
  minRefreshInterval: '1m',
};

function policyOf(props: ExternalSecretAdmissionPolicyProps = PROPS) {
  const chart = new Chart(Testing.app(), 'test');
  return { chart, policy: new ExternalSecretAdmissionPolicy(chart, 'policy', props) };
}

/** An ExternalSecret as the API server hands it to admission (defaults applied). */
function externalSecret(spec: Record<string, unknown> = {}, name = 'salesforce-credentials') {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name },
    spec: {
      refreshInterval: '1h0m0s',
      refreshPolicy: 'Periodic',
      secretStoreRef: { kind: 'SecretStore', name: 'azure-key-vault' },
      target: { name, creationPolicy: 'Owner', deletionPolicy: 'Retain' },
      data: [{ secretKey: 'password', remoteRef: { key: 'salesforce-password' } }],
      ...spec,
    },
  };
}

const { policy } = policyOf();

describe('ExternalSecretAdmissionPolicy', () => {
  test('snapshot', () => {
    expect(policyOf().chart.toJson()).toMatchSnapshot();
  });

  test('policy and binding: v1, fail closed, ExternalSecrets only, governed namespaces only', () => {
    const [vap, binding] = policyOf().chart.toJson() as any[];
    expect(vap.apiVersion).toBe('admissionregistration.k8s.io/v1');
    expect(vap.spec.failurePolicy).toBe('Fail');
    expect(vap.spec.matchConstraints.resourceRules).toEqual([
      { apiGroups: ['external-secrets.io'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['externalsecrets'] },
    ]);
    expect(binding.kind).toBe('ValidatingAdmissionPolicyBinding');
    expect(binding.spec.policyName).toBe(vap.metadata.name);
    expect(binding.spec.validationActions).toEqual(['Deny']);
    expect(binding.spec.matchResources.namespaceSelector.matchExpressions).toEqual([
      { key: 'kubernetes.io/metadata.name', operator: 'In', values: ['airflow', 'data-services'] },
    ]);
  });

  describe('admits', () => {
    test.each([
      ['a SecretStore of its namespace', 'airflow', {}],
      ['an allowed ClusterSecretStore', 'data-services', { secretStoreRef: { kind: 'ClusterSecretStore', name: 'shared-key-vault' } }],
      ['sourceRef stores that are allowed', 'airflow', {
        data: [{ secretKey: 'a', remoteRef: { key: 'a' }, sourceRef: { storeRef: { kind: 'ClusterSecretStore', name: 'shared-key-vault' } } }],
        dataFrom: [{ extract: { key: 'b' }, sourceRef: { storeRef: { name: 'azure-key-vault' } } }],
      }],
      ['a generator sourceRef (not a store)', 'airflow', { dataFrom: [{ sourceRef: { generatorRef: { kind: 'Password', name: 'pw' } } }] }],
      ['refreshInterval at the floor', 'airflow', { refreshInterval: '1m0s' }],
      ['refreshInterval 0 (sync once)', 'airflow', { refreshInterval: '0' }],
      ['refreshInterval 0s', 'airflow', { refreshInterval: '0s' }],
      ['a short interval with refreshPolicy OnChange', 'airflow', { refreshInterval: '10s', refreshPolicy: 'OnChange' }],
      ['dataFrom.find with a name pattern', 'airflow', { dataFrom: [{ find: { name: { regexp: '^airflow-var-' } } }] }],
      ['dataFrom.extract', 'airflow', { dataFrom: [{ extract: { key: 'airflow-config' } }] }],
    ])('%s', (_, namespace, spec) => {
      expect(admit(policy, { object: externalSecret(spec), namespace })).toEqual({ matched: true, denied: [] });
    });
  });

  describe('refuses, naming the object and what to do', () => {
    test('a store the catalogue does not allow in the namespace', () => {
      const es = externalSecret({ secretStoreRef: { kind: 'SecretStore', name: 'azure-key-vault' } });
      expect(admit(policy, { object: es, namespace: 'data-services' }).denied).toEqual([
        'ExternalSecret data-services/salesforce-credentials references SecretStore/azure-key-vault, which the catalogue does not allow in this namespace (allowed: ClusterSecretStore/shared-key-vault); use an allowed store or add the store to the catalogue',
      ]);
    });

    test('a store with an allowed name but the other kind', () => {
      const es = externalSecret({ secretStoreRef: { kind: 'ClusterSecretStore', name: 'azure-key-vault' } });
      expect(admit(policy, { object: es, namespace: 'airflow' }).denied[0]).toContain('references ClusterSecretStore/azure-key-vault,');
    });

    test('a secretStoreRef without kind counts as a SecretStore (as ESO reads it)', () => {
      const es = externalSecret({ secretStoreRef: { name: 'shared-key-vault' } });
      expect(admit(policy, { object: es, namespace: 'data-services' }).denied[0]).toContain('references SecretStore/shared-key-vault,');
    });

    test('a disallowed store hidden in data[].sourceRef', () => {
      const es = externalSecret({
        data: [{ secretKey: 'a', remoteRef: { key: 'a' }, sourceRef: { storeRef: { kind: 'ClusterSecretStore', name: 'other-vault' } } }],
      });
      expect(admit(policy, { object: es, namespace: 'airflow' }).denied[0]).toContain('references ClusterSecretStore/other-vault,');
    });

    test('a disallowed store hidden in dataFrom[].sourceRef', () => {
      const es = externalSecret({ dataFrom: [{ extract: { key: 'b' }, sourceRef: { storeRef: { kind: 'SecretStore', name: 'other' } } }] });
      expect(admit(policy, { object: es, namespace: 'airflow' }).denied[0]).toContain('references SecretStore/other,');
    });

    test('any store in a namespace the policy has no list for', () => {
      expect(admit(policy, { object: externalSecret(), namespace: 'payments' }).denied[0]).toContain('(allowed: none)');
    });

    test.each(['30s', '59s', '500ms', '0.5m'])('refreshInterval %s below the floor', (interval) => {
      expect(admit(policy, { object: externalSecret({ refreshInterval: interval }), namespace: 'airflow' }).denied).toEqual([
        `ExternalSecret airflow/salesforce-credentials has refreshInterval ${interval}, below the floor of 1m0s; use 1m0s or more (or 0 to sync once)`,
      ]);
    });

    test.each([
      ['tags only', { find: { tags: { team: 'data' } } }],
      ['an empty name', { find: { name: {} } }],
      ['an empty regexp', { find: { name: { regexp: '' } } }],
      ['a match-all regexp', { find: { name: { regexp: '.*' } } }],
    ])('dataFrom.find with %s', (_, dataFrom) => {
      const es = externalSecret({ dataFrom: [{ extract: { key: 'ok' } }, dataFrom] });
      expect(admit(policy, { object: es, namespace: 'airflow' }).denied).toEqual([
        'ExternalSecret airflow/salesforce-credentials uses dataFrom.find without a name pattern, which lists every secret of the vault on each refresh; set dataFrom[].find.name.regexp (e.g. ^airflow-var-)',
      ]);
    });

    test('every broken rule at once', () => {
      const es = externalSecret({
        refreshInterval: '5s',
        secretStoreRef: { kind: 'ClusterSecretStore', name: 'elsewhere' },
        dataFrom: [{ find: { tags: { a: 'b' } } }],
      });
      expect(admit(policy, { object: es, namespace: 'airflow' }).denied).toHaveLength(3);
    });
  });

  test('the floor follows minRefreshInterval', () => {
    const { policy: strict } = policyOf({ ...PROPS, minRefreshInterval: '15m' });
    expect(admit(strict, { object: externalSecret({ refreshInterval: '10m0s' }), namespace: 'airflow' }).denied[0]).toContain('below the floor of 15m0s');
    expect(admit(strict, { object: externalSecret({ refreshInterval: '15m' }), namespace: 'airflow' }).denied).toEqual([]);
  });

  test('updates are checked only when the spec changes, so existing objects keep their finalizers manageable', () => {
    const bad = externalSecret({ refreshInterval: '5s' });
    const relabelled = { ...bad, metadata: { ...bad.metadata, labels: { a: 'b' } } };
    expect(admit(policy, { object: relabelled, oldObject: bad, namespace: 'airflow', operation: 'UPDATE' }).matched).toBe(false);
    const changed = externalSecret({ refreshInterval: '6s' });
    expect(admit(policy, { object: changed, oldObject: bad, namespace: 'airflow', operation: 'UPDATE' }).denied).toHaveLength(1);
  });

  test('expressions use only standard CEL that Kubernetes evaluates too (no extension libraries)', () => {
    // Standard operators and functions of the CEL spec, all in Kubernetes' CEL environment.
    const standard = new Set([
      '(comprehension)', '!_', '@in', '@not_strictly_false', '_!=_', '_&&_', '_+_', '_<=_', '_<_', '_==_', '_>=_', '_>_',
      '_?_:_', '_[_]', '_||_', 'duration', 'size',
    ]);
    const all = [...policy.matchConditions, ...policy.variables, ...policy.validations.flatMap((v) => [
      { expression: v.expression }, { expression: v.messageExpression },
    ])];
    const used = new Set(all.flatMap((e) => celFunctions(e.expression)));
    expect([...used].filter((f) => !standard.has(f))).toEqual([]);
    expect(used).toContain('duration');
  });

  describe('fails when', () => {
    const fails = (props: Partial<ExternalSecretAdmissionPolicyProps>) => () => policyOf({ ...PROPS, ...props });
    test('it governs no namespace', () => {
      expect(fails({ allowedStores: {} })).toThrow('test/policy: allowedStores: must govern at least one namespace');
    });
    test('the floor is not a Go duration', () => {
      expect(fails({ minRefreshInterval: '1 minute' })).toThrow('minRefreshInterval: "1 minute" is not a Go duration');
    });
    test('Deny and Warn are combined', () => {
      expect(fails({ validationActions: ['Deny', 'Warn'] })).toThrow('validationActions: must not combine "Deny" and "Warn"');
    });
    test('a store name is not a DNS-1123 label', () => {
      expect(fails({ allowedStores: { airflow: [{ kind: 'SecretStore', name: 'Bad_Name' }] } })).toThrow(
        'allowedStores["airflow"][0].name: "Bad_Name" is not a DNS-1123 label',
      );
    });
  });
});

describe.each(listEnvironments())('environment %s: its own manifests pass its own admission policy', (name) => {
  const env = loadEnvironment(name, { requireClientIds: true });
  const objects = renderEnvironment(env).objects as any[];
  const vap = objects.find((o) => o.kind === 'ValidatingAdmissionPolicy');
  const binding = objects.find((o) => o.kind === 'ValidatingAdmissionPolicyBinding');
  const governed: string[] = binding?.spec.matchResources.namespaceSelector.matchExpressions[0].values ?? [];

  test('the policy exists when enabled and governs every namespace the catalogue delivers to', () => {
    expect(Boolean(vap)).toBe(env.operations.admission.enabled);
    const delivered = new Set(env.secrets.map((s) => s.namespace));
    for (const ns of delivered) expect(governed).toContain(ns);
  });

  test('every ExternalSecret, and every one a ClusterExternalSecret creates, is admitted', () => {
    const p = { matchConditions: vap.spec.matchConditions, variables: vap.spec.variables, validations: vap.spec.validations };
    const requests = [
      ...objects.filter((o) => o.kind === 'ExternalSecret').map((o) => ({ object: o, namespace: o.metadata.namespace })),
      ...objects
        .filter((o) => o.kind === 'ClusterExternalSecret')
        .flatMap((ces) => governed.map((ns) => ({ object: { metadata: { name: ces.spec.externalSecretName }, spec: ces.spec.externalSecretSpec }, namespace: ns }))),
    ];
    expect(requests.length).toBeGreaterThan(0);
    for (const r of requests) {
      expect({ es: `${r.namespace}/${r.object.metadata.name}`, ...admit(p, r) }).toEqual({ es: `${r.namespace}/${r.object.metadata.name}`, matched: true, denied: [] });
    }
  });
});
