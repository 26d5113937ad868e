import { Readable } from 'node:stream';

import { describe, expect, it } from 'vitest';

import { diagnose } from '../../lab/diagnosis/diagnose.js';

/**
 * A large log generated chunk by chunk: the engine must take it as a stream (no big string is ever
 * built here, and the splitter only carries the unfinished line between chunks).
 */
function* bigLog(lines: number): Generator<Buffer> {
  const healthy = [
    '13[IKE1] <lab|1> initiating IKE_SA lab[1] to 172.31.251.10',
    '15[IKE0] <lab|1> IKE_SA lab[1] established between 172.31.250.10[172.31.250.10]...172.31.251.10[172.31.251.10]',
    '15[IKE0] <lab|1> CHILD_SA net{1} established with SPIs 86ac5273_i 32faeaae_o and TS 10.1.0.0/24 === 10.2.0.0/24',
  ];
  let n = 0;
  let chunk = '';
  const emit = (l: string) => {
    chunk += l + '\n';
    n++;
  };
  for (const l of healthy) emit(`Nov 22 11:03:32.515 ${l}`);
  let t = 0;
  while (n < lines) {
    const ms = String(t++ % 1000).padStart(3, '0');
    emit(
      `Nov 22 11:0${t % 10}:32.${ms} 04[NET2] <lab|1> sending packet: from 172.31.250.10[4500] to 172.31.251.10[4500] (80 bytes)`,
    );
    emit(
      `Nov 22 11:0${t % 10}:32.${ms} 12[NET2] <lab|1> received packet: from 172.31.251.10[4500] to 172.31.250.10[4500] (80 bytes)`,
    );
    emit(`Nov 22 11:0${t % 10}:32.${ms} 12[KNL2] <lab|1> querying policy 10.2.0.0/24 === 10.1.0.0/24 out`);
    if (chunk.length > 60_000) {
      // Split in the middle of a line on purpose.
      const cut = Math.floor(chunk.length / 2) + 7;
      yield Buffer.from(chunk.slice(0, cut));
      yield Buffer.from(chunk.slice(cut));
      chunk = '';
    }
  }
  if (chunk) yield Buffer.from(chunk);
}

describe('streaming', () => {
  it('diagnoses a 300k-line log streamed in chunks', async () => {
    const r = await diagnose({ logs: [{ source: 'big.log', side: 'left', lines: Readable.from(bigLog(300_000)) }] });
    expect(r.stats.lines).toBeGreaterThanOrEqual(300_000);
    expect(r.stats.unparsed).toBe(0);
    expect(r.verdict).toBe('healthy');
    expect(r.findings[0].evidence[0].line).toBe(2);
  }, 60_000);

  it('accepts an async iterable of lines and a plain array of lines', async () => {
    async function* lines() {
      yield "Nov 22 11:06:11.363 01[IKE1] <lab|1> tried 1 shared key for 'a' - 'b', but MAC mismatched";
    }
    const a = await diagnose({ logs: [{ source: 'a', side: 'right', lines: lines() }] });
    const b = await diagnose({
      logs: [
        {
          source: 'b',
          side: 'right',
          lines: ["01[IKE1] <lab|1> tried 1 shared key for 'a' - 'b', but MAC mismatched"],
        },
      ],
    });
    expect(a.verdict).toBe('psk-mismatch');
    expect(b.verdict).toBe('psk-mismatch');
  });
});
