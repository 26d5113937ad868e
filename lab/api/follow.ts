/**
 * What the service needs to follow whatever lab runs under its name, whoever started it (the app,
 * `ipsec-lab up` in a terminal, a test through the engine API): the labels on the engine say which
 * lab is there, its router says when its settings and faults last changed.
 */
import { ignoreRejection } from '../common/ignore.js';
import { execIn } from '../docker/exec.js';
import type { LabEngine } from '../engine/lab-engine.js';
import { FAULTS_PATH, SETTINGS_PATH } from '../lifecycle/state-paths.js';

export interface LabStateStamp {
  settings: string;
  faults: string;
}

/** When the lab's settings and its faults last changed (their files' mtimes in the router). */
export async function labStateStamp(engine: LabEngine): Promise<LabStateStamp> {
  const r = await execIn(
    engine.docker,
    engine.container('router'),
    ['sh', '-c', `stat -c '%n %.9Y' ${SETTINGS_PATH} ${FAULTS_PATH} 2>/dev/null; true`],
    { timeoutMs: 5000 },
  );
  const mtime = (file: string) =>
    r.stdout
      .split('\n')
      .find((l) => l.startsWith(`${file} `))
      ?.slice(file.length + 1) ?? '';
  return { settings: mtime(SETTINGS_PATH), faults: mtime(FAULTS_PATH) };
}

/**
 * Forgets what the engine holds of an earlier lab under the same name: its log lines, counter
 * history, findings and VICI sessions. The next lab's lines count from 1 again and must not be
 * mixed with the previous one's.
 */
export function forgetEarlierLab(engine: LabEngine): void {
  engine.logStore.dispose();
  engine.history.clear();
  engine.diagnosis.restart();
  engine.forgetVici().catch(ignoreRejection("the earlier lab's VICI sessions may already be closed"));
}

/** What following the lab asks of the service at one poll. */
export type FollowStep =
  /** Nothing to do (no lab, a lab half made, or this service is making one). */
  | { kind: 'none' }
  /** The lab followed is gone: stop watching, the UI hears `down`. */
  | { kind: 'gone' }
  /** The same lab: compare its state stamp (changes made elsewhere). */
  | { kind: 'check' }
  /** A lab to watch from its first line; `forget`: what the engine holds is an earlier lab's. */
  | { kind: 'follow'; forget: boolean };

/**
 * Which lab is followed, by its `created` label (another value under the same name is another
 * lab), and whether this process's own engine is making the one that appears. Pure decisions; the
 * service does what they say.
 */
export class Follower {
  private followed: string | undefined;
  private startedHere = false;
  private stamp: LabStateStamp | undefined;

  /** This process's engine begins a lab (its earlier state is forgotten at that moment). */
  ownStart(): void {
    this.startedHere = true;
  }

  next(lab: { created: string; complete: boolean } | undefined, watching: boolean): FollowStep {
    if (!lab) {
      this.startedHere = false;
      return watching ? { kind: 'gone' } : { kind: 'none' };
    }
    // Boxes still starting (an `up` elsewhere is under way), or a box died (health reports that).
    if (!lab.complete) return { kind: 'none' };
    if (watching && lab.created === this.followed) return { kind: 'check' };
    const own = this.startedHere;
    const same = lab.created === this.followed;
    this.followed = lab.created;
    this.startedHere = false;
    this.stamp = undefined;
    // This process made it and watches it since its first exchange: it only learns its name.
    if (watching && own) return { kind: 'none' };
    return { kind: 'follow', forget: !own && !same };
  }

  /** Which state changed since the last look ('settings' first); undefined the first time. */
  stampChanged(now: LabStateStamp): 'settings' | 'faults' | undefined {
    const before = this.stamp;
    this.stamp = now;
    if (!before) return undefined;
    if (now.settings !== before.settings) return 'settings';
    if (now.faults !== before.faults) return 'faults';
    return undefined;
  }
}
