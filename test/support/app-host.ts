import { type HeadlessServer, startHeadlessServer } from '../../lab/api/headless/server.js';
import { LabService } from '../../lab/api/service.js';
import { LabEngine } from '../../lab/engine/lab-engine.js';

export interface AppHost {
  engine: LabEngine;
  service: LabService;
  server: HeadlessServer;
  /** Stops the server and the service, then removes the lab (whether the test started it or not). */
  close(): Promise<void>;
}

/**
 * The app as `ipsec-lab serve` hosts it, in this process: a service following lab `lab` on the real
 * engine, and the headless server giving the built UI (from `rendererDir`, else out/renderer).
 */
export async function startAppHost(lab: string, opts: { rendererDir?: string } = {}): Promise<AppHost> {
  const engine = LabEngine.connect(lab);
  const service = new LabService(engine);
  await service.start();
  const server = await startHeadlessServer({ host: service, rendererDir: opts.rendererDir });
  return {
    engine,
    service,
    server,
    close: async () => {
      await server.close();
      await service.dispose();
      await engine.down();
    },
  };
}
