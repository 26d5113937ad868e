import type { GatewaySettings, LabSettings, Side } from '../settings/types.js';

export type ImportFormat = 'asa' | 'swanctl' | 'ipsec.conf' | 'settings-json';

/** An input line the lab cannot use, and why; the user sees every one of them. */
export interface UnsupportedLine {
  /** 1-based line number in the imported text. */
  line: number;
  text: string;
  reason: string;
}

export interface ImportWarning {
  /** 1-based line the warning is about; 0 when it concerns the whole input. */
  line: number;
  message: string;
}

export interface ImportOptions {
  /** The lab side the imported gateway becomes; the other side gets the mirror image. */
  side?: Side;
  /** Which tunnel to import: a crypto map sequence number ("10", "outside_map 10") or a connection name. */
  entry?: string | number;
}

export interface ImportResult {
  format: ImportFormat;
  side: Side;
  /** The name of the imported tunnel (crypto map entry or connection). */
  entry: string;
  /** The gateway settings that the input actually stated (format defaults filled in where the format has them). */
  gateway: Partial<GatewaySettings>;
  /** LAN behind the imported gateway, when the input shows one (interface, first local selector). */
  lan?: string;
  /** Address the customer's gateway sends IKE to. */
  peerAddress?: string;
  /** The customer's gateway's own IKE address. */
  localAddress?: string;
  /** Complete, valid lab settings: the imported side plus its mirror image as the peer. */
  settings: LabSettings;
  unsupported: UnsupportedLine[];
  warnings: ImportWarning[];
}

/** A configuration that cannot be read at all; `line` points at the culprit (0: the input as a whole). */
export class ImportError extends Error {
  readonly code = 'import-error';
  constructor(
    readonly line: number,
    detail: string,
  ) {
    super(line > 0 ? `line ${line}: ${detail}` : detail);
    this.name = 'ImportError';
  }
}

/**
 * Accounts for every input line. Lines are either ignorable (blank, comments), explicitly
 * unsupported, or "pending": understood, but only worth something if the imported tunnel uses
 * them. At the end, pending lines that were never used become unsupported with their own reason,
 * so nothing is dropped silently.
 */
export class LineLedger {
  private readonly lines: string[];
  private readonly reasons = new Map<number, string>();
  private readonly pendingReasons = new Map<number, string>();
  private readonly used = new Set<number>();

  constructor(text: string) {
    this.lines = text.split(/\r?\n/);
  }

  get count(): number {
    return this.lines.length;
  }

  text(line: number): string {
    return (this.lines[line - 1] ?? '').trimEnd();
  }

  /** The line cannot be represented in the lab; the first reason given wins. */
  unsupported(line: number, reason: string): void {
    if (!this.reasons.has(line)) this.reasons.set(line, reason);
  }

  /** The line is understood; it counts only if `use` is called for it later. */
  pending(line: number, reasonIfUnused: string): void {
    this.pendingReasons.set(line, reasonIfUnused);
  }

  use(...lines: number[]): void {
    for (const l of lines) this.used.add(l);
  }

  isUsed(line: number): boolean {
    return this.used.has(line);
  }

  result(): UnsupportedLine[] {
    const out = new Map<number, string>(this.reasons);
    for (const [line, reason] of this.pendingReasons) {
      if (!this.used.has(line) && !out.has(line)) out.set(line, reason);
    }
    return [...out.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([line, reason]) => ({ line, text: this.text(line), reason }));
  }
}
