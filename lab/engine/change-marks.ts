/**
 * Changes the lab makes to itself (a fault applied or fixed, settings applied, a re-negotiation, a
 * restarted box) are announced in the lab's own logs: a mark line in both gateways' output, where
 * every process following the lab reads it in order with charon's lines. The live diagnosis of
 * any process (the app, a CLI in another terminal) then knows exactly which lines belong before
 * the change and which after, and says "re-negotiating" until the change has settled.
 *
 *   ipsec-lab: change k3x9 begins: applying psk-mismatch     re-negotiating from here (nothing judged)
 *   ipsec-lab: change k3x9 window 1: applying psk-mismatch   evidence counts from here on this side
 *   ipsec-lab: change k3x9 applied expect=any bound=6000       the change is complete; settling begins
 *   ipsec-lab: change k3x9 failed                              the change was undone; judge again
 *
 * A window mark is written where the change has torn the old SAs down and before the new
 * negotiation starts, so the teardown (DELETEs of the old tunnel) is history and the negotiation
 * the change causes is evidence. A change that re-negotiates twice writes a second window.
 */
import { ignoreRejection } from '../common/ignore.js';
import { execIn } from '../docker/exec.js';
import { type Side, SIDES } from '../settings/types.js';
import { gatewayRole } from '../topology/plan.js';
import type { LabHandle } from './lab-handle.js';

export type ChangeExpect = 'healthy' | 'any';

export type Mark =
  | { kind: 'begin'; id: string; what: string }
  | { kind: 'window'; id: string; n: number; what: string }
  | { kind: 'applied'; id: string; expect: ChangeExpect; boundMs: number }
  | { kind: 'failed'; id: string };

const PREFIX = 'ipsec-lab: change ';
const MARK_RE =
  /^ipsec-lab: change ([a-z0-9]+) (window (\d+): (.*)|applied expect=(healthy|any) bound=(\d+)|failed|begins: (.*))$/;

export function markLine(m: Mark): string {
  if (m.kind === 'begin') return `${PREFIX}${m.id} begins: ${m.what.replace(/[\r\n]+/g, ' ')}`;
  if (m.kind === 'window') return `${PREFIX}${m.id} window ${m.n}: ${m.what.replace(/[\r\n]+/g, ' ')}`;
  if (m.kind === 'applied') return `${PREFIX}${m.id} applied expect=${m.expect} bound=${Math.round(m.boundMs)}`;
  return `${PREFIX}${m.id} failed`;
}

/** The mark a log line carries, or undefined (a charon line, a box's own start-up line). */
export function parseMark(message: string): Mark | undefined {
  if (!message.startsWith(PREFIX)) return undefined;
  const m = MARK_RE.exec(message.trimEnd());
  if (!m) return undefined;
  if (m[3] !== undefined) return { kind: 'window', id: m[1], n: Number(m[3]), what: m[4] };
  if (m[5] !== undefined) return { kind: 'applied', id: m[1], expect: m[5] as ChangeExpect, boundMs: Number(m[6]) };
  if (m[7] !== undefined) return { kind: 'begin', id: m[1], what: m[7] };
  return { kind: 'failed', id: m[1] };
}

/** A change id no other process picks at the same moment. */
export function newChangeId(): string {
  return `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}${Math.random().toString(36).slice(2, 5)}`;
}

/**
 * Writes a mark into both gateways' logs (their PID 1's stdout, which Docker records with charon's
 * lines). Returns the sides that have it: a paused or stopped gateway cannot take one.
 */
export async function writeMark(lab: LabHandle, mark: Mark): Promise<Side[]> {
  const line = markLine(mark);
  const done = await Promise.all(
    SIDES.map(async (side) => {
      const r = await execIn(
        lab.docker,
        lab.container(gatewayRole(side)),
        ['sh', '-c', 'printf "%s\\n" "$1" > /proc/1/fd/1', 'mark', line],
        { timeoutMs: 3000 },
      ).catch(ignoreRejection('a paused or stopped gateway takes no mark: its log has no lines to separate'));
      return r?.exitCode === 0 ? side : undefined;
    }),
  );
  return done.filter((s): s is Side => s !== undefined);
}

/** What a change needs of the live diagnosis (DiagnosisFeed): announce it, mark its windows, end it. */
export interface ChangeFeed {
  beginChange(what: string): string;
  readonly changing: { id: string; what: string; windows: number } | undefined;
  windowMarked(id: string, n: number, sides: Side[]): void;
  applied(id: string, expect: ChangeExpect, boundMs: number): void;
  failed(id: string): void;
}

export interface ChangeHost extends LabHandle {
  readonly diagnosis: ChangeFeed;
}

export interface SettleHints {
  /** 'healthy': the change should bring the tunnel up (a fix); only that, or the bound, settles it. */
  expect?: ChangeExpect;
  /** Longest wait for the change to settle once applied (ms). */
  boundMs?: number;
}

/** The default bound of a change that says nothing about how long it takes to show (ms). */
export const CHANGE_BOUND_MS = 6000;

/**
 * Runs `fn` as one change of the lab: the live diagnosis says "re-negotiating after <what>" from
 * now until it has settled. A change already under way in this process is joined (applying a
 * fault applies settings, which re-negotiates: one change). Without a window of its own (nothing
 * was torn down), the window begins when `fn` is done.
 */
export async function asChange<T>(
  lab: ChangeHost,
  what: string,
  fn: () => Promise<T>,
  hints: SettleHints | ((result: T) => SettleHints) = {},
): Promise<T> {
  const feed = lab.diagnosis;
  if (feed.changing) return fn();
  const id = feed.beginChange(what);
  let result: T;
  try {
    // Other processes following the lab hear of the change before it tears anything down.
    await writeMark(lab, { kind: 'begin', id, what });
    result = await fn();
  } catch (e) {
    await writeMark(lab, { kind: 'failed', id });
    feed.failed(id);
    throw e;
  }
  // `fn` may have marked windows of its own (after tearing SAs down).
  if (!windowsOf(feed)) await markWindow(lab);
  const h = typeof hints === 'function' ? hints(result) : hints;
  const expect = h.expect ?? 'any';
  const boundMs = h.boundMs ?? CHANGE_BOUND_MS;
  await writeMark(lab, { kind: 'applied', id, expect, boundMs });
  feed.applied(id, expect, boundMs);
  return result;
}

/** How many windows the change in progress has marked (a function: a getter read again after awaits). */
function windowsOf(feed: ChangeFeed): number {
  return feed.changing?.windows ?? 0;
}

/**
 * Marks where the change in progress begins to count as evidence: after the old SAs were torn
 * down, before the new negotiation. Nothing to mark outside a change.
 */
export async function markWindow(lab: ChangeHost): Promise<void> {
  const c = lab.diagnosis.changing;
  if (!c) return;
  const n = c.windows + 1;
  const sides = await writeMark(lab, { kind: 'window', id: c.id, n, what: c.what });
  lab.diagnosis.windowMarked(c.id, n, sides);
}
