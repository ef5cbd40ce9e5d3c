import { BaseCommand } from '../../cli/base-command';
import { checkAllVms, findConfigPath, loadConfig } from '../../config';

export default class ConfigValidate extends BaseCommand<typeof ConfigValidate> {
  static override summary = 'Validate phoenix_vm_configs.json without touching the network.';
  static override description = `Checks the blocks phoenix owns strictly (every problem listed as file: path: message, with the closest known key), reads every referenced compose file and checks it against the Compose Specification (its pinned JSON Schema, and depends_on naming services of the file) and checks its \${VAR} interpolation against each stack's env; env that a file never references is a warning. Exit 65 when anything is wrong.`;
  static override examples = ['phoenix config validate', 'phoenix config validate -c /usr/local/phoenix_hypervisor/etc/phoenix_vm_configs.json'];

  public async run(): Promise<unknown> {
    const config = await loadConfig(findConfigPath(this.flags.config));
    const vms = await checkAllVms(config);
    for (const line of vms.flatMap((vm) => vm.warnings ?? [])) this.note(`Warning: ${line}`);
    const stacks = vms.reduce((sum, vm) => sum + vm.stackNames.length, 0);
    this.out(`${config.path} is valid: ${vms.length} VMs, ${stacks} stack deployments.`);
    return { path: config.path, valid: true, vms: vms.map((vm) => ({ vmid: vm.vmid, name: vm.name, stacks: vm.stackNames })) };
  }
}
