import fc from 'fast-check';

import { EXIT_CODE_SEVERITY, worstExitCode } from '../../src/errors';
import { ExitCode } from '../../src/errors';

describe('worstExitCode', () => {
  it('orders outcomes most severe first: 143 > 130 > 70 > 1 > 77 > 69 > 65 > 73 > 75 > 2 > 0', () => {
    expect(EXIT_CODE_SEVERITY).toEqual([143, 130, 70, 1, 77, 69, 65, 73, 75, 2, 0]);
    expect(worstExitCode([])).toBe(ExitCode.OK);
    expect(worstExitCode([0, 2, 73])).toBe(73);
    expect(worstExitCode([73, 1, 75])).toBe(1);
    expect(worstExitCode([65, 69])).toBe(69);
    expect(worstExitCode([2, 0])).toBe(2);
  });

  it('is the element of highest severity whatever the order (property)', () => {
    const code = fc.constantFrom(...EXIT_CODE_SEVERITY);
    fc.assert(
      fc.property(fc.array(code, { minLength: 1 }), (codes) => {
        const worst = worstExitCode(codes);
        expect(codes).toContain(worst);
        expect(worstExitCode([...codes].reverse())).toBe(worst);
        for (const other of codes) expect(EXIT_CODE_SEVERITY.indexOf(worst)).toBeLessThanOrEqual(EXIT_CODE_SEVERITY.indexOf(other));
      }),
    );
  });
});
