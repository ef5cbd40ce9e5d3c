/**
 * One simulator-and-CLI fixture for the CLI tests: start the Portainer simulator with a seed,
 * write a config, and run `phoenix portainer ... --config <config> --url <sim>` with the
 * simulator's default API key (registered with the leak guard by runCli). Every simulator a
 * test started is stopped after it.
 */
import { startSimulator } from '../../simulator/src';
import type { Simulator, SimulatorOptions } from '../../simulator/src';
import { runCli, writeConfig } from './cli';
import type { CliOptions, CliResult, FixtureStack, FixtureVm } from './cli';

/** The simulator's default API key (SimulatorOptions.apiKeys). */
export const SIM_TOKEN = 'ptr_simulatortoken';

export interface SimCliConfig {
  /** The stack catalogue, compose files written to disk (default none). */
  stacks?: Record<string, FixtureStack>;
  vms?: FixtureVm[];
  /** Further top-level config keys (writeConfig's extra). */
  extra?: Record<string, unknown>;
}

export interface SimCliRunOptions extends CliOptions {
  /** Another config file to pass as --config (a test that writes one config per case); default the fixture's. */
  config?: string;
}

export interface SimCli {
  sim: Simulator;
  /** The path of the written config. */
  config: string;
  /** `phoenix portainer <args> --config <config> --url <sim.url>`; options.env is merged over PORTAINER_API_KEY=SIM_TOKEN. */
  run(args: string[], options?: SimCliRunOptions): Promise<CliResult>;
}

export interface SimCliFixture {
  start(seed?: SimulatorOptions, config?: SimCliConfig): Promise<SimCli>;
}

/** Call once at the top of a test file (or describe): registers the afterEach that stops every simulator started. */
export function useSimulatorCli(): SimCliFixture {
  const started: Simulator[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((sim) => sim.stop()));
  });
  return {
    async start(seed = {}, { stacks = {}, vms = [], extra = {} } = {}) {
      const sim = await startSimulator(seed);
      started.push(sim);
      const config = writeConfig(stacks, vms, extra);
      const run = (args: string[], { config: other, ...options }: SimCliRunOptions = {}) =>
        runCli(['portainer', ...args, '--config', other ?? config, '--url', sim.url], { ...options, env: { PORTAINER_API_KEY: SIM_TOKEN, ...options.env } });
      return { sim, config, run };
    },
  };
}
