/**
 * Portainer (2.9.1+) lower-cases a stack name and strips everything outside `[-_a-z0-9]`,
 * silently. Any name phoenix accepts must survive that unchanged, or phoenix would track a stack
 * under a name Portainer does not use.
 */
import fc from 'fast-check';
import { STACK_NAME_PATTERN, portainerNormalizedName, stackNameProblem } from '../../src/config';

/** Written here from the Portainer source, independently of the production helper. */
const portainerNormalize = (name: string) => name.toLowerCase().replace(/[^-_a-z0-9]/g, '');

const nameChars = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCZ0123456789-_. /é'.split(''));

describe('STACK_NAME_PATTERN', () => {
  it('accepts only names that Portainer stores unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: nameChars, minLength: 0, maxLength: 20 }), (name) => {
        if (STACK_NAME_PATTERN.test(name)) expect(portainerNormalize(name)).toBe(name);
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts every name built from its own alphabet', () => {
    const first = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'.split(''));
    const rest = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_'.split('')), maxLength: 30 });
    fc.assert(
      fc.property(first, rest, (head, tail) => {
        const name = head + tail;
        expect(STACK_NAME_PATTERN.test(name)).toBe(true);
        expect(portainerNormalize(name)).toBe(name);
        expect(stackNameProblem(name)).toBeUndefined();
      }),
    );
  });

  it('explains a refused name with what Portainer would make of it', () => {
    fc.assert(
      fc.property(fc.string({ unit: nameChars, minLength: 1, maxLength: 20 }), (name) => {
        const problem = stackNameProblem(name);
        expect(problem === undefined).toBe(STACK_NAME_PATTERN.test(name));
        if (problem !== undefined) expect(problem).toContain(JSON.stringify(name));
        expect(portainerNormalizedName(name)).toBe(portainerNormalize(name));
      }),
    );
  });

  it.each(['monitoring', 'uptime-kuma', 'redis_cache', '0day'])('accepts %p', (name) => expect(STACK_NAME_PATTERN.test(name)).toBe(true));
  it.each(['', 'Monitoring', '-x', '_x', 'a.b', 'a b', 'café'])('refuses %p', (name) => expect(STACK_NAME_PATTERN.test(name)).toBe(false));
});
