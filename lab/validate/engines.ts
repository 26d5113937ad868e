/**
 * Validation spread over several Docker engines (`validate --engine A --engine B`): one queue of
 * templates, each engine pulling from it with as many labs at a time as it can hold, so a fast or
 * big engine takes more. A template's labs (its interop lab too) are all made on the engine that
 * took it (onEngine).
 */
import type { EngineConnection } from '../docker/engine-scope.js';
import { onEngine } from '../docker/engine-scope.js';
import { connectEngine, parseEngineSpec, pingEngine } from '../docker/engines.js';
import { LabError } from '../docker/errors.js';

export interface ValidationEngine {
  /** As the user named it (context name or URL); reports and progress lines say this. */
  label: string;
  /** The engine; absent for the process's own engine (DOCKER_HOST, the active context). */
  connection?: EngineConnection;
  /** Labs at a time on this engine. */
  concurrency: number;
}

/** One lab per two of the engine's CPUs (as `docker info` counts them): the local default, per engine. */
async function engineConcurrency(engine: EngineConnection): Promise<number> {
  const info = (await engine.docker.info()) as { NCPU?: number };
  return Math.max(1, Math.floor((info.NCPU ?? 2) / 2));
}

/**
 * The engines of `--engine` values (repeated or comma-separated), each checked to answer before
 * any lab starts. Labs at a time: the value's own `=N`, else `--concurrency`, else half the engine's CPUs.
 */
export async function resolveValidationEngines(values: string[], concurrency?: number): Promise<ValidationEngine[]> {
  const specs = values
    .flatMap((v) => v.split(','))
    .filter((v) => v.trim())
    .map(parseEngineSpec);
  const seen = new Set<string>();
  for (const s of specs) {
    if (seen.has(s.target)) throw new LabError('invalid-request', `--engine ${s.target}: named twice`);
    seen.add(s.target);
  }
  const engines = await Promise.all(
    specs.map(async (spec) => {
      const connection = connectEngine(spec.target);
      await pingEngine(connection).catch((e: Error) => {
        throw new LabError('docker-unavailable', `--engine ${spec.target}: ${e.message}`);
      });
      return {
        label: spec.target,
        connection,
        concurrency: spec.concurrency ?? concurrency ?? (await engineConcurrency(connection)),
      };
    }),
  );
  // Two names for one engine would double its load behind the user's back.
  const byHost = new Map<string, string>();
  for (const e of engines) {
    const host = e.connection.endpoint.host;
    const other = byHost.get(host);
    if (other)
      throw new LabError('invalid-request', `--engine ${other} and --engine ${e.label} are the same engine (${host})`);
    byHost.set(host, e.label);
  }
  return engines;
}

export interface Placement {
  engine: string;
  startedAt: number;
  endedAt: number;
}

/**
 * Runs `work(i)` for every index from one queue, in the order given: each engine runs as many at
 * a time as its concurrency, and every run happens with that engine in scope. Returns the results
 * in index order, and where and when each ran.
 */
export async function spreadOverEngines<T>(
  count: number,
  engines: ValidationEngine[],
  work: (index: number, engine: ValidationEngine) => Promise<T>,
): Promise<{ results: T[]; placements: Placement[] }> {
  const results: T[] = new Array(count);
  const placements: Placement[] = new Array(count);
  let next = 0;
  const worker = async (engine: ValidationEngine) => {
    while (next < count) {
      const i = next++;
      const startedAt = Date.now();
      results[i] = engine.connection ? await onEngine(engine.connection, () => work(i, engine)) : await work(i, engine);
      placements[i] = { engine: engine.label, startedAt, endedAt: Date.now() };
    }
  };
  await Promise.all(
    engines.flatMap((engine) => Array.from({ length: Math.min(engine.concurrency, count) }, () => worker(engine))),
  );
  return { results, placements };
}
