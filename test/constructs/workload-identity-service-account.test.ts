import { Testing } from 'cdk8s';
import { WorkloadIdentityServiceAccount } from '../../constructs';

const CLIENT = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const TENANT = '11111111-2222-4333-8444-555555555555';

describe('WorkloadIdentityServiceAccount', () => {
  test('minimal snapshot', () => {
    const chart = Testing.chart();
    new WorkloadIdentityServiceAccount(chart, 'sa', { name: 'eso-airflow', namespace: 'airflow', clientId: CLIENT, tenantId: TENANT });
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  test('carries the client and tenant annotations, and does not automount its token', () => {
    const chart = Testing.chart();
    const sa = new WorkloadIdentityServiceAccount(chart, 'sa', { name: 'eso-airflow', namespace: 'airflow', clientId: CLIENT, tenantId: TENANT });
    const [obj] = Testing.synth(chart);
    expect(obj.metadata.annotations).toEqual({
      'azure.workload.identity/client-id': CLIENT,
      'azure.workload.identity/tenant-id': TENANT,
    });
    expect(obj.automountServiceAccountToken).toBe(false);
    expect(sa.subject).toBe('system:serviceaccount:airflow:eso-airflow');
    expect(sa.carriesTenantId).toBe(true);
  });

  test('omits the tenant annotation when no tenant is given', () => {
    const chart = Testing.chart();
    const sa = new WorkloadIdentityServiceAccount(chart, 'sa', { name: 'eso', namespace: 'airflow', clientId: CLIENT });
    expect(Testing.synth(chart)[0].metadata.annotations).toEqual({ 'azure.workload.identity/client-id': CLIENT });
    expect(sa.carriesTenantId).toBe(false);
  });

  test('fails when the client id is not a UUID', () => {
    const chart = Testing.chart();
    expect(() => new WorkloadIdentityServiceAccount(chart, 'sa', { name: 'eso', namespace: 'airflow', clientId: 'nope' })).toThrow(
      'test/sa: clientId: "nope" is not a UUID (a UUID such as 00000000-0000-0000-0000-000000000000)',
    );
  });

  test('fails when the name is not a DNS-1123 label, reporting every bad prop at once', () => {
    const chart = Testing.chart();
    expect(() => new WorkloadIdentityServiceAccount(chart, 'sa', { name: 'ESO', namespace: 'Air', clientId: CLIENT })).toThrow(
      '2 problems:\n  test/sa: name: "ESO" is not a DNS-1123 label (1-63 lowercase letters, digits and dashes, starting and ending with a letter or digit)\n  test/sa: namespace: "Air" is not a DNS-1123 label (1-63 lowercase letters, digits and dashes, starting and ending with a letter or digit)',
    );
  });

  test('fromServiceAccountName references an account we do not create', () => {
    const ref = WorkloadIdentityServiceAccount.fromServiceAccountName('airflow', 'airflow-worker', { carriesTenantId: true });
    expect(ref).toEqual({ name: 'airflow-worker', namespace: 'airflow', carriesTenantId: true, subject: 'system:serviceaccount:airflow:airflow-worker' });
  });
});
