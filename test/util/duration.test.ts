import { parseDuration } from '../../src/util/duration';

describe('parseDuration', () => {
  it.each([
    ['15m', 900_000],
    ['90s', 90_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    [' 2m ', 120_000],
    ['1.5s', 1_500],
    ['24h', 86_400_000],
  ])('%j is %d ms', (text, ms) => {
    expect(parseDuration(text, '--timeout')).toBe(ms);
  });

  it.each([
    ['10', /has no unit/],
    ['0', /has no unit/],
    ['0s', /is zero/],
    ['0h0m', /is zero/],
    ['', /is not a duration/],
    ['15 m', /is not a duration/],
    ['-5s', /is not a duration/],
    ['5d', /is not a duration/],
    ['1e3s', /is not a duration/],
    ['25h', /longer than 24h/],
    ['99999999999h', /longer than 24h/],
  ])('%j is refused as a usage error (64)', (text, message) => {
    expect(() => parseDuration(text, '--timeout')).toThrow(message);
    expect(() => parseDuration(text, '--timeout')).toThrow(expect.objectContaining({ exitCode: 64, code: 'DURATION_INVALID', hint: expect.stringContaining('90s') }));
  });
});
