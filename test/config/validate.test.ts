/**
 * Every validation rule, asserting the exact `file: path: message` lines, exit code 65, and that
 * all problems of a file come out of one run.
 */
import { parseConfigText } from '../../src/config';
import { configErrorSync } from './config-helpers';

const FILE = 'phoenix_vm_configs.json';

type Doc = Record<string, unknown>;

function base(): Doc {
  return {
    environments: { dev: {}, test: {}, prod: { protected: true } },
    stacks: {
      monitoring: { compose_file: 'stacks/monitoring/docker-compose.yml', env: { GRAFANA_PORT: '3000' } },
      qdrant: { compose: 'services:\n  qdrant:\n    image: qdrant/qdrant\n' },
    },
    vms: [
      { vmid: 1001, name: 'mgmt', environment: 'prod', docker_stacks: ['monitoring'] },
      { vmid: 1002, name: 'drphoenix', environment: 'test', docker_stacks: ['monitoring', { name: 'qdrant' }] },
    ],
  };
}

/** The problem lines for `doc` (after `mutate`), asserting the error's shape on the way. */
function linesFor(mutate: (doc: Doc & { stacks: Doc & Record<string, Doc>; vms: Doc[] }) => void): string[] {
  const doc = base() as Doc & { stacks: Doc & Record<string, Doc>; vms: Doc[] };
  mutate(doc);
  const error = configErrorSync(() => parseConfigText(JSON.stringify(doc, null, 2), FILE));
  const count = error.details.length;
  expect(error.message).toBe(`${FILE} has ${count} ${count === 1 ? 'problem' : 'problems'}`);
  expect(error.hint).toBe('fix the file and run phoenix config validate');
  expect(error.code).toBe('CONFIG_INVALID');
  return error.details;
}

describe('validation rules', () => {
  it('accepts the base document', () => {
    expect(() => parseConfigText(JSON.stringify(base()), FILE)).not.toThrow();
  });

  it.each<[string, (doc: Doc & { stacks: Record<string, Doc>; vms: Doc[] }) => void, string[]]>([
    [
      'unknown key in a stack, with a suggestion',
      (d) => {
        d.stacks.monitoring.compse_file = 'x.yml';
      },
      [`${FILE}: stacks.monitoring.compse_file: unknown key "compse_file"; did you mean "compose_file"?`],
    ],
    [
      'unknown key in portainer',
      (d) => {
        d.portainer = { url: 'https://p.example:9443', tokenfile: '/etc/x' };
      },
      [`${FILE}: portainer.tokenfile: unknown key "tokenfile"; did you mean "token_file"?`],
    ],
    [
      'portainer.url must be http(s)',
      (d) => {
        d.portainer = { url: 'ftp://p.example' };
      },
      [`${FILE}: portainer.url: expected an http:// or https:// URL`],
    ],
    [
      'portainer.insecure_skip_tls_verify must be a boolean',
      (d) => {
        d.portainer = { insecure_skip_tls_verify: 'yes' };
      },
      [`${FILE}: portainer.insecure_skip_tls_verify: expected a boolean, got a string ("yes")`],
    ],
    [
      'unknown key in an environment',
      (d) => {
        d.environments = { prod: { protect: true } };
        d.vms[1].environment = 'prod';
      },
      [`${FILE}: environments.prod.protect: unknown key "protect"; did you mean "protected"?`],
    ],
    [
      'neither compose_file nor compose',
      (d) => {
        d.stacks.monitoring = { env: {} };
      },
      [`${FILE}: stacks.monitoring: needs "compose_file" or "compose"`],
    ],
    [
      'both compose_file and compose',
      (d) => {
        d.stacks.monitoring.compose = 'services: {}';
      },
      [`${FILE}: stacks.monitoring: has both "compose_file" and "compose"; keep exactly one`],
    ],
    [
      'env values are strings or {secret}',
      (d) => {
        d.stacks.monitoring.env = { A: 3000, B: { secret: 'grafana_admin' }, C: { sercet: 'x' } };
      },
      [
        `${FILE}: stacks.monitoring.env.A: expected a string or {"secret": "<name>"}, got a number (3000)`,
        // document order: the missing key is reported where its object starts
        `${FILE}: stacks.monitoring.env.C.secret: missing (expected a string)`,
        `${FILE}: stacks.monitoring.env.C.sercet: unknown key "sercet"; did you mean "secret"?`,
      ],
    ],
    [
      'unknown key in an environment overlay',
      (d) => {
        d.stacks.monitoring.environments = { prod: { envs: {} } };
      },
      [`${FILE}: stacks.monitoring.environments.prod.envs: unknown key "envs"; did you mean "env"?`],
    ],
    [
      'overlay for an undeclared environment',
      (d) => {
        d.stacks.monitoring.environments = { prd: { env: {} } };
      },
      [`${FILE}: stacks.monitoring.environments.prd: unknown environment "prd"; declared: dev, test, prod; did you mean "prod"?`],
    ],
    [
      'stack name that Portainer would rename',
      (d) => {
        d.stacks['Web.App'] = { compose_file: 'web.yml' };
      },
      [`${FILE}: stacks["Web.App"]: invalid stack name "Web.App": use lower-case letters, digits, "-" and "_", starting with a letter or digit (Portainer would silently store it as "webapp")`],
    ],
    [
      'stack names differing only in case',
      (d) => {
        d.stacks.Qdrant = { compose_file: 'q.yml' };
      },
      [
        `${FILE}: stacks.Qdrant: invalid stack name "Qdrant": use lower-case letters, digits, "-" and "_", starting with a letter or digit (Portainer would silently store it as "qdrant")`,
        `${FILE}: stacks.Qdrant: duplicate stack name "Qdrant": stacks.qdrant differs only in case`,
      ],
    ],
    [
      'vmid must be a positive integer',
      (d) => {
        d.vms[0].vmid = -5;
        d.vms[1].vmid = '1002';
      },
      [`${FILE}: vms[0].vmid: expected a positive integer`, `${FILE}: vms[1].vmid: expected a number, got a string ("1002")`],
    ],
    [
      'vmid and name are required',
      (d) => {
        delete d.vms[0].vmid;
        delete d.vms[0].name;
      },
      [`${FILE}: vms[0].vmid: missing (expected a number)`, `${FILE}: vms[0].name: missing (expected a string)`],
    ],
    [
      'duplicate vmids',
      (d) => {
        d.vms[1].vmid = 1001;
      },
      [`${FILE}: vms[1].vmid: duplicate vmid 1001 (also vms[0])`],
    ],
    [
      'portainer_role is primary or agent',
      (d) => {
        d.vms[1].portainer_role = 'agnt';
      },
      [`${FILE}: vms[1].portainer_role: expected one of "primary", "agent", got a string ("agnt"); did you mean "agent"?`],
    ],
    [
      'VM environment must be declared',
      (d) => {
        d.vms[1].environment = 'tset';
      },
      [`${FILE}: vms[1].environment: unknown environment "tset"; declared: dev, test, prod; did you mean "test"?`],
    ],
    [
      'docker_stacks entry environment must be declared',
      (d) => {
        d.vms[1].docker_stacks = [{ name: 'qdrant', environment: 'staging' }];
      },
      [`${FILE}: vms[1].docker_stacks[0].environment: unknown environment "staging"; declared: dev, test, prod`],
    ],
    [
      'unknown key in a docker_stacks entry',
      (d) => {
        d.vms[1].docker_stacks = [{ name: 'qdrant', enviroment: 'test' }];
      },
      [`${FILE}: vms[1].docker_stacks[0].enviroment: unknown key "enviroment"; did you mean "environment"?`],
    ],
    [
      'a typo of a phoenix key on a VM (would silently declare no stacks)',
      (d) => {
        const vm = d.vms[1] as Record<string, unknown>;
        vm.docker_stak = vm.docker_stacks;
        delete vm.docker_stacks;
        vm.enviroment = 'test';
      },
      [
        `${FILE}: vms[1].docker_stak: unknown key "docker_stak"; did you mean "docker_stacks"? (phoenix reads only its own spelling)`,
        `${FILE}: vms[1].enviroment: unknown key "enviroment"; did you mean "environment"? (phoenix reads only its own spelling)`,
      ],
    ],
    [
      'docker_stacks entry of the wrong kind',
      (d) => {
        d.vms[1].docker_stacks = [42];
      },
      [`${FILE}: vms[1].docker_stacks[0]: expected a stack name or {"name", "environment"?, "env"?}, got a number (42)`],
    ],
    [
      'invalid stack name in docker_stacks, as a string and as an object',
      (d) => {
        d.vms[1].docker_stacks = ['-monitoring', { name: 'my stack' }];
      },
      [
        `${FILE}: vms[1].docker_stacks[0]: invalid stack name "-monitoring": use lower-case letters, digits, "-" and "_", starting with a letter or digit (Portainer would silently store it as "-monitoring")`,
        `${FILE}: vms[1].docker_stacks[1].name: invalid stack name "my stack": use lower-case letters, digits, "-" and "_", starting with a letter or digit (Portainer would silently store it as "mystack")`,
      ],
    ],
    [
      'a stack listed twice on one VM, case-insensitively',
      (d) => {
        d.vms[1].docker_stacks = ['monitoring', 'qdrant', { name: 'monitoring' }];
      },
      [`${FILE}: vms[1].docker_stacks[2].name: stack "monitoring" is listed twice on vm 1002 (also docker_stacks[0])`],
    ],
  ])('%s', (_title, mutate, expected) => {
    expect(linesFor(mutate)).toEqual(expected);
  });

  it('does not require declared environments when the file declares none', () => {
    const doc = base();
    delete doc.environments;
    (doc.vms as Doc[])[0].environment = 'anything';
    expect(() => parseConfigText(JSON.stringify(doc), FILE)).not.toThrow();
  });

  it('reports a repeated key in a phoenix block, which JSON would silently collapse', () => {
    const text = '{ "stacks": { "web": { "compose": "services: {a: {}}" }, "web": { "compose": "services: {b: {}}" } }, "vms": [] }';
    const error = configErrorSync(() => parseConfigText(text, FILE));
    expect(error.details).toEqual([`${FILE}: stacks.web: duplicate key "web" (JSON keeps only the last one)`]);
  });

  it('leaves repeated keys in provisioning fields alone', () => {
    const text = '{ "vm_defaults": { "cores": 2, "cores": 4 }, "vms": [{ "vmid": 1, "name": "a", "cores": 1, "cores": 2 }] }';
    expect(() => parseConfigText(text, FILE)).not.toThrow();
  });

  it('lists every problem at once, in document order', () => {
    const lines = linesFor((d) => {
      d.vms[1].docker_stacks = [{ name: 'qdrant', enviroment: 'test' }];
      d.stacks.monitoring.compse_file = 'x.yml';
      d.vms[0].vmid = 0;
    });
    expect(lines).toEqual([
      `${FILE}: stacks.monitoring.compse_file: unknown key "compse_file"; did you mean "compose_file"?`,
      `${FILE}: vms[0].vmid: expected a positive integer`,
      `${FILE}: vms[1].docker_stacks[0].enviroment: unknown key "enviroment"; did you mean "environment"?`,
    ]);
  });

  it('rejects a document that is not an object, and one without vms', () => {
    expect(configErrorSync(() => parseConfigText('[]', FILE)).details).toEqual([`${FILE}: (top level): expected an object, got an array`]);
    expect(configErrorSync(() => parseConfigText('{}', FILE)).details).toEqual([`${FILE}: vms: missing (expected an array)`]);
  });
});

describe('env names and values (each becomes a NAME=VALUE line of stack.env)', () => {
  const NAME_RULE = 'use letters, digits and "_", not starting with a digit (Portainer writes each variable as a NAME=VALUE line)';
  const VALUE_RULE = 'Portainer writes each variable as one NAME=VALUE line, so it would inject variables or break the deploy; keep the value on one line';

  it.each([
    ['A=B', 'stacks.monitoring.env["A=B"]'],
    ['', 'stacks.monitoring.env[""]'],
    ['HAS SPACE', 'stacks.monitoring.env["HAS SPACE"]'],
    ['1ABC', 'stacks.monitoring.env.1ABC'],
    ['NL\nX', 'stacks.monitoring.env["NL\\nX"]'],
  ])('refuses the env name %j, naming its path', (name, at) => {
    const lines = linesFor((d) => {
      d.stacks.monitoring.env = { OK_1: 'x', [name]: 'y' };
    });
    expect(lines).toEqual([`${FILE}: ${at}: invalid env name ${JSON.stringify(name)}: ${NAME_RULE}`]);
  });

  it('accepts names with letters, digits and "_" and a leading "_"', () => {
    const doc = base() as Doc & { stacks: Record<string, Doc> };
    doc.stacks.monitoring.env = { _A: '1', a_b9: '2', Z: '' };
    expect(() => parseConfigText(JSON.stringify(doc), FILE)).not.toThrow();
  });

  it.each([
    ['a newline', '1.27\nINJECTED=1'],
    ['a carriage return', '1.27\r'],
    ['a NUL', 'a\u0000b'],
    ['a newline and a carriage return', 'x\r\ny'],
  ])('refuses a value with %s in every place a config value can be, without printing it', (what, value) => {
    const lines = linesFor((d) => {
      d.stacks.monitoring.env = { TAG: value };
      d.stacks.monitoring.environments = { prod: { env: { TAG: value } } };
      d.vms[0].docker_stacks = [{ name: 'monitoring', env: { TAG: value } }];
    });
    const message = `env value contains ${what}: ${VALUE_RULE}`;
    expect(lines).toEqual([
      `${FILE}: stacks.monitoring.env.TAG: ${message}`,
      `${FILE}: stacks.monitoring.environments.prod.env.TAG: ${message}`,
      `${FILE}: vms[0].docker_stacks[0].env.TAG: ${message}`,
    ]);
    expect(lines.join('\n')).not.toContain('INJECTED');
  });

  it('refuses a bad name in an entry env and in an environment overlay', () => {
    const lines = linesFor((d) => {
      d.stacks.monitoring.environments = { prod: { env: { 'HAS SPACE': 'x' } } };
      d.vms[1].docker_stacks = ['monitoring', { name: 'qdrant', env: { 'A=B': '1' } }];
    });
    expect(lines).toEqual([
      `${FILE}: stacks.monitoring.environments.prod.env["HAS SPACE"]: invalid env name "HAS SPACE": ${NAME_RULE}`,
      `${FILE}: vms[1].docker_stacks[1].env["A=B"]: invalid env name "A=B": ${NAME_RULE}`,
    ]);
  });

  it('keeps other characters of a value: "=", quotes, backslashes, "$", tabs and unicode are one line', () => {
    const doc = base() as Doc & { stacks: Record<string, Doc> };
    doc.stacks.monitoring.env = { V: 'a=b "c" \\d $e\tf ✓' };
    expect(() => parseConfigText(JSON.stringify(doc), FILE)).not.toThrow();
  });
});

describe('keys that reading JSON would drop', () => {
  it('refuses "__proto__" as an env name or stack name instead of silently losing it', () => {
    const text = JSON.stringify(base()).replace('"GRAFANA_PORT":"3000"', '"GRAFANA_PORT":"3000","__proto__":{"secret":"x"}').replace('"qdrant":{', '"__proto__":{"compose":"services: {}"},"qdrant":{');
    const error = configErrorSync(() => parseConfigText(text, FILE));
    expect(error.details).toEqual([
      `${FILE}: stacks.monitoring.env.__proto__: the key "__proto__" cannot be used: it would be dropped silently when the file is read; rename it`,
      `${FILE}: stacks.__proto__: the key "__proto__" cannot be used: it would be dropped silently when the file is read; rename it`,
      `${FILE}: stacks.__proto__: invalid stack name "__proto__": use lower-case letters, digits, "-" and "_", starting with a letter or digit (Portainer would silently store it as "__proto__")`,
    ]);
  });
});
