import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { Side } from '../settings/types.js';
import type { LogRecord } from './log-record.js';

const INDEX_EVERY = 512;

interface SideStore {
  memory: LogRecord[];
  /** Records that left memory are appended here as JSON lines. */
  fd?: number;
  file?: string;
  spilled: number;
  bytes: number;
  /** Byte offset of every INDEX_EVERY-th spilled record, to page old lines without a full scan. */
  index: number[];
}

/**
 * Both gateways' log records, bounded in memory: the newest lines stay in memory, older ones spill
 * to a file on disk, and any range can be paged back. A lab left running for a day keeps a flat
 * memory footprint.
 */
export class LogStore {
  private sides: Record<Side, SideStore> = { left: this.empty(), right: this.empty() };
  private dir: string | undefined;

  constructor(private readonly memoryLines = 20_000) {}

  private empty(): SideStore {
    return { memory: [], spilled: 0, bytes: 0, index: [] };
  }

  add(r: LogRecord): void {
    const s = this.sides[r.side];
    s.memory.push(r);
    if (s.memory.length > this.memoryLines) this.spill(r.side, s.memory.splice(0, Math.ceil(this.memoryLines / 10)));
  }

  private spill(side: Side, records: LogRecord[]): void {
    const s = this.sides[side];
    if (s.fd === undefined) {
      this.dir ??= mkdtempSync(path.join(os.tmpdir(), 'ipsec-lab-logs-'));
      s.file = path.join(this.dir, `${side}.jsonl`);
      s.fd = openSync(s.file, 'a', 0o600);
    }
    let chunk = '';
    for (const r of records) {
      if (s.spilled % INDEX_EVERY === 0) s.index.push(s.bytes + Buffer.byteLength(chunk));
      chunk += JSON.stringify(r) + '\n';
      s.spilled++;
    }
    s.bytes += writeSync(s.fd, chunk);
  }

  /** How many records a side has, and how many of them are in memory. */
  count(side: Side): { total: number; inMemory: number; spilled: number } {
    const s = this.sides[side];
    return { total: s.spilled + s.memory.length, inMemory: s.memory.length, spilled: s.spilled };
  }

  /** Up to `limit` records of a side starting at position `from` (0 = the oldest kept). */
  page(side: Side, from: number, limit: number): LogRecord[] {
    const s = this.sides[side];
    const out: LogRecord[] = [];
    let i = Math.max(0, from);
    if (i < s.spilled) out.push(...this.readSpilled(side, i, Math.min(limit, s.spilled - i)));
    i += out.length;
    if (out.length < limit && i >= s.spilled)
      out.push(...s.memory.slice(i - s.spilled, i - s.spilled + (limit - out.length)));
    return out;
  }

  /** The newest `limit` records of a side. */
  tail(side: Side, limit: number): LogRecord[] {
    const total = this.count(side).total;
    return this.page(side, Math.max(0, total - limit), limit);
  }

  private readSpilled(side: Side, from: number, count: number): LogRecord[] {
    const s = this.sides[side];
    if (!s.file || count <= 0) return [];
    const block = Math.floor(from / INDEX_EVERY);
    let offset = s.index[block];
    let skip = from - block * INDEX_EVERY;
    const fd = openSync(s.file, 'r');
    const out: LogRecord[] = [];
    try {
      let rest = '';
      const buf = Buffer.alloc(256 * 1024);
      while (out.length < count && offset < s.bytes) {
        const n = readSync(fd, buf, 0, buf.length, offset);
        if (n <= 0) break;
        offset += n;
        const lines = (rest + buf.toString('utf8', 0, n)).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) {
          if (skip > 0) {
            skip--;
            continue;
          }
          out.push(JSON.parse(line) as LogRecord);
          if (out.length === count) break;
        }
      }
    } finally {
      closeSync(fd);
    }
    return out;
  }

  /** Forgets everything and removes the spill files. */
  dispose(): void {
    for (const s of Object.values(this.sides)) if (s.fd !== undefined) closeSync(s.fd);
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.sides = { left: this.empty(), right: this.empty() };
    this.dir = undefined;
  }
}
