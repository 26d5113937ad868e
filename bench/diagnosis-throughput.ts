/**
 * Parser throughput on one log file: streams it through the same path `diagnose` uses (line split,
 * shape parse, classification, correlation) and times it. Printed beside `grep -c` by bench/run.ts.
 */
import { createReadStream } from 'node:fs';
import { LiveDiagnosis } from '../lab/diagnosis/live.js';
import { forEachLine } from '../lab/diagnosis/stream.js';

export async function benchParser(file: string): Promise<{ lines: number; seconds: number }> {
  const live = new LiveDiagnosis();
  const start = process.hrtime.bigint();
  let n = 0;
  // Large reads: fewer chunks, fewer carried partial lines.
  await forEachLine(createReadStream(file, { highWaterMark: 1 << 20 }), (line) => live.pushLine('unknown', file, line, ++n));
  live.findings();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { lines: n, seconds };
}
