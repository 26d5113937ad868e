import type { Side } from '../settings/types.js';

/** One line of a charon log, as the engine streams it. */
export interface LogRecord {
  side: Side;
  /** Position in this gateway's log since the lab started (1-based), stable for citing. */
  seq: number;
  /** charon's own timestamp ("Nov 22 11:04:34.576"), empty for lines that have none. */
  time: string;
  thread: number;
  /** Log group (IKE, CFG, KNL, NET, ENC, ...); LAB for the box's own start-up lines. */
  group: string;
  level: number;
  ikeName?: string;
  ikeId?: number;
  message: string;
  raw: string;
}

// The lab's file log shape: time_format "%b %e %T", time_add_ms, log_level, ike_name.
const CHARON_LINE =
  /^([A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d(?:\.\d+)?) (\d+)\[([A-Z]+)(\d)?\] (?:<(?:([^|>]*)\|)?(\d+)> )?(.*)$/;

export function parseCharonLine(raw: string, side: Side, seq: number): LogRecord {
  const m = CHARON_LINE.exec(raw);
  if (!m) return { side, seq, time: '', thread: 0, group: 'LAB', level: 0, message: raw, raw };
  return {
    side,
    seq,
    time: m[1],
    thread: Number(m[2]),
    group: m[3],
    level: m[4] === undefined ? 1 : Number(m[4]),
    ikeName: m[5] || undefined,
    ikeId: m[6] === undefined ? undefined : Number(m[6]),
    message: m[7],
    raw,
  };
}
