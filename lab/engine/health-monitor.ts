import type Docker from 'dockerode';

import { LABEL } from '../lifecycle/labels.js';
import { LineSplitter } from '../streams/line-splitter.js';
import type { Role } from '../topology/plan.js';

export type HealthEvent =
  | { type: 'engine'; available: boolean; message: string }
  | { type: 'box'; role: Role; action: string; message: string }
  /** After the engine came back: what of the lab did not survive its absence. */
  | { type: 'lost'; boxes: Role[]; message: string };

const BOX_ACTIONS = new Set(['start', 'die', 'kill', 'oom', 'stop', 'pause', 'unpause', 'restart', 'destroy']);

/**
 * Watches the Docker engine and the lab's boxes. Engine down is a normal state: it is reported,
 * polled, and recovery is reported too. Docker's event stream is reopened whenever it ends, with
 * or without an error (it can end gracefully).
 */
export class HealthMonitor {
  private stopped = false;
  private available: boolean | undefined;
  private events: NodeJS.ReadableStream | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly docker: Docker,
    private readonly lab: string,
    private readonly emit: (e: HealthEvent) => void,
    private readonly pollMs = 2000,
  ) {}

  start(): void {
    void this.poll();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.pollTimer);
    clearTimeout(this.reconnectTimer);
    (this.events as unknown as { destroy?: () => void } | undefined)?.destroy?.();
  }

  isAvailable(): boolean | undefined {
    return this.available;
  }

  private async poll(): Promise<void> {
    if (this.stopped) return;
    let ok = true;
    let why = '';
    try {
      await this.docker.ping();
    } catch (e) {
      ok = false;
      why = (e as Error).message;
    }
    if (ok !== this.available) {
      this.available = ok;
      this.emit({
        type: 'engine',
        available: ok,
        message: ok ? 'Docker engine available' : `Docker engine unavailable: ${why}`,
      });
      if (ok) this.openEvents();
    }
    this.pollTimer = setTimeout(() => void this.poll(), this.pollMs);
  }

  private openEvents(): void {
    if (this.stopped || this.events) return;
    const filters = JSON.stringify({ type: ['container'], label: [`${LABEL.lab}=${this.lab}`] });
    this.docker.getEvents({ filters }).then(
      (stream) => {
        if (this.stopped) return (stream as unknown as { destroy: () => void }).destroy();
        this.events = stream;
        const lines = new LineSplitter();
        stream.on('data', (chunk: Buffer) => {
          for (const line of lines.push(chunk)) this.onEvent(line);
        });
        const reopen = () => {
          if (this.events !== stream) return;
          this.events = undefined;
          this.scheduleReopen();
        };
        stream.on('end', reopen);
        stream.on('close', reopen);
        stream.on('error', reopen);
      },
      () => this.scheduleReopen(),
    );
  }

  private scheduleReopen(): void {
    if (this.stopped) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => this.available && this.openEvents(), 1000);
  }

  private onEvent(line: string): void {
    let e: { Action?: string; status?: string; Actor?: { Attributes?: Record<string, string> } };
    try {
      e = JSON.parse(line);
    } catch {
      return;
    }
    const action = (e.Action ?? e.status ?? '').split(':')[0];
    const role = e.Actor?.Attributes?.[LABEL.role] as Role | undefined;
    if (!role || !BOX_ACTIONS.has(action)) return;
    const code = e.Actor?.Attributes?.exitCode;
    this.emit({
      type: 'box',
      role,
      action,
      message: `${role} ${action}${code !== undefined && action === 'die' ? ` (exit code ${code})` : ''}`,
    });
  }
}
