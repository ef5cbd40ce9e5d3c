import { listEnvironments } from '../../app/environments';
import { BaseCommand } from '../../cli/base-command';
import { connectionFlags } from '../../cli/flags';
import { renderEnvironmentsText } from '../../render';
import { environmentsResult, environmentsToJson } from '../../render/environments-json';
import type { EnvironmentsResult } from '../../render/environments-json';

export default class Environments extends BaseCommand<typeof Environments> {
  static override summary = 'List Portainer’s environments (endpoints) and the VM each one maps to.';
  static override description = `Shows each Portainer environment (id, name, type, URL, status, Swarm or not) with the VMs of the config that map to it (by portainer_endpoint_id, else portainer_environment_name), then the VMs whose environment Portainer does not have, with the closest name. Never writes; exit 0 unless Portainer cannot be read.`;
  static override examples = [
    { description: 'Which VM runs on which Portainer environment', command: 'phoenix portainer environments' },
    { description: 'Machine-readable', command: 'phoenix portainer environments --json' },
  ];
  static override flags = { ...connectionFlags };

  static override result = environmentsResult;

  public async run(): Promise<EnvironmentsResult> {
    const { flags } = this;
    const { secrets, ...report } = await listEnvironments(this.portainerRequest(flags));
    this.secrets.push(...secrets);
    this.out(renderEnvironmentsText(report, this.paint));
    if (report.unmatched.length > 0) this.note(`Warning: ${report.unmatched.length} VM(s) name an environment Portainer does not have; converge fails for them (exit 65).`);
    return environmentsToJson(report);
  }
}
