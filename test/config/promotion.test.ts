import { applyPromotion, parseConfigText, planPromotion } from '../../src/config';
import { formattingOf } from '../../src/config/promotion';
import { ConfigError } from '../../src/errors';

/** A hand-formatted JSONC config: comments, odd spacing, a key order no serializer would pick. */
const TEXT = `{
    // promotion must keep this comment
    "vms": [ { "vmid": 2001, "name": "prod-box", "environment": "prod", "docker_stacks": ["web"] } ],
    "environments": { "test": {}, "prod": { "protected": true } },
    "stacks": {
        "web": {
            "promote": ["TAG", "WORKERS"],
            "compose_file": "stacks/web/docker-compose.yml",
            "env": { "TAG": "1.0", "WORKERS": "2", "HOST": "base.example" },
            "environments": {
                "test": {
                    "compose_file": "stacks/web/docker-compose.next.yml",
                    "env": { "TAG": "1.1", "HOST": "test.example", "WORKERS": "4" }
                },
                "prod": { "env": { "HOST": "prod.example",   "TAG": "1.0" } } /* prod's own hosts stay */
            }
        },
        "db": { "compose": "services:\\n  db:\\n    image: postgres:16\\n", "promote": ["PG"], "env": { "PG": "16" } }
    }
}
`;

function promote(text: string, stacks: string[]) {
  const { document } = parseConfigText(text, 'phoenix_vm_configs.json');
  const plan = planPromotion(document, 'test', 'prod', stacks);
  return { plan, after: applyPromotion(text, plan.changes) };
}

describe('planPromotion + applyPromotion', () => {
  it('changes a key the target sets in place, adds one it does not, and copies the source’s compose override', () => {
    const { plan, after } = promote(TEXT, ['web']);
    expect(plan.changes.map((c) => [c.setting, c.key ?? '', c.action, c.before ?? null, c.after ?? null])).toEqual([
      ['compose_file', '', 'added', null, 'stacks/web/docker-compose.next.yml'],
      ['env', 'TAG', 'changed', '1.0', '1.1'],
      ['env', 'WORKERS', 'added', '2', '4'],
    ]);
    const { document } = parseConfigText(after, 'x');
    const prod = document.stacks?.web.environments?.prod;
    expect(prod).toEqual({ env: { HOST: 'prod.example', TAG: '1.1', WORKERS: '4' }, compose_file: 'stacks/web/docker-compose.next.yml' });
    // everything of the target that is not promoted stays; the source is untouched
    expect(document.stacks?.web.environments?.test?.env?.HOST).toBe('test.example');
  });

  it('touches only the edited values: every byte outside them is kept (comments, spacing, key order)', () => {
    const { after } = promote(TEXT, ['web']);
    // The in-place change is exactly the value's bytes.
    const inPlace = TEXT.replace('"HOST": "prod.example",   "TAG": "1.0" }', '"HOST": "prod.example",   "TAG": "1.1" }');
    const lines = (text: string) => text.split('\n');
    const removed = lines(inPlace).filter((line) => !lines(after).includes(line));
    // Only the prod line itself was rewritten (to hold the added keys); every other line is identical and in order.
    expect(removed).toEqual([lines(inPlace).find((line) => line.includes('"prod": { "env"'))]);
    const kept = lines(inPlace).filter((line) => !removed.includes(line));
    expect(lines(after).filter((line) => kept.includes(line))).toEqual(kept);
    expect(after).toContain('// promotion must keep this comment');
    expect(after).toContain("/* prod's own hosts stay */");
    expect(after.indexOf('"promote"')).toBeLessThan(after.indexOf('"compose_file"'));
  });

  it('an in-place change alone leaves every other byte identical', () => {
    const text = TEXT.replace('"compose_file": "stacks/web/docker-compose.next.yml",', '').replace('"WORKERS": "4"', '"WORKERS": "2"');
    const { plan, after } = promote(text, ['web']);
    expect(plan.changes.map((c) => c.action)).toEqual(['changed']);
    const at = text.indexOf('"TAG": "1.0" } }') + '"TAG": "'.length;
    expect(after.slice(0, at)).toBe(text.slice(0, at));
    expect(after.slice(at + 3)).toBe(text.slice(at + 3));
    expect(after.slice(at, at + 3)).toBe('1.1');
  });

  it('removes the target’s compose override when the source runs the stack’s own compose', () => {
    const text = TEXT.replace('"compose_file": "stacks/web/docker-compose.next.yml",', '').replace('"prod": { "env"', '"prod": { "compose": "services:\\n  x:\\n    image: y\\n", "env"');
    const { plan, after } = promote(text, ['web']);
    expect(plan.changes[0]).toMatchObject({ setting: 'compose', action: 'removed' });
    expect(parseConfigText(after, 'x').document.stacks?.web.environments?.prod).not.toHaveProperty('compose');
  });

  it('promotes nothing when the resolved values already agree, and is idempotent', () => {
    const { after } = promote(TEXT, ['web', 'db']);
    expect(promote(after, ['web', 'db']).plan.changes).toEqual([]);
    expect(promote(TEXT, ['db']).plan.changes).toEqual([]); // PG comes from the base env for both
  });

  it('refuses a stack outside the stacks block, and a promote key without a source value (65)', () => {
    const { document } = parseConfigText(TEXT, 'x');
    expect(() => planPromotion(document, 'test', 'prod', ['wbe'])).toThrow(/not in the config's stacks block; did you mean "web"/);
    const unset = parseConfigText(TEXT.replace('"promote": ["PG"]', '"promote": ["PG", "NOPE"]'), 'x').document;
    let error: unknown;
    try {
      planPromotion(unset, 'test', 'prod', ['db']);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain('NOPE');
  });

  it('formats added keys like the file: its indentation and line ends', () => {
    expect(formattingOf('{\n    "a": 1\n}')).toMatchObject({ insertSpaces: true, tabSize: 4, eol: '\n' });
    expect(formattingOf('{\r\n\t"a": 1\r\n}')).toMatchObject({ insertSpaces: false, eol: '\r\n' });
  });
});

describe('promote --write leaves untouched siblings byte-identical', () => {
  /** A config whose environments block holds compact one-line siblings; prod has no block yet. */
  const compact = (environments: string) => `{
  "vms": [ { "vmid": 2001, "name": "prod-box", "environment": "prod", "docker_stacks": ["web"] } ],
  "environments": { "test": {}, "dev": {}, "prod": { "protected": true } },
  "stacks": {
    "web": {
      "promote": ["TAG"],
      "compose_file": "stacks/web/docker-compose.yml",
      "env": { "TAG": "1.0" },
      "environments": ${environments}
    }
  }
}
`;

  /** The text with `inserted` removed must be the original: the edit added bytes and changed none. */
  function onlyInserted(before: string, after: string, inserted: string): void {
    const at = after.lastIndexOf(inserted);
    expect(at).toBeGreaterThan(0);
    expect(after.slice(0, at) + after.slice(at + inserted.length)).toBe(before);
  }

  it('a new target block in a multi-line object goes on its own lines; the one-line sibling before it is kept', () => {
    const text = compact(`{
        "test": { "env": { "TAG": "1.1" } }, "dev": { "env": { "TAG": "0.9" } }
      }`);
    const { after } = promote(text, ['web']);
    onlyInserted(text, after, ',\n        "prod": {\n          "env": {\n            "TAG": "1.1"\n          }\n        }');
    expect(after).toContain('\n        "test": { "env": { "TAG": "1.1" } }, "dev": { "env": { "TAG": "0.9" } },\n');
    expect(parseConfigText(after, 'x').document.stacks?.web.environments?.prod).toEqual({ env: { TAG: '1.1' } });
  });

  it('a new target block in a one-line object stays on that line, inline', () => {
    const text = compact('{ "test": { "env": { "TAG": "1.1" } } }');
    const { after } = promote(text, ['web']);
    onlyInserted(text, after, ', "prod": { "env": { "TAG": "1.1" } }');
  });

  it('a key added to a one-line target block stays inline; the compact sibling on the same line is kept', () => {
    const text = compact('{ "test": { "env": { "TAG": "1.1" } }, "prod": { "env": { "HOST": "p" } } }');
    const { after } = promote(text, ['web']);
    onlyInserted(text, after, ', "TAG": "1.1"');
  });

  it('a key added to a multi-line target block gets its own line, indented like its neighbour', () => {
    const text = compact(`{
        "test": { "env": { "TAG": "1.1" } },
        "prod": {
          "env": {
            "HOST": "p"
          }
        }
      }`);
    const { after } = promote(text, ['web']);
    onlyInserted(text, after, ',\n            "TAG": "1.1"');
  });

  it('an empty target env gets the key inline; CRLF files keep CRLF', () => {
    const text = compact('{ "test": { "env": { "TAG": "1.1" } }, "prod": { "env": {} } }').replace(/\n/g, '\r\n');
    const { after } = promote(text, ['web']);
    onlyInserted(text, after, ' "TAG": "1.1" ');
    expect(after.replace(/\r\n/g, '')).not.toContain('\n');
  });

  // A newline is no longer a valid env value (it would inject a line into stack.env, refused with
  // 65 by the config rules), so a tab stands in for the control character JSON must escape.
  it('keys and values with quotes, backslashes and control characters are written as valid JSON', () => {
    const text = compact('{ "test": { "env": { "TAG": "a\\"b\\\\c\\td" } } }');
    const { after } = promote(text, ['web']);
    expect(parseConfigText(after, 'x').document.stacks?.web.environments?.prod?.env?.TAG).toBe('a"b\\c\td');
  });
});
