import { loadEnvironments } from '../config';
import { renderEnvironment } from '../charts/synth';

test('example environments load and render', () => {
  const envs = loadEnvironments(undefined, { requireClientIds: true });
  expect(envs.map((e) => e.environment)).toEqual(['dev', 'prod', 'staging']);
  for (const env of envs) expect(renderEnvironment(env).objects.length).toBeGreaterThan(0);
});
