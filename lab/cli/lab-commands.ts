import { type Command, InvalidArgumentError, Option } from 'commander';

import type { LabEvent } from '../engine/types.js';
import { defaultSettings } from '../settings/defaults.js';
import type { Release, Side } from '../settings/types.js';
import { registerConfigCommands } from './config-commands.js';
import { registerFaultCommands } from './fault-commands.js';
import { engineFor, loadSettingsFile } from './lazy.js';
import { formatLog, formatStatus } from './output.js';
import { registerServeCommand } from './serve-command.js';

const sideOption = () => new Option('--side <side>', 'left or right').choices(['left', 'right']);

export function positiveInt(name: string, max: number) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max)
      throw new InvalidArgumentError(`${name} must be a whole number from 1 to ${max}`);
    return n;
  };
}

/** Progress of `up` on stderr, one line a step; image builds as percent lines. */
export function printProgress(e: LabEvent): void {
  if (e.type === 'step') console.error(`• ${e.message}`);
  else if (e.type === 'tunnel') console.error(e.up ? `✔ ${e.message}` : `✘ ${e.message}`);
  else if (e.progress.kind === 'build') {
    if (/^Step \d+\/\d+/.test(e.progress.line))
      console.error(
        `  image ${e.progress.release} ${String(e.progress.percent).padStart(3)}% ${e.progress.line.slice(0, 100)}`,
      );
  } else if (e.progress.kind === 'base')
    console.error(
      `  base image ${e.progress.image}: ${e.progress.action}${e.progress.detail ? ` (${e.progress.detail})` : ''}`,
    );
  else if (e.progress.kind === 'ready' && e.progress.built) console.error(`  image ${e.progress.tag} built`);
}

export function registerLabCommands(program: Command): void {
  program
    .command('up')
    .description('start the lab (two strongSwan gateways, a router, two LAN hosts) and wait for the tunnel')
    .option('--settings <file>', 'lab settings JSON (default: a healthy IKEv2 tunnel; see `ipsec-lab settings`)')
    .option('--timeout <seconds>', 'how long to wait for the tunnel', positiveInt('--timeout', 600), 20)
    .option('--json', 'print the result as JSON on stdout')
    .action(async (opts, cmd: Command) => {
      const settings = opts.settings ? await loadSettingsFile(opts.settings) : defaultSettings();
      const engine = await engineFor(cmd);
      const off = engine.onEvent(printProgress);
      try {
        const result = await engine.up(settings, { mode: 'detached', timeoutMs: opts.timeout * 1000 });
        if (opts.json)
          console.log(
            JSON.stringify(
              {
                up: result.status.up,
                reason: result.reason,
                datapath: result.datapath,
                ms: result.ms,
                status: result.status,
              },
              null,
              2,
            ),
          );
        else {
          console.log(formatStatus(result.status));
          const secs = (result.ms.total / 1000).toFixed(1);
          console.log(
            result.status.up
              ? `\nup in ${secs} s. Next: ipsec-lab traffic | ipsec-lab logs --follow | ipsec-lab status | ipsec-lab down`
              : `\ntunnel not up after ${secs} s: ${result.reason ?? 'see the states above'}. Next: ipsec-lab logs | ipsec-lab explain | ipsec-lab down`,
          );
        }
        if (!result.status.up) process.exitCode = 1;
      } finally {
        off();
        await engine.close();
      }
    });

  program
    .command('down')
    .description('remove the lab: every container and network it made')
    .option('--all', 'remove every ipsec-lab lab on this engine')
    .action(async (opts, cmd: Command) => {
      const { downCommand, printRemoved } = await import('./down-command.js');
      // One lab: a few Docker calls, without loading the engine (see lifecycle/down.ts).
      if (!opts.all) return downCommand(cmd.optsWithGlobals().lab as string);
      const engine = await engineFor(cmd);
      await engine.ping();
      const { findLabs, removeLab } = await import('../lifecycle/registry.js');
      const labs = await findLabs(engine.docker);
      if (!labs.length) {
        console.log(`no lab "${engine.name}" is running`);
        return;
      }
      for (const lab of labs) printRemoved(lab.name, await removeLab(engine.docker, lab));
    });

  program
    .command('labs')
    .description('list every ipsec-lab lab on this engine, with its owner and whether it is orphaned')
    .option('--json', 'print as JSON')
    .action(async (opts, cmd: Command) => {
      const engine = await engineFor(cmd);
      await engine.ping();
      const { findLabs } = await import('../lifecycle/registry.js');
      const labs = await findLabs(engine.docker);
      if (opts.json)
        console.log(
          JSON.stringify(
            labs.map(({ containers, networks, ...l }) => ({
              ...l,
              containers: containers.length,
              networks: networks.length,
            })),
            null,
            2,
          ),
        );
      else if (!labs.length) console.log('no labs');
      else
        for (const l of labs)
          console.log(
            `${l.name.padEnd(24)} ${l.complete ? 'running ' : 'partial '} ${l.mode.padEnd(9)} owner pid ${l.ownerPid}@${l.ownerHost}${l.orphaned ? '  ORPHANED (ipsec-lab --lab ' + l.name + ' adopt | down)' : ''}`,
          );
    });

  program
    .command('adopt')
    .description('keep a lab whose owning process was killed: it becomes a detached lab, like one from `up`')
    .action(async (_opts, cmd: Command) => {
      const engine = await engineFor(cmd);
      await engine.ping();
      const lab = await engine.adopt('detached');
      console.log(`adopted lab "${lab.name}" (now detached; remove it with \`ipsec-lab --lab ${lab.name} down\`)`);
    });

  program
    .command('status')
    .description('show the boxes, the IKE and CHILD SAs with their counters')
    .option('--json', 'print as JSON')
    .action(async (opts, cmd: Command) => {
      const engine = await engineFor(cmd);
      try {
        await engine.ping();
        const status = await engine.status();
        console.log(opts.json ? JSON.stringify(status, null, 2) : formatStatus(status));
        if (!status.exists) process.exitCode = 1;
      } finally {
        await engine.close();
      }
    });

  program
    .command('logs')
    .description("print both charons' logs (or one side's)")
    .option('-f, --follow', 'keep printing new lines')
    .addOption(sideOption())
    .option('--tail <lines>', 'only the last N lines per side', positiveInt('--tail', 1_000_000))
    .action(async (opts, cmd: Command) => {
      const engine = await engineFor(cmd);
      await engine.ping();
      const lab = await engine.find();
      if (!lab)
        throw new (await import('../docker/errors.js')).LabError(
          'lab-not-found',
          `no lab "${engine.name}" is running`,
          'start one with `ipsec-lab up`',
        );
      const sides: Side[] = opts.side ? [opts.side] : ['left', 'right'];
      const { streamGatewayLog } = await import('../streams/log-stream.js');
      const both = sides.length > 1;
      await Promise.all(
        sides.map(
          (side) =>
            new Promise<void>((resolve, reject) => {
              const buffer: string[] = [];
              streamGatewayLog(engine.docker, engine.container(side === 'left' ? 'gw-left' : 'gw-right'), side, {
                follow: !!opts.follow,
                onRecord: (r) => {
                  const line = formatLog(r, both);
                  if (!opts.follow && opts.tail) {
                    buffer.push(line);
                    if (buffer.length > opts.tail) buffer.shift();
                  } else console.log(line);
                },
                onEnd: (err) => {
                  buffer.forEach((l) => console.log(l));
                  if (err) reject(err);
                  else resolve();
                },
              }).catch(reject);
            }),
        ),
      );
    });

  program
    .command('traffic')
    .description('send pings from one LAN host to the other through the tunnel and report what came back')
    .addOption(
      new Option('--side <side>', 'the LAN host that sends: left or right').choices(['left', 'right']).default('left'),
    )
    .option('--count <n>', 'number of pings', positiveInt('--count', 100_000), 5)
    .option('--interval <ms>', 'milliseconds between pings', positiveInt('--interval', 60_000), 200)
    .option('--size <bytes>', 'ICMP payload size', positiveInt('--size', 65_000))
    .option('--continuous', 'keep pinging and print what came back every second, until Ctrl-C')
    .option('--json', 'print as JSON')
    .action(async (opts, cmd: Command) => {
      const engine = await engineFor(cmd);
      await engine.ping();
      if (opts.continuous) {
        const flow = await engine.flow({
          from: opts.side,
          intervalMs: opts.interval,
          onSample: (s) =>
            console.log(
              opts.json
                ? JSON.stringify(s)
                : `${new Date(s.time).toISOString().slice(11, 19)} sent ${s.sent} received ${s.received} loss ${s.lossPercent}%${s.rttAvgMs !== undefined ? ` rtt ${s.rttAvgMs} ms` : ''}`,
            ),
        });
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        const t = await flow.stop();
        console.log(`total: ${t.sent} sent, ${t.received} received, ${t.lossPercent}% loss`);
        await engine.close();
        return;
      }
      const r = await engine.traffic({
        from: opts.side,
        count: opts.count,
        intervalMs: opts.interval,
        size: opts.size,
      });
      if (opts.json) console.log(JSON.stringify({ ...r, output: undefined }, null, 2));
      else
        console.log(
          `${r.from} -> ${r.to}: ${r.transmitted} sent, ${r.received} received, ${r.lossPercent}% loss${r.rttAvgMs !== undefined ? `, avg ${r.rttAvgMs} ms` : ''}`,
        );
      if (r.received === 0) process.exitCode = 1;
    });

  program
    .command('doctor')
    .description('check the Docker engine, lab images, kernel features and Electron; print fixes')
    .option('--fix', 'Debian/Ubuntu as root: install and start the Docker engine when missing')
    .option('--json', 'print as JSON')
    .action(async (opts) => {
      const { fixDockerEngine, runChecks } = await import('../doctor/checks.js');
      if (opts.fix) await fixDockerEngine((l) => console.error(l));
      const checks = await runChecks();
      if (opts.json) console.log(JSON.stringify(checks, null, 2));
      else {
        for (const c of checks) {
          console.log(`${c.status === 'ok' ? '✔' : c.status === 'warn' ? '!' : '✘'} ${c.title}: ${c.detail}`);
          if (c.fix && c.status !== 'ok') console.log(`    fix: ${c.fix}`);
        }
      }
      if (checks.some((c) => c.status === 'fail')) process.exitCode = 1;
    });

  program
    .command('build')
    .description('build the lab image(s) now (otherwise built on first use)')
    .addOption(
      new Option('--release <release>', 'Debian release').choices(['trixie', 'bookworm', 'all']).default('all'),
    )
    .action(async (opts, cmd: Command) => {
      const engine = await engineFor(cmd);
      await engine.ping();
      const releases: Release[] = opts.release === 'all' ? ['trixie', 'bookworm'] : [opts.release];
      for (const release of releases) {
        const { ensureImage } = await import('../image/image.js');
        const { isLocalEngine } = await import('../docker/connection.js');
        const tag = await ensureImage(
          engine.docker,
          release,
          (progress) => printProgress({ type: 'image', progress }),
          { local: isLocalEngine(engine.endpoint) },
        );
        console.log(tag);
      }
    });

  program
    .command('settings')
    .description('print the default lab settings as JSON (a starting point for --settings files)')
    .action(() => {
      console.log(JSON.stringify(defaultSettings(), null, 2));
    });

  registerFaultCommands(program);
  registerConfigCommands(program);
  registerServeCommand(program);

  program
    .command('start')
    .description('open the desktop app; where Electron cannot run, serve the lab headless and say where to look')
    .action(async (_opts, cmd: Command) => {
      const { startCommand } = await import('./start-command.js');
      await startCommand(await engineFor(cmd));
    });
}
