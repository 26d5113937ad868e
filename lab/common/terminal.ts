/**
 * Text from input files (logs, configs a customer pasted) shown in a terminal or a report. A
 * control character in it would be obeyed by the terminal (ESC sequences recolour, retitle, move the
 * cursor, write to the clipboard; CR overwrites what was printed), and is invalid in XML. Each is
 * shown instead as a `\uXXXX` escape: visible, and the same escape JSON uses, so the result is still
 * valid inside a JSON string. Tab and newline stay as they are.
 *
 * Besides C0, DEL and C1, the bidirectional overrides and isolates are escaped: they reorder what
 * is displayed without being visible (the "Trojan Source" trick), so a line would read as something
 * it is not. U+2028/2029 break lines in some viewers and are escaped too.
 */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

const escape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** `text` with every control character but tab and newline escaped. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, escape);
}
