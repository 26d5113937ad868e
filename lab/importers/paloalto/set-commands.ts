import { words } from '../tokens.js';
import type { LineLedger } from '../types.js';
import { PAN_SCHEMA, type Schema } from './schema.js';
import { PanNode } from './tree.js';

/** Where a command applies: a node of the tree and its shape (null once outside the known tree). */
interface Frame {
  schema: Schema | null;
  node: PanNode;
}

/** What a set-command text gave: the tree, and for each line the nodes it set. */
export interface SetCommands {
  root: PanNode;
  leaves: Map<number, PanNode[]>;
}

/** Configure-mode navigation that sets nothing of its own. */
const NAVIGATION = new Set(['configure', 'top', 'up', 'exit', 'quit', 'commit', 'save', 'run', 'show', 'check']);

/** A CLI prompt pasted with the command (`admin@PA-VM# set ...`, `[edit network]`). */
function withoutPrompt(line: string): string {
  return line.replace(/^\s*[\w.-]+@[\w.-]+(\([\w-]+\))?[#>]\s*/, '');
}

/** `[ a b c ]` starting at words[i]: the members and the index after `]`. */
function listAt(t: string[], i: number): { values: string[]; next: number } {
  if (t[i] !== '[') return { values: t[i] === undefined ? [] : [t[i]], next: i + 1 };
  const end = t.indexOf(']', i);
  const stop = end < 0 ? t.length : end;
  return { values: t.slice(i + 1, stop), next: stop + 1 };
}

/**
 * Reads PAN-OS set commands, flat (`set network ike gateway GW ...`) or in configure mode
 * (`edit network ike gateway GW`, relative `set`, `up`, `top`), into the configuration tree.
 * Lines that are no set command are listed as not imported right away.
 */
export function parseSetCommands(ledger: LineLedger): SetCommands {
  const root = new PanNode('', '', 0);
  const leaves = new Map<number, PanNode[]>();
  let context: Frame[] = [{ schema: PAN_SCHEMA, node: root }];

  for (let no = 1; no <= ledger.count; no++) {
    const trimmed = withoutPrompt(ledger.text(no)).trim();
    if (!trimmed || /^[!#]/.test(trimmed)) continue;
    const t = words(trimmed);
    const verb = t[0].toLowerCase();
    const touched: PanNode[] = [];
    if (verb === 'top' || verb === 'configure' || verb === 'exit' || verb === 'quit') {
      context = context.slice(0, 1);
      continue;
    }
    if (verb === 'up') {
      context = context.length > 1 ? context.slice(0, -1) : context;
      continue;
    }
    if (NAVIGATION.has(verb)) continue;
    if (verb === 'edit') {
      context = walk([...context], t.slice(1), no, touched, true);
      continue;
    }
    if (verb !== 'set') {
      ledger.unsupported(
        no,
        `"${t[0]}" is not a configuration command the Palo Alto importer reads (set, edit, up, top)`,
      );
      continue;
    }
    if (t.length < 2) {
      ledger.unsupported(no, 'expected "set PATH VALUE"');
      continue;
    }
    walk([...context], t.slice(1), no, touched, false);
    leaves.set(no, touched);
  }
  return { root, leaves };
}

/**
 * Follows the words of one command down the tree. In a `set`, a setting's value may be followed
 * by further settings of the same container (or of an enclosing one); `edit` only descends.
 * Returns the frames the command ends in (the new context of an `edit`).
 */
function walk(stack: Frame[], t: string[], line: number, touched: PanNode[], edit: boolean): Frame[] {
  const floor = stack.length - 1;
  let i = 0;
  while (i < t.length) {
    const kw = t[i];
    const top = stack[stack.length - 1];
    if (top.schema === null) {
      const n = top.node.child(kw, line);
      n.unknown = true;
      if (edit) {
        stack.push({ schema: null, node: n });
        i++;
        continue;
      }
      n.values.push({ text: t.slice(i + 1).join(' '), line });
      touched.push(n);
      return stack;
    }
    // A keyword of the current container, or of an enclosing one the command already passed.
    let depth = stack.length - 1;
    while (depth > floor && !(kw in (stack[depth].schema ?? {}))) depth--;
    const shape = kw === '*' ? undefined : stack[depth].schema?.[kw];
    if (shape === undefined) {
      const n = stack[stack.length - 1].node.child(kw, line);
      n.unknown = true;
      if (edit) {
        stack.push({ schema: null, node: n });
        i++;
        continue;
      }
      n.values.push({ text: t.slice(i + 1).join(' '), line });
      touched.push(n);
      return stack;
    }
    stack.length = depth + 1;
    const parent = stack[depth].node;
    if (shape === 'v' || shape === 'l') {
      const n = parent.child(kw, line);
      const { values, next } = listAt(t, i + 1);
      if (shape === 'v') n.values.length = 0;
      for (const v of values) if (!n.values.some((x) => x.text === v)) n.values.push({ text: v, line });
      touched.push(n);
      i = next;
      continue;
    }
    const n = parent.child(kw, line);
    if ('*' in shape) {
      if (t[i + 1] === undefined) {
        touched.push(n);
        return edit ? [...stack, { schema: shape, node: n }] : stack;
      }
      const { values, next } = listAt(t, i + 1);
      if (t[i + 1] === '[') {
        for (const v of values) touched.push(n.entry(v, line));
        i = next;
        continue;
      }
      const e = n.entry(values[0], line);
      stack.push({ schema: shape['*'] as Schema, node: e });
      i = next;
      if (i >= t.length && !edit) touched.push(e);
      continue;
    }
    stack.push({ schema: shape, node: n });
    i++;
    if (i >= t.length && !edit) touched.push(n);
  }
  return stack;
}
