/**
 * VICI message encoding (strongSwan src/libcharon/plugins/vici/README.md): a message is a list of
 * elements; sections nest, lists hold values. Values are bytes on the wire; the lab treats them as
 * UTF-8 text, which is what charon sends for everything the lab reads.
 */
export type ViciValue = string | string[] | ViciMessage;
export interface ViciMessage {
  [key: string]: ViciValue;
}

export const enum Element {
  SectionStart = 1,
  SectionEnd = 2,
  KeyValue = 3,
  ListStart = 4,
  ListItem = 5,
  ListEnd = 6,
}

export class ViciProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ViciProtocolError';
  }
}

class Writer {
  private chunks: Buffer[] = [];
  u8(n: number) {
    this.chunks.push(Buffer.from([n]));
  }
  name(s: string) {
    const b = Buffer.from(s, 'utf8');
    if (b.length > 255) throw new ViciProtocolError(`name "${s.slice(0, 40)}…" is longer than 255 bytes`);
    this.u8(b.length);
    this.chunks.push(b);
  }
  value(s: string) {
    const b = Buffer.from(s, 'utf8');
    if (b.length > 65535) throw new ViciProtocolError('value is longer than 65535 bytes');
    const len = Buffer.alloc(2);
    len.writeUInt16BE(b.length);
    this.chunks.push(len, b);
  }
  done(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

function writeMessage(w: Writer, msg: ViciMessage) {
  for (const [key, value] of Object.entries(msg)) {
    if (typeof value === 'string') {
      w.u8(Element.KeyValue);
      w.name(key);
      w.value(value);
    } else if (Array.isArray(value)) {
      w.u8(Element.ListStart);
      w.name(key);
      for (const item of value) {
        w.u8(Element.ListItem);
        w.value(item);
      }
      w.u8(Element.ListEnd);
    } else {
      w.u8(Element.SectionStart);
      w.name(key);
      writeMessage(w, value);
      w.u8(Element.SectionEnd);
    }
  }
}

export function encodeMessage(msg: ViciMessage): Buffer {
  const w = new Writer();
  writeMessage(w, msg);
  return w.done();
}

/** Decodes a message; throws ViciProtocolError on anything malformed (never loops or crashes). */
export function decodeMessage(buf: Buffer): ViciMessage {
  let pos = 0;
  const need = (n: number) => {
    if (pos + n > buf.length) throw new ViciProtocolError(`truncated message at byte ${pos}`);
  };
  const name = () => {
    need(1);
    const len = buf[pos++];
    need(len);
    const s = buf.toString('utf8', pos, pos + len);
    pos += len;
    return s;
  };
  const value = () => {
    need(2);
    const len = buf.readUInt16BE(pos);
    pos += 2;
    need(len);
    const s = buf.toString('utf8', pos, pos + len);
    pos += len;
    return s;
  };
  // A plain assignment of a key named "__proto__" would swap the prototype instead of storing it.
  const put = (target: ViciMessage, key: string, value: ViciValue) =>
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  const root: ViciMessage = {};
  const stack: ViciMessage[] = [root];
  let list: string[] | null = null;
  while (pos < buf.length) {
    const type = buf[pos++];
    const top = stack[stack.length - 1];
    if (list && type !== Element.ListItem && type !== Element.ListEnd)
      throw new ViciProtocolError(`element ${type} inside a list at byte ${pos - 1}`);
    switch (type) {
      case Element.SectionStart: {
        const section: ViciMessage = {};
        put(top, name(), section);
        stack.push(section);
        if (stack.length > 64) throw new ViciProtocolError('sections nested deeper than 64');
        break;
      }
      case Element.SectionEnd:
        if (stack.length === 1) throw new ViciProtocolError(`section end without a section at byte ${pos - 1}`);
        stack.pop();
        break;
      case Element.KeyValue: {
        const k = name();
        put(top, k, value());
        break;
      }
      case Element.ListStart:
        list = [];
        put(top, name(), list);
        break;
      case Element.ListItem:
        if (!list) throw new ViciProtocolError(`list item outside a list at byte ${pos - 1}`);
        list.push(value());
        break;
      case Element.ListEnd:
        if (!list) throw new ViciProtocolError(`list end outside a list at byte ${pos - 1}`);
        list = null;
        break;
      default:
        throw new ViciProtocolError(`unknown element type ${type} at byte ${pos - 1}`);
    }
  }
  if (stack.length !== 1 || list) throw new ViciProtocolError('message ends inside a section or list');
  return root;
}

export const enum PacketType {
  CmdRequest = 0,
  CmdResponse = 1,
  CmdUnknown = 2,
  EventRegister = 3,
  EventUnregister = 4,
  EventConfirm = 5,
  EventUnknown = 6,
  Event = 7,
}

const NAMED = new Set([PacketType.CmdRequest, PacketType.EventRegister, PacketType.EventUnregister, PacketType.Event]);
const WITH_MESSAGE = new Set([PacketType.CmdRequest, PacketType.CmdResponse, PacketType.Event]);

export interface Packet {
  type: PacketType;
  name?: string;
  message?: ViciMessage;
}

/** A packet with its 32-bit length prefix, ready for the socket. */
export function encodePacket(p: Packet): Buffer {
  const w = new Writer();
  w.u8(p.type);
  if (NAMED.has(p.type)) w.name(p.name ?? '');
  const head = w.done();
  const body = WITH_MESSAGE.has(p.type) ? encodeMessage(p.message ?? {}) : Buffer.alloc(0);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(head.length + body.length);
  return Buffer.concat([len, head, body]);
}

/** Decodes one packet body (without its length prefix). */
export function decodePacket(buf: Buffer): Packet {
  if (buf.length < 1) throw new ViciProtocolError('empty packet');
  const type = buf[0] as PacketType;
  if (type > PacketType.Event) throw new ViciProtocolError(`unknown packet type ${type}`);
  let pos = 1;
  let name: string | undefined;
  if (NAMED.has(type)) {
    if (buf.length < 2) throw new ViciProtocolError('truncated packet name');
    const len = buf[1];
    if (buf.length < 2 + len) throw new ViciProtocolError('truncated packet name');
    name = buf.toString('utf8', 2, 2 + len);
    pos = 2 + len;
  }
  const message = WITH_MESSAGE.has(type) ? decodeMessage(buf.subarray(pos)) : undefined;
  if (!WITH_MESSAGE.has(type) && pos !== buf.length)
    throw new ViciProtocolError(`packet type ${type} carries unexpected bytes`);
  return { type, name, message };
}

/**
 * The reader's default packet limit. charon itself refuses segments over 512 KiB; a bigger limit
 * leaves room for later releases while still stopping a garbage length from buffering gigabytes.
 */
export const MAX_PACKET = 16 * 1024 * 1024;

/** Cuts a byte stream into packets, however the chunks fall. */
export class PacketReader {
  private chunks: Buffer[] = [];
  private size = 0;
  /** Body length of the packet being assembled, once its 4-byte header is in. */
  private want: number | null = null;

  constructor(private readonly maxPacket = MAX_PACKET) {}

  push(chunk: Buffer): Packet[] {
    this.chunks.push(chunk);
    this.size += chunk.length;
    const out: Packet[] = [];
    for (;;) {
      if (this.want === null) {
        if (this.size < 4) break;
        const len = this.take(4).readUInt32BE(0);
        if (len > this.maxPacket)
          throw new ViciProtocolError(`packet of ${len} bytes exceeds the ${this.maxPacket} byte limit`);
        this.want = len;
      }
      // Concatenating only once the whole packet is in keeps a big packet in small chunks linear.
      if (this.size < this.want) break;
      const body = this.take(this.want);
      this.want = null;
      out.push(decodePacket(body));
    }
    return out;
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    const rest = all.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.size = rest.length;
    return all.subarray(0, n);
  }
}
