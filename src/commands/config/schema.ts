import { BaseCommand } from '../../cli/base-command';
import { configJsonSchema } from '../../config';

/**
 * The one command without --json: what it prints is already a JSON document (the config's JSON
 * Schema), so there is no envelope and no schemas/ file for it.
 */
export default class ConfigSchema extends BaseCommand<typeof ConfigSchema> {
  static override summary = 'Print the JSON Schema of phoenix_vm_configs.json (generated from the validation code).';
  static override examples = ['phoenix config schema > phoenix_vm_configs.schema.json'];
  static override enableJsonFlag = false;

  public async run(): Promise<void> {
    process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  }
}
