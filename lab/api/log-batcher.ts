import type { LogRecord } from '../streams/log-record.js';

/**
 * Collects log records and hands them on in batches, one every `intervalMs`: at thousands of
 * lines a second, one message per line would swamp IPC and the WebSocket.
 */
export class LogBatcher {
  private pending: LogRecord[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly deliver: (batch: LogRecord[]) => void,
  ) {}

  add(record: LogRecord): void {
    this.pending.push(record);
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }

  /** Delivers what is pending now (before a stop, so no line is lost). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending.length) return;
    const batch = this.pending;
    this.pending = [];
    this.deliver(batch);
  }
}
