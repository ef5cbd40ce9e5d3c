import { encodedForms, Redactor } from '../../src/secrets/redactor';

const VALUE = 'a"b\\c d/é';

describe('Redactor', () => {
  it('redacts a value raw, JSON-quoted, quoted twice and percent-encoded', () => {
    const r = new Redactor([VALUE]);
    const quoted = JSON.stringify(VALUE).slice(1, -1);
    expect(r.text(`raw ${VALUE} q ${quoted} qq ${JSON.stringify(quoted).slice(1, -1)} pct ${encodeURIComponent(VALUE)}`)).toBe('raw <redacted> q <redacted> qq <redacted> pct <redacted>');
  });

  it('walks structured data before serialisation: values, keys, arrays, toJSON, cycles', () => {
    const r = new Redactor([VALUE, 'ptr_token']);
    const cyclic: Record<string, unknown> = { n: 1 };
    cyclic.self = cyclic;
    const error = { toJSON: () => ({ message: `refused ptr_token for ${VALUE}` }) };
    const out = r.deep({ [VALUE]: [VALUE, 3, null, true], error, cyclic });
    expect(out).toEqual({ '<redacted>': ['<redacted>', 3, null, true], error: { message: 'refused <redacted> for <redacted>' }, cyclic: { n: 1, self: '[circular]' } });
    expect(JSON.stringify(out)).not.toContain('a\\"b');
  });

  it('ignores values too short to be secrets, and a custom mask is used', () => {
    const r = new Redactor(['abc', undefined, ''], '[REDACTED]');
    expect(r.size).toBe(0);
    r.add('abcd');
    expect(r.text('xabcdx')).toBe('x[REDACTED]x');
  });

  it('a plain value has one form', () => {
    expect(encodedForms('ptr_abc123')).toEqual(['ptr_abc123']);
  });
});
