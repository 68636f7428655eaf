import { undeclaredKeys } from '../../scripts/check-eso-values';

// A miniature of the chart's values.yaml and values.schema.json (the real ones are not in this repository).
const defaults = { replicaCount: 1, podLabels: {}, webhook: { replicaCount: 1, podLabels: {} }, resources: {} };
const schema = {
  properties: {
    replicaCount: { type: 'integer' },
    podLabels: { type: 'object' },
    resources: { type: 'object' },
    webhook: { properties: { replicaCount: { type: 'integer' }, podLabels: { type: 'object' } } },
  },
};

describe('undeclaredKeys', () => {
  test('accepts declared keys and anything below free-form maps', () => {
    expect(
      undeclaredKeys({ replicaCount: 2, podLabels: { a: 'b' }, resources: { limits: { cpu: '1' } }, webhook: { podLabels: { x: 'y' } } }, defaults, schema),
    ).toEqual([]);
  });

  test('fails when a key is misspelt, at any depth', () => {
    expect(undeclaredKeys({ replicaCont: 2, webhook: { replicas: 3 } }, defaults, schema)).toEqual(['replicaCont', 'webhook.replicas']);
  });
});
