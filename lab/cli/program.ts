import { Command, CommanderError, Option } from 'commander';

import { packageVersion } from '../common/package-root.js';
import { DEFAULT_LAB_NAME } from '../lifecycle/labels.js';
import { registerCaptureCommand } from './capture-command.js';
import { registerLabCommands } from './lab-commands.js';
import { reportError } from './report-error.js';
import { registerScenarioCommand } from './scenario-command.js';
import { registerValidateCommand } from './validate-command.js';

/** Every command through commander; returns the exit code (0 ok, 1 failed, 2 bad usage). */
export async function runProgram(argv: string[]): Promise<number> {
  const program = new Command('ipsec-lab')
    .description(
      'A lab pair of real strongSwan gateways in Docker: break the tunnel, watch real IKE logs and SA counters, get the cause diagnosed.',
    )
    .addOption(
      new Option('--lab <name>', 'lab name (several labs can run side by side)')
        .env('IPSEC_LAB_NAME')
        .default(DEFAULT_LAB_NAME),
    )
    .version(packageVersion(), '-V, --version', 'print the version')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  registerLabCommands(program);
  registerScenarioCommand(program);
  registerValidateCommand(program);
  registerCaptureCommand(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    return await reportError(e);
  }
}
