import { terminalSafe } from '../common/terminal.js';

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
