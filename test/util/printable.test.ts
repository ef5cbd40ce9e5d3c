import { escapeControls } from '../../src/util/printable';

describe('escapeControls: the one escaping of control characters for output', () => {
  it('writes C0, DEL, C1, line separators and bidi overrides as \\uXXXX, and keeps tabs only when asked', () => {
    const hostile = 'a\u001b]0;owned\u0007b\nc\rd\u007fe\u0085f\u2028g\u202eh\u2066i\tj';
    expect(escapeControls(hostile)).toBe('a\\u001b]0;owned\\u0007b\\u000ac\\u000dd\\u007fe\\u0085f\\u2028g\\u202eh\\u2066i\\u0009j');
    expect(escapeControls(hostile, true)).toBe('a\\u001b]0;owned\\u0007b\\u000ac\\u000dd\\u007fe\\u0085f\\u2028g\\u202eh\\u2066i\tj');
    expect(escapeControls('plain text, “quotes” and é')).toBe('plain text, “quotes” and é');
  });
});
