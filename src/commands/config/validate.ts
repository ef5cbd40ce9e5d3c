import { BaseCommand } from '../../cli/base-command';
import { checkAllVms, findConfigPath, loadConfig } from '../../config';
import { configValidateResult, configValidateToJson } from '../../render/config-json';
import type { ConfigValidateResult } from '../../render/config-json';

export default class ConfigValidate extends BaseCommand<typeof ConfigValidate> {
  static override summary = 'Validate phoenix_vm_configs.json without touching the network.';
  static override description = `Checks the blocks phoenix owns strictly (every problem listed as file: path: message, with the closest known key), reads every referenced compose file and checks it against the Compose Specification (its pinned JSON Schema, and depends_on naming services of the file) and checks its \${VAR} interpolation against each stack's env; env that a file never references is a warning. Exit 65 when anything is wrong.`;
  static override examples = ['phoenix config validate', 'phoenix config validate -c /usr/local/phoenix_hypervisor/etc/phoenix_vm_configs.json'];

  static override result = configValidateResult;

  public async run(): Promise<ConfigValidateResult> {
    const config = await loadConfig(findConfigPath(this.flags.config));
    const vms = await checkAllVms(config);
    for (const line of vms.flatMap((vm) => vm.warnings ?? [])) this.note(`Warning: ${line}`);
    const stacks = vms.reduce((sum, vm) => sum + vm.stackNames.length, 0);
    this.out(`${config.path} is valid: ${vms.length} VMs, ${stacks} stack deployments.`);
    return configValidateToJson(config.path, vms);
  }
}
