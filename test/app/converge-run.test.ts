/**
 * The one converge use case with a fake Portainer session and fake io: one VM (a selection of one)
 * and many VMs take the same path, so a conflict is handled the same way in both (exit 73, nothing
 * written, the plan shown before anything else), and plan never asks or writes.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runConverge } from '../../src/app/converge-run';
import type { RunIo, RunRequest, RunResult } from '../../src/app/converge-run';
import type { PortainerSession } from '../../src/app/converge';
import type { Selection } from '../../src/app/converge-many';
import { ConflictError, ExitCode } from '../../src/errors';
import type { PortainerClient, PortainerStack } from '../../src/portainer';
import { ownershipMarker } from '../../src/plan';
import { writeConfig } from '../helpers/cli';

const compose = 'services:\n  app:\n    image: nginx:1\n';
const stack = (id: number, name: string, endpointId: number, text: string): PortainerStack & { text: string } => ({
  id,
  name,
  type: 'compose',
  endpointId,
  swarmId: '',
  env: [],
  status: 'active',
  git: null,
  text,
});

/** A Portainer with VM 1002's environment (id 3) holding an unowned `web`, and VM 1003's (id 4) holding nothing. */
function fakePortainer() {
  const writes: string[] = [];
  const stacks = [stack(7, 'web', 3, compose)];
  let next = 100;
  const client = {
    swarmClusterId: async () => undefined,
    containers: async () => [],
    stackFile: async (id: number) => stacks.find((s) => s.id === id)?.text ?? '',
    listStacks: async () => stacks,
    getStack: async (id: number) => stacks.find((s) => s.id === id),
    createStack: async (_version: unknown, input: { endpointId: number; name: string; composeText?: string; stackFileContent?: string }) => {
      writes.push(`create ${input.name} on ${input.endpointId}`);
      const created = stack(next++, input.name, input.endpointId, input.composeText ?? input.stackFileContent ?? '');
      stacks.push(created);
      return created;
    },
    updateStack: async () => {
      writes.push('update');
      throw new Error('not expected');
    },
    deleteStack: async () => {
      writes.push('delete');
    },
    close: async () => undefined,
  } as unknown as PortainerClient;
  const session: PortainerSession = {
    client,
    url: 'http://portainer.fake',
    secrets: [],
    version: { raw: '2.21.4', major: 2, minor: 21, patch: 4 },
    environments: [
      { id: 3, name: 'drphoenix', kind: 'docker-agent', url: 'tcp://a', state: 'up', swarm: false },
      { id: 4, name: 'other', kind: 'docker-agent', url: 'tcp://b', state: 'up', swarm: false },
    ],
    stacks,
  };
  return { writes, session, openSession: async () => session };
}

function fakeIo() {
  const shown: RunResult[] = [];
  const asked: Array<{ vms: number; deletes: number }> = [];
  const io: RunIo = {
    showPlans: (run) => shown.push(structuredClone({ ...run, config: undefined as never, runs: run.runs.map((r) => ({ vmid: r.vm.vmid, outcome: r.outcome, plan: r.prepared?.plan })) as never })),
    confirm: async (pending) => {
      asked.push(pending);
    },
    interruptible: async (work) => ({ result: await work(new AbortController().signal), interrupted: undefined }),
    secrets: () => undefined,
  };
  return { io, shown, asked };
}

let config: string;

beforeAll(() => {
  process.env.PHOENIX_LOCK_DIR = mkdtempSync(join(tmpdir(), 'phoenix-run-locks-'));
  config = writeConfig({ web: { compose } }, [
    { vmid: 1002, name: 'drphoenix', portainer_environment_name: 'drphoenix', environment: 'test', docker_stacks: ['web'] },
    { vmid: 1003, name: 'other', portainer_environment_name: 'other', environment: 'dev', docker_stacks: ['web'] },
  ]);
});

function request(mode: RunRequest['mode'], selection: Selection, openSession: RunRequest['openSession']): RunRequest {
  return {
    mode,
    selection,
    configPath: config,
    prune: false,
    adopt: false,
    parallelVms: 2,
    concurrency: 2,
    deployTimeoutMs: 60_000,
    insecure: false,
    detailedExitcode: false,
    env: {},
    warn: () => undefined,
    lock: { waitMs: 0, command: 'test' },
    openSession,
  };
}

describe('runConverge: one VM and many take one path', () => {
  it.each<[string, Selection]>([
    ['one VM (a selection of one)', { vmids: [1002] }],
    ['many VMs (--env test)', { env: 'test' }],
  ])('a conflict exits 73 and writes nothing, the plan shown first: %s', async (_name, selection) => {
    const portainer = fakePortainer();
    const { io, shown, asked } = fakeIo();
    const result = await runConverge(request('converge', selection, portainer.openSession), io);
    expect(result.exitCode).toBe(ExitCode.CONFLICT);
    expect(result.applied).toBe(false);
    expect(portainer.writes).toEqual([]);
    expect(asked).toEqual([]);
    expect(result.runs.map((run) => [run.vm.vmid, run.outcome, run.exitCode, run.error?.code])).toEqual([[1002, 'conflict', 73, 'CONFLICT']]);
    expect(result.runs[0].error).toBeInstanceOf(ConflictError);
    expect(result.runs[0].error?.hint).toContain('--adopt');
    expect(shown).toHaveLength(1);
    expect((shown[0].runs as unknown as Array<{ plan: { summary: { conflict: number } } }>)[0].plan.summary.conflict).toBe(1);
  });

  it('a named VM’s conflict is the run’s failure; with --all/--env it stays on its VM and the others are applied', async () => {
    const one = await runConverge(request('converge', { vmids: [1002] }, fakePortainer().openSession), fakeIo().io);
    expect(one.failure).toBeInstanceOf(ConflictError);

    const portainer = fakePortainer();
    const { io, asked } = fakeIo();
    const many = await runConverge(request('converge', { all: true }, portainer.openSession), io);
    expect(many.failure).toBeUndefined();
    expect(many.exitCode).toBe(ExitCode.CONFLICT);
    expect(many.runs.map((run) => [run.vm.vmid, run.outcome])).toEqual([
      [1002, 'conflict'],
      [1003, 'applied'],
    ]);
    expect(asked).toEqual([{ vms: 1, deletes: 0 }]);
    expect(portainer.writes).toEqual(['create web on 4']);
  });

  it('one VM without a conflict: asked once, applied, its stack carries the marker', async () => {
    const portainer = fakePortainer();
    const { io, asked } = fakeIo();
    const result = await runConverge(request('converge', { vmids: [1003] }, portainer.openSession), io);
    expect(result.exitCode).toBe(ExitCode.OK);
    expect(result.applied).toBe(true);
    expect(asked).toEqual([{ vms: 1, deletes: 0 }]);
    expect(portainer.writes).toEqual(['create web on 4']);
    expect((await portainer.session.client.stackFile(100)).split('\n')[0]).toBe(ownershipMarker(1003));
  });

  it('plan never asks and never writes; --detailed-exitcode gives 2 for changes, for one VM and many alike', async () => {
    for (const selection of [{ vmids: [1003] }, { env: 'dev' }] satisfies Selection[]) {
      const portainer = fakePortainer();
      const { io, asked } = fakeIo();
      const result = await runConverge({ ...request('plan', selection, portainer.openSession), detailedExitcode: true }, io);
      expect(result.exitCode).toBe(ExitCode.CHANGES);
      expect(result.runs[0].outcome).toBe('planned');
      expect(asked).toEqual([]);
      expect(portainer.writes).toEqual([]);
    }
  });

  it('a declined confirmation writes nothing, for one VM and many', async () => {
    for (const selection of [{ vmids: [1003] }, { all: true }] satisfies Selection[]) {
      const portainer = fakePortainer();
      const { io } = fakeIo();
      io.confirm = async () => {
        throw new Error('declined');
      };
      await expect(runConverge(request('converge', selection, portainer.openSession), io)).rejects.toThrow('declined');
      expect(portainer.writes).toEqual([]);
    }
  });
});
