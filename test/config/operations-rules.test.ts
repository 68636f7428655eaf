import { esoMonitoringValues, governedNamespaces, podSecurityLabels, reloaderAnnotation } from '../../config';
import { operationsCatalogue, opsProblems, parseOps } from '../util/operations-catalogue';

const edit = (f: (c: Record<string, any>) => void) => {
  const c = operationsCatalogue();
  f(c);
  return c;
};

describe('operations section', () => {
  test('secure defaults when the section is left out', () => {
    const env = parseOps(edit((c) => delete c.operations));
    expect(env.operations.admission).toEqual({ enabled: true, minRefreshInterval: '1m', validationActions: ['Deny'] });
    expect(env.operations.podSecurity).toEqual({ enabled: true, level: 'restricted', version: 'latest' });
    expect(env.operations.networkPolicy.enabled).toBe(false);
    expect(env.operations.alerts).toMatchObject({ enabled: true, pageSeverity: 'critical', namespaceLabel: 'exported_namespace', syncErrorRatio: 0.1 });
    expect(env.operations.sharedSecrets).toEqual([]);
  });

  test('governed namespaces default to every namespace the catalogue delivers to', () => {
    expect(governedNamespaces(parseOps(operationsCatalogue()))).toEqual(['airflow', 'jobs']);
    expect(governedNamespaces(parseOps(edit((c) => (c.operations.admission = { namespaces: ['airflow'] }))))).toEqual(['airflow']);
  });

  describe('fails when', () => {
    test('a shared secret declares Airflow consumption (the helpers cover namespace secrets only)', () => {
      const problems = opsProblems(edit((c) => (c.operations.sharedSecrets[0].airflow = { env: { password: 'SMTP_PASSWORD' } })));
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^operations\.sharedSecrets\[0\]\.airflow: unknown field \(allowed: name, store, description, .*namespaces.*\)/);
    });

    test('a Prometheus duration has a fraction', () => {
      expect(opsProblems(edit((c) => (c.operations.alerts = { storeNotReadyFor: '1.5h' })))).toEqual([
        'operations.alerts.storeNotReadyFor: "1.5h" is not a Prometheus duration (one or more numbers with units ms, s, m, h, d, w, y, such as "5m", "1h30m")',
      ]);
    });

    test('alerts are on but the ServiceMonitor that feeds them is off', () => {
      expect(opsProblems(edit((c) => (c.operations.alerts = { serviceMonitor: false })))).toEqual([
        'operations.alerts.serviceMonitor: false leaves the alerts without ESO metrics (ExternalSecretsControllerAbsent would fire for good); set serviceMonitor: true, or alerts.enabled: false',
      ]);
    });

    test('the NetworkPolicy is enabled without the API server address', () => {
      expect(opsProblems(edit((c) => (c.operations.networkPolicy = { enabled: true })))).toEqual([
        'operations.networkPolicy.apiServerCidrs: must name the API server address when the NetworkPolicy is enabled (without it ESO cannot reach the API server); give its IP as x.x.x.x/32, or set enabled: false',
      ]);
    });

    test('a CIDR is not one', () => {
      expect(opsProblems(edit((c) => (c.operations.networkPolicy = { enabled: true, apiServerCidrs: ['10.0.0.300/32'] })))).toEqual([
        'operations.networkPolicy.apiServerCidrs[0]: "10.0.0.300/32" is not a CIDR block (an IPv4 or IPv6 network such as "10.0.0.0/16" or "fd00::/8")',
      ]);
    });

    test('a shared secret names an unknown store', () => {
      expect(opsProblems(edit((c) => (c.operations.sharedSecrets[0].store = 'nope')))).toEqual([
        'operations.sharedSecrets[0].store: "nope" is not a known store (known: "kv", "shared")',
      ]);
    });

    test('a shared secret reads through a SecretStore', () => {
      expect(opsProblems(edit((c) => (c.operations.sharedSecrets[0].store = 'kv')))).toEqual([
        'operations.sharedSecrets[0].store: "kv" is a SecretStore, which serves only namespace "airflow"; a shared secret needs a ClusterSecretStore',
      ]);
    });

    test('a shared secret reaches a namespace its ClusterSecretStore does not admit', () => {
      expect(opsProblems(edit((c) => c.operations.sharedSecrets[0].namespaces.push('payments')))).toEqual([
        'operations.sharedSecrets[0].namespaces[2]: "payments" is not admitted by ClusterSecretStore "shared" (admits: "airflow", "jobs"); add it to stores[1].namespaces or remove it here',
      ]);
    });

    test('a shared secret lists a namespace twice', () => {
      expect(opsProblems(edit((c) => (c.operations.sharedSecrets[0].namespaces = ['jobs', 'jobs'])))).toEqual([
        'operations.sharedSecrets[0].namespaces[1]: "jobs" is listed twice',
      ]);
    });

    test('a shared secret produces a Secret a catalogue secret already produces', () => {
      expect(opsProblems(edit((c) => (c.operations.sharedSecrets[0].name = 'salesforce-credentials')))).toEqual([
        'operations.sharedSecrets[0].namespaces[0]: Secret airflow/salesforce-credentials is already produced by secrets[0]; each target Secret has one source',
      ]);
    });

    test('a shared secret has no source', () => {
      expect(opsProblems(edit((c) => delete c.operations.sharedSecrets[0].data))).toEqual([
        'operations.sharedSecrets[0]: has no source: give data (Secret key → Key Vault secret) or dataFrom',
      ]);
    });

    test('a shared secret has no namespace', () => {
      expect(opsProblems(edit((c) => (c.operations.sharedSecrets[0].namespaces = []))) ).toEqual([
        'operations.sharedSecrets[0].namespaces: must list at least one namespace (the ClusterExternalSecret reaches only the namespaces named)',
      ]);
    });

    test('a selector expression with In has no values', () => {
      expect(
        opsProblems(edit((c) => (c.stores[1].namespaceSelector = { matchExpressions: [{ key: 'team', operator: 'In' }] }))),
      ).toEqual(['stores[1].namespaceSelector.matchExpressions[0].values: operator In needs at least one value']);
    });

    test('a selector expression with Exists has values', () => {
      expect(
        opsProblems(
          edit((c) => (c.operations.sharedSecrets[0].namespaceSelector = { matchExpressions: [{ key: 'team', operator: 'Exists', values: ['a'] }] })),
        ),
      ).toEqual(['operations.sharedSecrets[0].namespaceSelector.matchExpressions[0].values: must be empty for operator Exists; remove values']);
    });

    test('a secret refreshes faster than the admission floor', () => {
      expect(opsProblems(edit((c) => (c.secrets[0].refreshInterval = '30s')))).toEqual([
        'secrets[0].refreshInterval: "30s" is below operations.admission.minRefreshInterval "1m", so the admission policy would refuse the ExternalSecret; use "1m" or more',
      ]);
    });

    test('the default interval is below the floor (reported once)', () => {
      expect(opsProblems(edit((c) => (c.defaults = { refreshInterval: '20s' })))).toEqual([
        'defaults.refreshInterval: "20s" is below operations.admission.minRefreshInterval "1m", so the admission policy would refuse the ExternalSecret; use "1m" or more',
      ]);
    });

    test('dataFrom.find has no name pattern in a governed namespace', () => {
      expect(opsProblems(edit((c) => (c.secrets[0].dataFrom = [{ find: { tags: { team: 'data' } } }])))).toEqual([
        'secrets[0].dataFrom[0].find.name: missing: the admission policy refuses dataFrom.find without a name pattern (it lists the whole vault on every refresh); give a regular expression such as "^airflow-var-"',
      ]);
    });
  });

  test('the admission rules are off with the policy', () => {
    expect(() =>
      parseOps(
        edit((c) => {
          c.operations.admission = { enabled: false };
          c.secrets[0].refreshInterval = '30s';
        }),
      ),
    ).not.toThrow();
  });
});

describe('cross-tool values', () => {
  test('Pod Security labels for enforce, audit and warn', () => {
    expect(podSecurityLabels('restricted', 'v1.31')).toEqual({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.31',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/audit-version': 'v1.31',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/warn-version': 'v1.31',
    });
  });

  test('ESO release monitoring values follow the catalogue and honour labels only when alerts group by namespace', () => {
    expect(esoMonitoringValues(parseOps(operationsCatalogue()))).toEqual({
      serviceMonitor: { enabled: true, honorLabels: false },
      grafanaDashboard: { enabled: false },
    });
    const honour = parseOps(edit((c) => (c.operations.alerts = { namespaceLabel: 'namespace', grafanaDashboard: true })));
    expect(esoMonitoringValues(honour)).toEqual({ serviceMonitor: { enabled: true, honorLabels: true }, grafanaDashboard: { enabled: true } });
    expect(esoMonitoringValues(parseOps(edit((c) => (c.platform.prometheusOperator = false))))).toEqual({});
  });

  test('the Reloader annotation lists the Secrets a namespace gets, or the ones named', () => {
    const env = parseOps(operationsCatalogue());
    expect(reloaderAnnotation(env, 'airflow')).toEqual({ 'secret.reloader.stakater.com/reload': 'salesforce-credentials,smtp-relay' });
    expect(reloaderAnnotation(env, 'airflow', ['smtp-relay'])).toEqual({ 'secret.reloader.stakater.com/reload': 'smtp-relay' });
    expect(reloaderAnnotation(env, 'payments')).toEqual({});
  });

  test('fails when the Reloader annotation names a Secret the namespace does not get', () => {
    expect(() => reloaderAnnotation(parseOps(operationsCatalogue()), 'jobs', ['salesforce-credentials'])).toThrow(
      'test: namespace "jobs" gets no Secret named "salesforce-credentials" from the catalogue (it gets: smtp-relay)',
    );
  });
});

describe('shared secrets follow the secret rules', () => {
  test('fails when a shared secret template reads a key its data does not have', () => {
    expect(
      opsProblems(
        (() => {
          const c = operationsCatalogue();
          c.operations.sharedSecrets[0].template = { data: { url: 'smtp://{{ .user }}:{{ .password }}@relay' } };
          return c;
        })(),
      ),
    ).toEqual(['operations.sharedSecrets[0].template.data.url: reads "user", which is not a key of data (keys: "password")']);
  });

  test('fails when a shared basic-auth Secret has neither username nor password', () => {
    const c = operationsCatalogue();
    c.operations.sharedSecrets[0].data = { token: 'smtp-token' };
    c.operations.sharedSecrets[0].template = { type: 'kubernetes.io/basic-auth' };
    expect(opsProblems(c)).toEqual([
      'operations.sharedSecrets[0].template: a kubernetes.io/basic-auth Secret needs at least one of "username", "password" (has: "token")',
    ]);
  });
});

test('fails when dataFrom.find matches every name, in a governed namespace', () => {
  const c = operationsCatalogue();
  c.secrets[0].dataFrom = [{ find: { name: '.*' } }];
  expect(opsProblems(c)).toEqual([
    'secrets[0].dataFrom[0].find.name: ".*": the admission policy refuses dataFrom.find without a name pattern (it lists the whole vault on every refresh); give a regular expression such as "^airflow-var-"',
  ]);
});

test('an empty find is reported once, by the catalogue rule', () => {
  const c = operationsCatalogue();
  c.secrets[0].dataFrom = [{ find: {} }];
  expect(opsProblems(c)).toEqual([
    'secrets[0].dataFrom[0].find: needs name or tags: an empty find lists every secret of the vault on each refresh',
  ]);
});
