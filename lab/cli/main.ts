import { defaultLabName } from '../lifecycle/labels.js';
import { reportError } from './report-error.js';

export { reportError };

/** Runs the CLI; returns the exit code (0 ok, 1 failed, 2 bad usage). */
export async function main(argv: string[]): Promise<number> {
  const diagnoseArgs = plainDiagnoseArgs(argv);
  if (diagnoseArgs === undefined) return (await import('./program.js')).runProgram(argv);
  // `diagnose FILE` without commander and the other commands: their loading was a good part of
  // the time to diagnose a short log.
  try {
    const { diagnoseCommand } = await import('./diagnose-command.js');
    return await diagnoseCommand(diagnoseArgs, { lab: defaultLabName() });
  } catch (e) {
    return await reportError(e);
  }
}

/** Arguments commander would read itself even after `diagnose` (its global options, `--`). */
const PROGRAM_ARGS = new Set(['--', '--lab', '-V', '--version']);

/**
 * The arguments of `diagnose ARGS...` when commander would hand them to diagnose unchanged (the
 * command reads its own options), else undefined: any other command, or global options anywhere.
 */
function plainDiagnoseArgs(argv: string[]): string[] | undefined {
  if (argv[0] !== 'diagnose') return undefined;
  const args = argv.slice(1);
  return args.some((a) => PROGRAM_ARGS.has(a) || a.startsWith('--lab=')) ? undefined : args;
}
