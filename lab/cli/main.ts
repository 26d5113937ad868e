import { Command, CommanderError, Option } from 'commander';

import { packageVersion } from '../common/package-root.js';
import { terminalSafe } from '../common/terminal.js';
import { registerCaptureCommand } from './capture-command.js';
import { registerLabCommands } from './lab-commands.js';
import { registerScenarioCommand } from './scenario-command.js';
import { registerValidateCommand } from './validate-command.js';

/** Runs the CLI; returns the exit code (0 ok, 1 failed, 2 bad usage). */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('ipsec-lab')
    .description(
      'A lab pair of real strongSwan gateways in Docker: break the tunnel, watch real IKE logs and SA counters, get the cause diagnosed.',
    )
    .addOption(
      new Option('--lab <name>', 'lab name (several labs can run side by side)').env('IPSEC_LAB_NAME').default('lab'),
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

/** One line for the error (the contract's mapping: same code and message as the app), the fix when known. */
export async function reportError(e: unknown): Promise<number> {
  // Loaded only on failure: the mapping knows every engine error class, so it imports them all.
  const { toErrorInfo } = await import('../api/errors.js');
  const info = toErrorInfo(e);
  // The message may quote an input file's line: its control characters are shown, not obeyed.
  console.error(terminalSafe(`ipsec-lab: ${info.message}`));
  if (info.hint) console.error(`  fix: ${info.hint}`);
  if (info.code === 'internal' && process.env.IPSEC_LAB_DEBUG) console.error((e as Error)?.stack);
  return 1;
}
