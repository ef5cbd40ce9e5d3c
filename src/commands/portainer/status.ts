import { Args, Flags } from '@oclif/core';

import { vmStatus } from '../../app/status';
import { BaseCommand, EXIT_CODES_HELP } from '../../cli/base-command';
import { ExitCode } from '../../errors';
import { connectionFlags, parseVmid } from '../../cli/flags';
import { renderStatusText, statusToJson } from '../../render';

export default class Status extends BaseCommand<typeof Status> {
  static override summary = 'Where each declared and live stack of the VM stands: in sync, drifted, missing, not owned, owned but undeclared, Git-based.';
  static override description = `Reads the VM's Portainer environment (every stack's file, to know who owns it) and compares it with the config, the same way converge plans. Never writes. Exit 0; with --detailed-exitcode, 2 when anything is out of sync (drifted, missing, not owned, Git-based, owned but undeclared), for cron drift alerts. Stacks that are neither declared nor this VM's are listed as unmanaged and do not count.

EXIT CODES
${EXIT_CODES_HELP}`;
  static override examples = [
    { description: 'Where VM 1002 stands', command: 'phoenix portainer 1002 status' },
    { description: 'Cron drift alert: exit 2 when anything is out of sync', command: 'phoenix portainer 1002 status --detailed-exitcode' },
    { description: 'Machine-readable', command: 'phoenix portainer 1002 status --json' },
  ];
  static override args = { vmid: Args.string({ description: 'Proxmox vmid of the VM', required: true }) };
  static override flags = {
    ...connectionFlags,
    'detailed-exitcode': Flags.boolean({ summary: 'Exit 2 when any stack is out of sync.' }),
  };

  public async run(): Promise<unknown> {
    const { flags } = this;
    const status = await vmStatus({ ...this.portainerRequest(flags), vmid: parseVmid(this.args.vmid) });
    const { prepared } = status;
    this.secrets.push(...prepared.secrets);
    await prepared.client.close();
    const header = { vmid: prepared.vm.vmid, vmName: prepared.vm.name, environmentName: prepared.environment.name, environmentId: prepared.environment.id, portainerVersion: prepared.version.raw, url: prepared.url };
    this.out(renderStatusText(header, status.stacks, status.outOfSync, this.paint));
    if (flags['detailed-exitcode'] && status.outOfSync > 0) this.exitCode = ExitCode.CHANGES;
    return {
      vm: { vmid: prepared.vm.vmid, name: prepared.vm.name, environment: prepared.vm.environment ?? null },
      portainer: { url: prepared.url, version: prepared.version.raw },
      environment: { id: prepared.environment.id, name: prepared.environment.name, swarm: prepared.environment.swarm },
      inSync: status.outOfSync === 0,
      outOfSync: status.outOfSync,
      stacks: statusToJson(status.stacks),
    };
  }
}
