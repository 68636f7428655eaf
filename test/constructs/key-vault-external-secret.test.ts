import { Testing } from 'cdk8s';
import { KeyVaultExternalSecret, keyVaultStoreFromName } from '../../constructs';

const store = keyVaultStoreFromName('SecretStore', 'azure-key-vault', ['airflow']);

describe('KeyVaultExternalSecret', () => {
  test('minimal snapshot', () => {
    const chart = Testing.chart();
    new KeyVaultExternalSecret(chart, 'es', {
      name: 'salesforce-credentials',
      namespace: 'airflow',
      store,
      data: { username: 'salesforce-username', password: 'salesforce-password', security_token: 'salesforce-security-token' },
    });
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  test('writes every field ESO would default, so GitOps sees no drift', () => {
    const chart = Testing.chart();
    new KeyVaultExternalSecret(chart, 'es', { name: 'sf', namespace: 'airflow', store, data: { username: 'salesforce-username' } });
    const [obj] = Testing.synth(chart);
    expect(obj.spec.refreshInterval).toBe('1h0m0s');
    expect(obj.spec.refreshPolicy).toBe('Periodic');
    expect(obj.spec.secretStoreRef).toEqual({ kind: 'SecretStore', name: 'azure-key-vault' });
    expect(obj.spec.target).toEqual({ name: 'sf', creationPolicy: 'Owner', deletionPolicy: 'Retain' });
    expect(obj.spec.data).toEqual([
      {
        secretKey: 'username',
        remoteRef: { key: 'salesforce-username', conversionStrategy: 'Default', decodingStrategy: 'None', metadataPolicy: 'None' },
      },
    ]);
  });

  test('canonicalizes the refresh interval to Go form', () => {
    const chart = Testing.chart();
    const es = new KeyVaultExternalSecret(chart, 'es', { name: 'sf', namespace: 'airflow', store, refreshInterval: '90m', data: { a: 'b' } });
    expect(es.refreshInterval).toBe('1h30m0s');
  });

  test('renders long-form references, dataFrom and templates', () => {
    const chart = Testing.chart();
    new KeyVaultExternalSecret(chart, 'es', {
      name: 'pg',
      namespace: 'airflow',
      store,
      data: { password: { key: 'pg', property: 'password', version: '0123456789abcdef0123456789abcdef', decodingStrategy: 'Base64' } },
      dataFrom: [{ find: { name: '^airflow-var-', tags: { team: 'data' } } }, { extract: { key: 'pg-json' } }],
      template: { type: 'kubernetes.io/basic-auth', data: { password: '{{ .password }}' }, mergePolicy: 'Merge' },
      metadata: { labels: { team: 'data' } },
    });
    const [obj] = Testing.synth(chart);
    expect(obj.spec.data[0].remoteRef).toEqual({
      key: 'pg',
      property: 'password',
      version: '0123456789abcdef0123456789abcdef',
      conversionStrategy: 'Default',
      decodingStrategy: 'Base64',
      metadataPolicy: 'None',
    });
    expect(obj.spec.dataFrom).toEqual([
      { find: { name: { regexp: '^airflow-var-' }, tags: { team: 'data' }, conversionStrategy: 'Default', decodingStrategy: 'None' } },
      { extract: { key: 'pg-json', conversionStrategy: 'Default', decodingStrategy: 'None', metadataPolicy: 'None' } },
    ]);
    expect(obj.spec.target.template).toEqual({
      engineVersion: 'v2',
      mergePolicy: 'Merge',
      type: 'kubernetes.io/basic-auth',
      data: { password: '{{ .password }}' },
      metadata: { labels: { team: 'data' } },
    });
    expect(obj.metadata.labels).toEqual({ team: 'data' });
  });

  test('fails when the store does not admit the namespace', () => {
    const chart = Testing.chart();
    expect(() => new KeyVaultExternalSecret(chart, 'es', { name: 'sf', namespace: 'jobs', store, data: { a: 'b' } })).toThrow(
      'test/es: store: SecretStore "azure-key-vault" does not admit namespace "jobs" (admits: airflow)',
    );
  });

  test('fails when there is no source', () => {
    const chart = Testing.chart();
    expect(() => new KeyVaultExternalSecret(chart, 'es', { name: 'sf', namespace: 'airflow', store })).toThrow(
      'test/es: data: no source: give data or dataFrom',
    );
  });

  test('fails when a find has neither name nor tags', () => {
    const chart = Testing.chart();
    expect(() => new KeyVaultExternalSecret(chart, 'es', { name: 'sf', namespace: 'airflow', store, dataFrom: [{ find: {} }] })).toThrow(
      'test/es: dataFrom[0].find: needs name or tags: an empty find lists every secret of the vault on each refresh',
    );
  });

  test('fails when keys, remote names and the interval are malformed, all at once', () => {
    const chart = Testing.chart();
    expect(
      () =>
        new KeyVaultExternalSecret(chart, 'es', {
          name: 'sf',
          namespace: 'airflow',
          store,
          refreshInterval: '1d',
          data: { 'bad key': 'sales_pw' },
        }),
    ).toThrow(
      [
        '3 problems:',
        '  test/es: refreshInterval: "1d" is not a Go duration (a sequence of numbers with units ns, us, ms, s, m, h, such as "1h", "30m" or "1h30m"; "0" or "0s" syncs once)',
        '  test/es: data["bad key"]: "bad key" is not a Secret key (1-253 letters, digits, ".", "-" and "_")',
        '  test/es: data["bad key"]: "sales_pw" is not a Key Vault secret name (1-127 letters, digits and dashes)',
      ].join('\n'),
    );
  });
});
