/**
 * A small reader for classic libpcap files and the IKE/ESP headers in them: enough to list the
 * exchanges between the lab's gateways without tshark. IPv4 only (the lab's WAN is IPv4).
 */

export const LINKTYPE = { ETHERNET: 1, RAW: 101, LINUX_SLL: 113, IPV4: 228, LINUX_SLL2: 276 } as const;

export class PcapError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PcapError';
  }
}

/** One record of the file: the bytes from the link layer on, with what the link header says. */
export interface PcapRecord {
  /** 1-based, like tshark's frame.number. */
  index: number;
  /** Seconds since the epoch (with sub-second precision). */
  time: number;
  /** Bytes from the network layer on, or undefined when the link layer is not IPv4. */
  ip?: Buffer;
  /** Cooked captures ("any"): the interface index and whether the box sent the packet. */
  ifindex?: number;
  outgoing?: boolean;
  capturedLength: number;
  originalLength: number;
}

export interface PcapFile {
  linkType: number;
  nanosecond: boolean;
  records: PcapRecord[];
}

export function readPcap(buf: Buffer): PcapFile {
  if (buf.length < 24) throw new PcapError(`not a pcap file: ${buf.length} bytes, a pcap header alone is 24`);
  const magic = buf.readUInt32LE(0);
  let le: boolean;
  let nanosecond = false;
  if (magic === 0xa1b2c3d4) le = true;
  else if (magic === 0xd4c3b2a1) le = false;
  else if (magic === 0xa1b23c4d) [le, nanosecond] = [true, true];
  else if (magic === 0x4d3cb2a1) [le, nanosecond] = [false, true];
  else if (magic === 0x0a0d0d0a)
    throw new PcapError(
      'this is a pcapng file; save it as classic pcap (tcpdump -w, or `editcap -F pcap`) or read it with tshark',
    );
  else throw new PcapError(`not a pcap file (magic 0x${magic.toString(16)})`);
  const u32 = (o: number) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const linkType = u32(20) & 0x0fffffff;
  const records: PcapRecord[] = [];
  let off = 24;
  while (off + 16 <= buf.length) {
    const sec = u32(off);
    const frac = u32(off + 4);
    const incl = u32(off + 8);
    const orig = u32(off + 12);
    off += 16;
    if (off + incl > buf.length) break; // a capture cut short while being written
    const frame = buf.subarray(off, off + incl);
    off += incl;
    const rec: PcapRecord = {
      index: records.length + 1,
      time: sec + frac / (nanosecond ? 1e9 : 1e6),
      capturedLength: incl,
      originalLength: orig,
    };
    linkPayload(linkType, frame, rec);
    records.push(rec);
  }
  return { linkType, nanosecond, records };
}

function linkPayload(linkType: number, f: Buffer, rec: PcapRecord): void {
  let proto: number | undefined;
  let start = 0;
  switch (linkType) {
    case LINKTYPE.ETHERNET: {
      if (f.length < 14) return;
      proto = f.readUInt16BE(12);
      start = 14;
      while ((proto === 0x8100 || proto === 0x88a8) && f.length >= start + 4) {
        proto = f.readUInt16BE(start + 2);
        start += 4;
      }
      break;
    }
    case LINKTYPE.LINUX_SLL:
      if (f.length < 16) return;
      rec.outgoing = f.readUInt16BE(0) === 4;
      proto = f.readUInt16BE(14);
      start = 16;
      break;
    case LINKTYPE.LINUX_SLL2:
      if (f.length < 20) return;
      proto = f.readUInt16BE(0);
      rec.ifindex = f.readUInt32BE(4);
      rec.outgoing = f[10] === 4;
      start = 20;
      break;
    case LINKTYPE.RAW:
    case LINKTYPE.IPV4:
      proto = f.length && f[0] >> 4 === 4 ? 0x0800 : undefined;
      break;
    default:
      return;
  }
  if (proto === 0x0800) rec.ip = f.subarray(start);
}

export type PacketKind = 'ike' | 'esp' | 'nat-keepalive' | 'other';

export interface IkeHeader {
  version: 1 | 2;
  spiI: string;
  spiR: string;
  exchangeType: number;
  exchange: string;
  messageId: number;
  /** IKEv2: sent by the original initiator of the IKE_SA (the I flag). */
  initiator: boolean;
  /** IKEv2: a response (the R flag); undefined for IKEv1, which has no such flag. */
  response?: boolean;
  flags: number;
  length: number;
}

/** One IKE or ESP packet between the gateways, decoded. */
export interface CapturedPacket {
  index: number;
  time: number;
  /** Interface it was seen on, when the capture says (cooked "any" captures). */
  iface?: string;
  direction?: 'in' | 'out';
  src: string;
  dst: string;
  /** 'udp' or 'esp' (IP protocol 50). */
  transport: 'udp' | 'esp' | 'other';
  sport?: number;
  dport?: number;
  kind: PacketKind;
  /** IKE on UDP 4500 behind the four-byte non-ESP marker, or ESP in UDP 4500 (NAT-T). */
  natT: boolean;
  nonEspMarker: boolean;
  ike?: IkeHeader;
  esp?: { spi: string; seq: number };
  length: number;
}

const V2_EXCHANGES: Record<number, string> = {
  34: 'IKE_SA_INIT',
  35: 'IKE_AUTH',
  36: 'CREATE_CHILD_SA',
  37: 'INFORMATIONAL',
  38: 'IKE_SESSION_RESUME',
  43: 'IKE_INTERMEDIATE',
  44: 'IKE_FOLLOWUP_KE',
};
const V1_EXCHANGES: Record<number, string> = {
  1: 'Base',
  2: 'Identity Protection (Main Mode)',
  4: 'Aggressive',
  5: 'Informational',
  32: 'Quick Mode',
  33: 'New Group Mode',
};

export function exchangeName(version: 1 | 2, type: number): string {
  return (version === 2 ? V2_EXCHANGES : V1_EXCHANGES)[type] ?? `exchange ${type}`;
}

const hex = (b: Buffer) => b.toString('hex');
const ipv4 = (b: Buffer, o: number) => `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;

export function parseIkeHeader(b: Buffer): IkeHeader | undefined {
  if (b.length < 28) return undefined;
  const major = b[17] >> 4;
  if (major !== 1 && major !== 2) return undefined;
  const version = major as 1 | 2;
  const flags = b[19];
  return {
    version,
    spiI: hex(b.subarray(0, 8)),
    spiR: hex(b.subarray(8, 16)),
    exchangeType: b[18],
    exchange: exchangeName(version, b[18]),
    messageId: b.readUInt32BE(20),
    initiator: version === 2 ? (flags & 0x08) !== 0 : false,
    response: version === 2 ? (flags & 0x20) !== 0 : undefined,
    flags,
    length: b.readUInt32BE(24),
  };
}

/** Decodes the IKE and ESP packets of a pcap file; other IPv4 packets come back as kind 'other'. */
export function decodePcap(buf: Buffer, opts: { ifNames?: Record<number, string> } = {}): CapturedPacket[] {
  const file = readPcap(buf);
  const out: CapturedPacket[] = [];
  for (const rec of file.records) {
    const ip = rec.ip;
    if (!ip || ip.length < 20 || ip[0] >> 4 !== 4) continue;
    const ihl = (ip[0] & 0x0f) * 4;
    const proto = ip[9];
    const fragOffset = ip.readUInt16BE(6) & 0x1fff;
    const p: CapturedPacket = {
      index: rec.index,
      time: rec.time,
      iface: rec.ifindex !== undefined ? (opts.ifNames?.[rec.ifindex] ?? `if${rec.ifindex}`) : undefined,
      direction: rec.outgoing === undefined ? undefined : rec.outgoing ? 'out' : 'in',
      src: ipv4(ip, 12),
      dst: ipv4(ip, 16),
      transport: 'other',
      kind: 'other',
      natT: false,
      nonEspMarker: false,
      length: rec.originalLength,
    };
    const l4 = ip.subarray(ihl);
    if (fragOffset === 0 && proto === 17 && l4.length >= 8) {
      p.transport = 'udp';
      p.sport = l4.readUInt16BE(0);
      p.dport = l4.readUInt16BE(2);
      const payload = l4.subarray(8);
      const ports = [p.sport, p.dport];
      if (ports.includes(4500)) {
        p.natT = true;
        if (payload.length === 1 && payload[0] === 0xff) p.kind = 'nat-keepalive';
        else if (payload.length >= 4 && payload.readUInt32BE(0) === 0) {
          p.nonEspMarker = true;
          const ike = parseIkeHeader(payload.subarray(4));
          if (ike) [p.kind, p.ike] = ['ike', ike];
        } else if (payload.length >= 8) {
          p.kind = 'esp';
          p.esp = { spi: hex(payload.subarray(0, 4)), seq: payload.readUInt32BE(4) };
        }
      } else if (ports.includes(500)) {
        const ike = parseIkeHeader(payload);
        if (ike) [p.kind, p.ike] = ['ike', ike];
      }
    } else if (fragOffset === 0 && proto === 50 && l4.length >= 8) {
      p.transport = 'esp';
      p.kind = 'esp';
      p.esp = { spi: hex(l4.subarray(0, 4)), seq: l4.readUInt32BE(4) };
    }
    out.push(p);
  }
  return out;
}

/** One IKE request and what answered it (retransmits counted), as an exchange ladder shows it. */
export interface IkeExchange {
  version: 1 | 2;
  exchange: string;
  exchangeType: number;
  messageId: number;
  spiI: string;
  /** The responder SPI as far as known (the IKE_SA_INIT request has none yet). */
  spiR: string;
  /** IKEv2: whether the original initiator of the IKE_SA sent the request. */
  byInitiator?: boolean;
  from: string;
  to: string;
  request?: CapturedPacket;
  response?: CapturedPacket;
  /** Requests seen beyond the first (retransmits); responses beyond the first. */
  retransmits: number;
  responses: number;
  natT: boolean;
  time: number;
}

export interface EspFlow {
  spi: string;
  src: string;
  dst: string;
  packets: number;
  firstSeq: number;
  lastSeq: number;
  firstTime: number;
  lastTime: number;
  /** ESP in UDP 4500 (NAT-T or libipsec) rather than IP protocol 50. */
  udpEncap: boolean;
}

export interface CaptureSummary {
  packets: number;
  ike: number;
  esp: number;
  keepalives: number;
  exchanges: IkeExchange[];
  esps: EspFlow[];
}

/**
 * Groups packets into exchanges and ESP flows. A packet forwarded by the router shows twice in an
 * "any" capture (in on one WAN, out on the other): only the arriving copy counts.
 */
export function summarize(packets: CapturedPacket[]): CaptureSummary {
  const hasIn = packets.some((q) => q.direction === 'in');
  const seen = packets.filter((p) => p.direction !== 'out' || !hasIn);
  const exchanges = new Map<string, IkeExchange>();
  const esps = new Map<string, EspFlow>();
  let keepalives = 0;
  for (const p of seen) {
    if (p.kind === 'nat-keepalive') keepalives += 1;
    if (p.kind === 'esp' && p.esp) {
      const key = `${p.esp.spi}/${p.src}`;
      const f = esps.get(key);
      if (!f)
        esps.set(key, {
          spi: p.esp.spi,
          src: p.src,
          dst: p.dst,
          packets: 1,
          firstSeq: p.esp.seq,
          lastSeq: p.esp.seq,
          firstTime: p.time,
          lastTime: p.time,
          udpEncap: p.transport === 'udp',
        });
      else {
        f.packets += 1;
        f.lastSeq = p.esp.seq;
        f.lastTime = p.time;
      }
    }
    if (p.kind !== 'ike' || !p.ike) continue;
    const h = p.ike;
    // IKEv2 message IDs count separately for each requester: the I flag of the request tells who.
    const isResponse = h.version === 2 ? !!h.response : false;
    const byInitiator = h.version === 2 ? (isResponse ? !h.initiator : h.initiator) : undefined;
    const key = `${h.version}/${h.spiI}/${h.messageId}/${h.exchangeType}/${byInitiator ?? ''}`;
    let x = exchanges.get(key);
    if (!x) {
      x = {
        version: h.version,
        exchange: h.exchange,
        exchangeType: h.exchangeType,
        messageId: h.messageId,
        spiI: h.spiI,
        spiR: h.spiR,
        byInitiator,
        from: isResponse ? p.dst : p.src,
        to: isResponse ? p.src : p.dst,
        retransmits: 0,
        responses: 0,
        natT: p.nonEspMarker,
        time: p.time,
      };
      exchanges.set(key, x);
    }
    if (/^0+$/.test(x.spiR) && !/^0+$/.test(h.spiR)) x.spiR = h.spiR;
    if (h.version === 1) {
      // IKEv1 has no response flag: the first packet is the request, later ones from the other peer answer it.
      if (!x.request) x.request = p;
      else if (p.src === x.request.src) x.retransmits += 1;
      else {
        x.responses += 1;
        x.response ??= p;
      }
      continue;
    }
    if (isResponse) {
      x.responses += 1;
      x.response ??= p;
    } else if (x.request) x.retransmits += 1;
    else x.request = p;
  }
  const ike = seen.filter((p) => p.kind === 'ike').length;
  return {
    packets: seen.length,
    ike,
    esp: seen.filter((p) => p.kind === 'esp').length,
    keepalives,
    exchanges: [...exchanges.values()].sort((a, b) => a.time - b.time),
    esps: [...esps.values()].sort((a, b) => a.firstTime - b.firstTime),
  };
}

/** The summary as text lines, one per exchange and ESP flow. */
export function formatSummary(s: CaptureSummary, t0 = s.exchanges[0]?.time ?? s.esps[0]?.firstTime ?? 0): string[] {
  const lines: string[] = [];
  const at = (t: number) => `+${(t - t0).toFixed(3).padStart(8)} s`;
  for (const x of s.exchanges) {
    const who = x.byInitiator === undefined ? '' : x.byInitiator ? ' (by IKE initiator)' : ' (by IKE responder)';
    const answer = x.response ? `answered${x.responses > 1 ? ` ×${x.responses}` : ''}` : 'NO RESPONSE';
    lines.push(
      `${at(x.time)}  IKEv${x.version} ${x.exchange} msgid ${x.messageId}${who} ${x.from} -> ${x.to}${x.natT ? ' [UDP 4500, non-ESP marker]' : ''}  SPIs ${x.spiI}/${x.spiR}  ${answer}${x.retransmits ? `, ${x.retransmits} retransmit${x.retransmits > 1 ? 's' : ''}` : ''}`,
    );
  }
  for (const f of s.esps) {
    lines.push(
      `${at(f.firstTime)}  ESP SPI 0x${f.spi} ${f.src} -> ${f.dst}${f.udpEncap ? ' (in UDP 4500)' : ''}: ${f.packets} packet${f.packets === 1 ? '' : 's'}, seq ${f.firstSeq}..${f.lastSeq}`,
    );
  }
  lines.push(
    `${s.packets} packets: ${s.ike} IKE, ${s.esp} ESP, ${s.keepalives} NAT keepalive${s.keepalives === 1 ? '' : 's'}`,
  );
  return lines;
}
