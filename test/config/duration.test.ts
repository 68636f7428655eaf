import { canonicalGoDuration, goDurationSeconds, parseGoDuration } from '../../config';

describe('Go durations', () => {
  test.each([
    ['1h', '1h0m0s'],
    ['30m', '30m0s'],
    ['90m', '1h30m0s'],
    ['45s', '45s'],
    ['0', '0s'],
    ['0s', '0s'],
    ['1h30m', '1h30m0s'],
    ['1.5h', '1h30m0s'],
    ['500ms', '500ms'],
    ['2h45m30s', '2h45m30s'],
  ])('%s is %s in Go form', (input, canonical) => {
    expect(canonicalGoDuration(input)).toBe(canonical);
  });

  test('seconds', () => {
    expect(goDurationSeconds('1h')).toBe(3600);
    expect(goDurationSeconds('15m')).toBe(900);
  });

  test('fails when the unit is unknown', () => {
    expect(() => parseGoDuration('1d')).toThrow('"1d" is not a Go duration');
  });
});
