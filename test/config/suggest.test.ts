import { closest, levenshtein } from '../../src/config';

describe('levenshtein', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['', 'abc', 3],
    ['compse_file', 'compose_file', 1],
    ['kitten', 'sitting', 3],
    ['1003', '1002', 1],
    ['tset', 'test', 1],
    ['ab', 'ba', 1],
  ])('distance(%p, %p) = %p', (a, b, expected) => {
    expect(levenshtein(a, b)).toBe(expected);
    expect(levenshtein(b, a)).toBe(expected);
  });
});

describe('closest', () => {
  it('suggests the nearest known key for a typo', () => {
    expect(closest('compse_file', ['compose', 'compose_file', 'env', 'environments', 'promote'])).toBe('compose_file');
    expect(closest('enviroments', ['compose', 'compose_file', 'env', 'environments', 'promote'])).toBe('environments');
  });

  it('compares case-insensitively and returns the candidate as written', () => {
    expect(closest('MONITORNG', ['monitoring', 'qdrant'])).toBe('monitoring');
  });

  it('suggests nothing when no candidate is plausibly meant', () => {
    expect(closest('grafana', ['monitoring', 'qdrant'])).toBeUndefined();
    expect(closest('x', ['y'])).toBeUndefined();
    expect(closest('anything', [])).toBeUndefined();
  });

  it('breaks ties by candidate order, so callers order by preference', () => {
    expect(closest('1003', ['1002', '1001'])).toBe('1002');
    expect(closest('1003', ['1001', '1002'])).toBe('1001');
  });
});
