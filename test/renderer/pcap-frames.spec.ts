import { describe, expect, it } from 'vitest';

import { pcapFrames } from '../../renderer/src/model/pcap-frames.js';

function pcap(frames: number[], little: boolean): string {
  const u32 = (v: number) => {
    const b = Buffer.alloc(4);
    if (little) b.writeUInt32LE(v);
    else b.writeUInt32BE(v);
    return b;
  };
  const parts = [u32(0xa1b2c3d4), Buffer.alloc(20)];
  for (const len of frames) parts.push(u32(1), u32(0), u32(len), u32(len), Buffer.alloc(len, 7));
  return Buffer.concat(parts).toString('base64');
}

describe('frames in a saved capture', () => {
  it('counts the records of a classic pcap file in either byte order', () => {
    expect(pcapFrames(pcap([60, 1514, 98], true))).toBe(3);
    expect(pcapFrames(pcap([60, 1514, 98, 42], false))).toBe(4);
    expect(pcapFrames(pcap([], true))).toBe(0);
    expect(pcapFrames('')).toBe(0);
  });
});
