import { Help } from '@oclif/core';
import type { Command } from '@oclif/core';

import { EXIT_CODE_TABLE } from '../errors';

/**
 * oclif's help with one more section: every command's `--help` ends with the exit-code table,
 * rendered from EXIT_CODE_TABLE (the README's table is held to the same rows by a test), so no
 * command description repeats it. Wired in package.json (`oclif.helpClass`).
 */
export default class PhoenixHelp extends Help {
  protected override formatCommand(command: Command.Loadable): string {
    const help = super.formatCommand(command);
    const rows = EXIT_CODE_TABLE.map(([code, meaning]): [string, string] => [String(code), meaning]);
    return `${help}\n\n${this.section('EXIT CODES', rows)}`;
  }
}
