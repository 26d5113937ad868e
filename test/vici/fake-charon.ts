import { Duplex, PassThrough } from 'node:stream';

import { encodePacket, type Packet, PacketReader } from '../../lab/vici/index.js';

export interface FakeCharon {
  stream: Duplex;
  /** Every packet the client sent, in order. */
  received: Packet[];
  /** Raw bytes to the client, e.g. garbage or an unsolicited event. */
  send(bytes: Buffer): void;
  /** Ends the stream from charon's side. */
  hangUp(): void;
}

export type Script = (request: Packet) => Packet[] | undefined;

/**
 * A scripted charon. The answer to each packet is written as one chunk (as charon's socket often
 * merges them), or byte by byte with `dribble`, so both reassembly paths get exercised.
 */
export function fakeCharon(script: Script, opts: { dribble?: boolean } = {}): FakeCharon {
  const toClient = new PassThrough();
  const fromClient = new PassThrough();
  const reader = new PacketReader();
  const received: Packet[] = [];
  const send = (bytes: Buffer) => {
    if (!opts.dribble) toClient.write(bytes);
    else for (const byte of bytes) toClient.write(Buffer.from([byte]));
  };
  fromClient.on('data', (c: Buffer) => {
    for (const p of reader.push(c)) {
      received.push(p);
      const answer = script(p);
      if (answer?.length) send(Buffer.concat(answer.map(encodePacket)));
    }
  });
  return {
    stream: Duplex.from({ readable: toClient, writable: fromClient }),
    received,
    send,
    hangUp: () => toClient.end(),
  };
}
