import type { GatewaySettings, LabSettings, Side } from '../settings/types.js';

export type ImportFormat = 'asa' | 'paloalto' | 'swanctl' | 'ipsec.conf' | 'settings-json';

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
  /**
   * Which tunnel to import: its name (crypto map entry "outside_map 10" or sequence "10", tunnel
   * interface, PAN-OS IPsec tunnel or IKE gateway, connection), or its peer as the config writes it.
   */
  entry?: string | number;
  /** Leave pre-shared keys readable in the notes (by default every key in the input is masked there). */
  revealSecrets?: boolean;
}

/**
 * A value the input only holds as a template variable (`<peer_ip>`, `${oracleHeadend1}`,
 * `{{ vgw_ip }}`), a masked address (`104.X.X.X`), a masked key or a name it never defines
 * (`AWS_ENDPOINT_1`): the lab puts its own value there and says which.
 */
export interface Placeholder {
  line: number;
  /** The placeholder as written. */
  text: string;
  /** The lab field it stands for, e.g. "peerAddress", "remoteTs", "psk". */
  field: string;
  /** What the lab uses instead. */
  replacement: string;
}

/** One tunnel the input defines; several can be defined, one is imported. */
export interface TunnelSummary {
  /** What `entry` (--tunnel) accepts for it. */
  name: string;
  /** The peer as the input writes it (address, object name or placeholder). */
  peer: string;
  line: number;
  selected: boolean;
}

/** Where an imported setting came from, so a comparison can cite the device's own line. */
export interface Provenance {
  side: Side;
  line: number;
  /** The line as written (pre-shared keys masked). */
  text: string;
  /** Further lines that contributed (e.g. each policy behind a proposal list). */
  more?: { line: number; text: string }[];
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
  /** Placeholders and masked values the lab replaced with its own. */
  placeholders: Placeholder[];
  /** Every tunnel in the input, the imported one marked. */
  tunnels: TunnelSummary[];
  /** Route-based tunnel (VTI, PAN-OS tunnel interface without proxy IDs): selectors 0.0.0.0/0. */
  routeBased?: boolean;
  /** Settings field ("left.gateway.espProposals") -> the input line it came from. */
  provenance?: Record<string, Provenance>;
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

/** Appends a list of any length (`push(...items)` overflows the stack past ~100k items). */
export function append<T>(into: T[], items: Iterable<T>): T[] {
  for (const x of items) into.push(x);
  return into;
}

/** What a pre-shared key looks like wherever an import quotes its line. */
export const SECRET_MASK = '********';

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
  private readonly secrets = new Map<number, string[]>();
  /** When set, text() shows keys as they are written. */
  reveal = false;

  constructor(text: string) {
    this.lines = text.split(/\r?\n/);
  }

  /** A pre-shared key written on this line: shown masked wherever the line is quoted. */
  secret(line: number, value: string): void {
    if (!value || /^\*+$/.test(value)) return;
    this.secrets.set(line, [...(this.secrets.get(line) ?? []), value]);
  }

  /** The line as quoted to the user: trailing space trimmed, keys masked unless revealed. */
  quoted(line: number): string {
    let t = this.text(line);
    if (this.reveal) return t;
    // The key is the value a line ends with (or the one element it holds): mask its last occurrence,
    // so a key spelled like a keyword ("pre-shared-key pre-shared-key") leaves the keyword readable.
    for (const s of [...(this.secrets.get(line) ?? [])].sort((a, b) => b.length - a.length)) {
      const at = t.lastIndexOf(s);
      if (at >= 0) t = t.slice(0, at) + SECRET_MASK + t.slice(at + s.length);
    }
    return t;
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

  /** Like `use`, for a list of any length (a spread of a huge list into a call overflows the stack). */
  useAll(lines: Iterable<number>): void {
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
      .map(([line, reason]) => ({ line, text: this.quoted(line), reason }));
  }
}
