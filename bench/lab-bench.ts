import { ignoreRejection } from '../lab/common/ignore.js';
import { connectDocker, isLocalEngine } from '../lab/docker/connection.js';
import { LabEngine } from '../lab/engine/lab-engine.js';
import { buildImage, ensureImage } from '../lab/image/image.js';
import { defaultSettings } from '../lab/settings/defaults.js';

export interface Figure {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Cold image build (every step again, from the base image), warm `up` to INSTALLED on both, `down`. */
export async function benchLab(runs = 3): Promise<Figure[]> {
  const { docker, endpoint } = connectDocker();
  const figures: Figure[] = [];
  const tag = 'ipsec-lab-bench:cold';
  let t = Date.now();
  await buildImage(docker, 'trixie', tag, () => {}, { local: isLocalEngine(endpoint), noCache: true });
  figures.push({ name: 'cold image build (trixie, no cache)', value: (Date.now() - t) / 1000, unit: 's' });
  await docker.getImage(tag).remove({ force: true }).catch(ignoreRejection('the image may not exist'));
  await ensureImage(docker, 'trixie');

  const ups: number[] = [];
  const downs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const engine = LabEngine.connect(`bench-${process.pid}-${i}`);
    const r = await engine.up(defaultSettings());
    if (!r.status.up) throw new Error(`bench lab did not come up: ${r.reason}`);
    ups.push(r.ms.total / 1000);
    t = Date.now();
    await engine.down();
    downs.push((Date.now() - t) / 1000);
  }
  figures.push({
    name: `warm up to CHILD_SA INSTALLED on both (median of ${runs})`,
    value: median(ups),
    unit: 's',
    note: `runs: ${ups.map((x) => x.toFixed(2)).join(', ')}; target < 3 s`,
  });
  figures.push({
    name: `down (median of ${runs})`,
    value: median(downs),
    unit: 's',
    note: `runs: ${downs.map((x) => x.toFixed(2)).join(', ')}`,
  });
  return figures;
}
