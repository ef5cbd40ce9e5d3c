import { BugError, ERROR_CODES, ExitCode, isPhoenixError, PhoenixError, UsageError } from '../../src/errors';

describe('one error-code list', () => {
  it('the type-checker refuses a code that is not in ERROR_CODES', () => {
    // @ts-expect-error: not one of ERROR_CODES (ts-jest type-checks this file: if `code` accepted any string, the unused directive fails it)
    const wrong = new UsageError('x', { code: 'ENVIRONMENT_UNKNOWN' });
    expect(wrong.code).toBe('ENVIRONMENT_UNKNOWN');
  });

  it('holds no duplicate spellings of one idea', () => {
    const codes: readonly string[] = ERROR_CODES;
    for (const removed of ['ENVIRONMENT_UNKNOWN', 'PORTAINER_URL_INVALID', 'SECRET_NOT_LOADED']) expect(codes).not.toContain(removed);
    expect(codes).toEqual(expect.arrayContaining(['UNKNOWN_ENVIRONMENT', 'URL_INVALID', 'INTERNAL']));
  });

  it('a BugError is no user error: INTERNAL, exit 70', () => {
    const bug = new BugError('plan item without liveId');
    expect(isPhoenixError(bug)).toBe(false);
    expect(bug).not.toBeInstanceOf(PhoenixError);
    expect([bug.code, bug.exitCode, bug.name]).toEqual(['INTERNAL', ExitCode.INTERNAL, 'BugError']);
  });
});
