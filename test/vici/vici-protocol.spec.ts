import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  decodeMessage,
  encodeMessage,
  encodePacket,
  type Packet,
  PacketReader,
  PacketType,
  ViciClient,
  ViciCommandError,
  ViciConnectionError,
  type ViciMessage,
  ViciProtocolError,
} from '../../lab/vici/index.js';
import { parseListSas } from '../../lab/vici/sas.js';
import { fakeCharon } from './fake-charon.js';

const b = (...parts: Array<number | string>) =>
  Buffer.concat(parts.map((p) => (typeof p === 'number' ? Buffer.from([p]) : Buffer.from(p))));

// The encoding example of strongSwan's VICI README, byte for byte.
const README_EXAMPLE = b(
  3,
  4,
  'key1',
  0,
  6,
  'value1',
  1,
  8,
  'section1',
  1,
  11,
  'sub-section',
  3,
  4,
  'key2',
  0,
  6,
  'value2',
  2,
  4,
  5,
  'list1',
  5,
  0,
  5,
  'item1',
  5,
  0,
  5,
  'item2',
  6,
  2,
);
const README_TREE: ViciMessage = {
  key1: 'value1',
  section1: { 'sub-section': { key2: 'value2' }, list1: ['item1', 'item2'] },
};

describe('VICI message encoding', () => {
  it('encodes the README example byte for byte', () => {
    expect(encodeMessage(README_TREE)).toEqual(README_EXAMPLE);
  });
  it('decodes the README example', () => {
    expect(decodeMessage(README_EXAMPLE)).toEqual(README_TREE);
  });
  it('refuses malformed messages with a protocol error', () => {
    expect(() => decodeMessage(b(3, 4, 'key1', 0, 9, 'short'))).toThrow(ViciProtocolError);
    expect(() => decodeMessage(b(2))).toThrow(/section end without a section/);
    expect(() => decodeMessage(b(1, 1, 'a'))).toThrow(/ends inside a section/);
    expect(() => decodeMessage(b(5, 0, 1, 'x'))).toThrow(/list item outside a list/);
    expect(() => decodeMessage(b(9))).toThrow(/unknown element type 9/);
  });

  // Any code point, "__proto__" included: keys are data, not object internals.
  const key = fc
    .oneof(fc.constant('__proto__'), fc.string({ unit: 'binary', maxLength: 20 }))
    .filter((s) => Buffer.byteLength(s) <= 255);
  const value = fc.string({ unit: 'binary', maxLength: 40 });
  const tree: fc.Arbitrary<ViciMessage> = fc.letrec((tie) => ({
    msg: fc.dictionary(
      key,
      fc.oneof(
        { depthSize: 'small' },
        value,
        fc.array(value, { maxLength: 4 }),
        tie('msg') as fc.Arbitrary<ViciMessage>,
      ),
      { maxKeys: 5 },
    ),
  })).msg;

  it('keeps a "__proto__" key as data', () => {
    const m = decodeMessage(b(3, 9, '__proto__', 0, 1, 'x', 1, 9, '__proto__', 3, 1, 'a', 0, 1, 'y', 2));
    expect(Object.getPrototypeOf(m)).toBe(Object.prototype);
    expect(Object.keys(m)).toEqual(['__proto__']);
    expect(encodeMessage(m)).toEqual(b(1, 9, '__proto__', 3, 1, 'a', 0, 1, 'y', 2));
  });

  it('round-trips any message (property)', () => {
    fc.assert(
      fc.property(tree, (m) => {
        const bytes = encodeMessage(m);
        const back = decodeMessage(bytes);
        expect(back).toEqual(m);
        // Key order is part of the message (charon reads some sections in order).
        expect(encodeMessage(back)).toEqual(bytes);
      }),
      { numRuns: 500 },
    );
  });

  it('never crashes or hangs on random bytes: a message or a ViciProtocolError (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decodeMessage(Buffer.from(bytes));
        } catch (e) {
          expect(e).toBeInstanceOf(ViciProtocolError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('VICI packet framing', () => {
  it('reassembles packets split across and merged within chunks', () => {
    const p1 = encodePacket({ type: PacketType.CmdResponse, message: { a: '1' } });
    const p2 = encodePacket({ type: PacketType.Event, name: 'log', message: { msg: 'hello' } });
    const all = Buffer.concat([p1, p2]);
    for (let cut = 1; cut < all.length; cut++) {
      const r = new PacketReader();
      const got = [...r.push(all.subarray(0, cut)), ...r.push(all.subarray(cut))];
      expect(got).toEqual([
        { type: PacketType.CmdResponse, name: undefined, message: { a: '1' } },
        { type: PacketType.Event, name: 'log', message: { msg: 'hello' } },
      ]);
    }
  });
  it('cuts a stream of random packets at random places into the same packets (property)', () => {
    const packet = fc.oneof(
      fc.record({
        type: fc.constantFrom(PacketType.CmdResponse),
        message: fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
      }),
      fc.record({
        type: fc.constantFrom(PacketType.Event),
        name: fc.string({ maxLength: 12 }),
        message: fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
      }),
      fc.record({ type: fc.constantFrom(PacketType.CmdUnknown, PacketType.EventConfirm, PacketType.EventUnknown) }),
    );
    fc.assert(
      fc.property(fc.array(packet, { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 8 }), (packets, cuts) => {
        const all = Buffer.concat(packets.map((p) => encodePacket(p)));
        const at = [...new Set(cuts.map((c) => c % (all.length + 1)))].sort((x, y) => x - y);
        const r = new PacketReader();
        const got = [];
        let from = 0;
        for (const cut of [...at, all.length]) {
          got.push(...r.push(all.subarray(from, cut)));
          from = cut;
        }
        expect(got.map((p) => p.message ?? {})).toEqual(packets.map((p) => ('message' in p ? p.message : {})));
        expect(got.map((p) => p.type)).toEqual(packets.map((p) => p.type));
      }),
      { numRuns: 300 },
    );
  });

  it('never crashes on a random byte stream: packets or a ViciProtocolError (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 6 }), (chunks) => {
        const r = new PacketReader(1024);
        try {
          for (const c of chunks) r.push(Buffer.from(c));
        } catch (e) {
          expect(e).toBeInstanceOf(ViciProtocolError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses packets over the size limit', () => {
    const r = new PacketReader(100);
    expect(() => r.push(b(0, 0, 1, 0))).toThrow(/exceeds the 100 byte limit/);
  });
});

describe('VICI client', () => {
  it('matches responses in order while events arrive in between', async () => {
    const client = new ViciClient(
      fakeCharon(({ name }): Packet[] => {
        if (name === 'list-sa') return [{ type: PacketType.EventConfirm }];
        if (name === 'list-sas') {
          return [
            {
              type: PacketType.Event,
              name: 'list-sa',
              message: {
                lab: {
                  uniqueid: '1',
                  state: 'ESTABLISHED',
                  'child-sas': {
                    'net-1': {
                      name: 'net',
                      uniqueid: '1',
                      state: 'INSTALLED',
                      'bytes-in': '84',
                      'local-ts': ['10.1.0.0/24'],
                    },
                  },
                },
              },
            },
            { type: PacketType.CmdResponse, message: {} },
          ];
        }
        if (name === 'version')
          return [{ type: PacketType.CmdResponse, message: { daemon: 'charon', version: '6.0.1' } }];
        return [{ type: PacketType.CmdResponse, message: { success: 'no', errmsg: `no ${name}` } }];
      }).stream,
    );
    const [sas, version] = await Promise.all([client.listSas(), client.version()]);
    expect(version.version).toBe('6.0.1');
    const parsed = parseListSas(sas);
    expect(parsed[0]).toMatchObject({ name: 'lab', uniqueId: 1, state: 'ESTABLISHED' });
    expect(parsed[0].children[0]).toMatchObject({
      name: 'net',
      state: 'INSTALLED',
      bytesIn: 84,
      localTs: ['10.1.0.0/24'],
    });
    await expect(client.request('initiate', { child: 'x' })).rejects.toEqual(
      new ViciCommandError('initiate', 'no initiate'),
    );
    await client.close();
  });

  it('rejects pending requests with a connection error when the stream ends', async () => {
    const charon = fakeCharon(() => undefined);
    const client = new ViciClient(charon.stream);
    const pending = client.version();
    charon.hangUp();
    await expect(pending).rejects.toBeInstanceOf(ViciConnectionError);
    await client.closed;
  });
});
