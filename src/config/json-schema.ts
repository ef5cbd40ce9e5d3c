/**
 * The JSON Schema of phoenix_vm_configs.json, generated from the zod schema that validates it, so
 * editors and `phoenix config validate` can never disagree on what a key means.
 */
import { z } from 'zod';
import { configSchema } from './schema';

/**
 * The schema printed by `phoenix config schema` and shipped as phoenix_vm_configs.schema.json.
 * Phoenix's blocks are closed (`additionalProperties: false`); the top level and each VM stay
 * open for the provisioning fields of Phoenix Hypervisor. Cross-field rules (duplicates, exactly
 * one compose source) are only checked by phoenix itself.
 */
export function configJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(configSchema, { target: 'draft-2020-12', io: 'input' });
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'phoenix_vm_configs.json',
    description:
      'Phoenix Hypervisor VM configuration. phoenix validates the portainer, environments and stacks blocks and the portainer_*, environment and docker_stacks fields of each VM; every other field belongs to the provisioning scripts and is accepted as is.',
    ...generated,
  };
}
