// The app's log history over the contract: lines the host spilled to disk on a long run are paged
// back in order, and a bad page request is refused with the argument named.
import { describe, expect, it } from 'vitest';

import { checkCall } from '../../lab/api/schemas.js';
import { LabService } from '../../lab/api/service.js';
import { LabEngine } from '../../lab/engine/lab-engine.js';
import { parseCharonLine } from '../../lab/streams/log-record.js';

describe('log history (logsPage)', () => {
  it('pages the oldest lines back from disk, the newest from memory', async () => {
    const engine = LabEngine.connect('t-history-unit');
    const service = new LabService(engine);
    try {
      // More lines than the store keeps in memory (20 000 per side): the oldest spill to disk.
      for (let i = 1; i <= 26_000; i++)
        engine.logStore.add(parseCharonLine(`Nov 22 11:04:34.576 09[IKE2] <lab|1> line ${i}`, 'left', i));
      const env = await service.call('logsPage', ['left', 0, 100]);
      expect(env.ok).toBe(true);
      if (!env.ok) return;
      const first = { result: env.result as Awaited<ReturnType<LabService['logsPage']>> };
      expect(first.result.total).toBe(26_000);
      expect(first.result.spilled).toBeGreaterThan(0);
      expect(first.result.records.map((r) => r.seq)).toEqual(Array.from({ length: 100 }, (_, k) => k + 1));
      const last = await service.call('logsPage', ['left', 25_950, 100]);
      expect(
        last.ok && (last.result as Awaited<ReturnType<LabService['logsPage']>>).records.map((r) => r.message),
      ).toEqual(Array.from({ length: 50 }, (_, k) => `line ${25_951 + k}`));
      // Both hosts check every request against the schemas before the service sees it.
      expect(checkCall('logsPage', ['middle', 0, 100])).toMatchObject({
        ok: false,
        message: expect.stringMatching(/^logsPage: argument 0/),
      });
      expect(checkCall('logsPage', ['left', 0, 1_000_000])).toMatchObject({
        ok: false,
        message: expect.stringMatching(/argument 2/),
      });
    } finally {
      await service.dispose();
      engine.logStore.dispose();
    }
  });
});
