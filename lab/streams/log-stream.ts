import { PassThrough } from 'node:stream';

import type Docker from 'dockerode';

import type { Side } from '../settings/types.js';
import { LineSplitter } from './line-splitter.js';
import { type LogRecord, parseCharonLine } from './log-record.js';

export interface LogStreamOptions {
  follow: boolean;
  /** Only lines after this many (for resuming a stream without repeats). */
  afterSeq?: number;
  /** Only lines Docker received after this time (unix seconds); seq then counts from there. */
  since?: number;
  /** Only lines Docker received before this time (unix seconds). */
  until?: number;
  onRecord: (record: LogRecord) => void;
  /** Called once when the stream is over: the container stopped, it was cancelled, or an error. */
  onEnd?: (error?: Error) => void;
}

/**
 * Streams a gateway's charon log from the container's stdout (Docker's frames demultiplexed).
 * Returns a cancel function; the stream is owned by whoever holds it.
 */
export async function streamGatewayLog(
  docker: Docker,
  container: string,
  side: Side,
  opts: LogStreamOptions,
): Promise<() => void> {
  const raw = (await docker.getContainer(container).logs({
    follow: opts.follow as true,
    stdout: true,
    stderr: true,
    timestamps: false,
    since: opts.since ?? 0,
    ...(opts.until !== undefined ? { until: opts.until } : {}),
  })) as unknown as NodeJS.ReadableStream | Buffer;
  let seq = 0;
  const splitter = new LineSplitter();
  const emit = (lines: string[]) => {
    for (const line of lines) {
      seq += 1;
      if (seq > (opts.afterSeq ?? 0)) opts.onRecord(parseCharonLine(line, side, seq));
    }
  };
  if (Buffer.isBuffer(raw)) {
    // Without follow, dockerode hands back the whole framed buffer.
    const out = new PassThrough();
    out.on('data', (c: Buffer) => emit(splitter.push(c)));
    out.on('end', () => {
      emit(splitter.flush());
      opts.onEnd?.();
    });
    const src = new PassThrough();
    docker.modem.demuxStream(src, out, out);
    src.on('end', () => out.end());
    src.end(raw);
    return () => {};
  }
  const out = new PassThrough();
  let ended = false;
  const finish = (error?: Error) => {
    if (ended) return;
    ended = true;
    emit(splitter.flush());
    opts.onEnd?.(error);
  };
  out.on('data', (c: Buffer) => emit(splitter.push(c)));
  docker.modem.demuxStream(raw, out, out);
  raw.on('end', () => finish());
  raw.on('close', () => finish());
  raw.on('error', (e: Error) => finish(e));
  return () => {
    ended = true;
    (raw as unknown as { destroy?: () => void }).destroy?.();
  };
}
