import { readFile } from 'node:fs/promises';

import { type Command } from 'commander';

import { CAPTURE_INTERFACES, type CaptureInterface } from '../capture/interfaces.js';
import { engineFor } from './lazy.js';

export function registerCaptureCommand(program: Command): void {
  program
    .command('capture')
    .description(
      'record the traffic between the gateways (tcpdump in the router) to a pcap for Wireshark, and list the IKE/ESP packets per exchange',
    )
    .option('--seconds <n>', 'how long to capture', '10')
    .option('--out <file>', 'pcap file to write', 'ipsec-lab.pcap')
    .option('--interface <side>', `router interface: ${CAPTURE_INTERFACES.join(', ')}`, 'any')
    .option('--filter <bpf>', 'tcpdump filter (default: IKE, NAT-T and ESP)')
    .option('--read <file>', 'only read an existing pcap and list its IKE/ESP packets')
    .action(async (opts, cmd: Command) => {
      if (opts.read) {
        const { decodePcap, formatSummary, summarize } = await import('../capture/index.js');
        const packets = decodePcap(await readFile(opts.read));
        for (const l of formatSummary(summarize(packets))) console.log(l);
        return;
      }
      const seconds = Number(opts.seconds);
      if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) {
        console.error(`ipsec-lab capture: --seconds: expected 1 to 3600, got "${opts.seconds}"`);
        process.exitCode = 2;
        return;
      }
      if (!CAPTURE_INTERFACES.includes(opts.interface)) {
        console.error(
          `ipsec-lab capture: --interface: expected ${CAPTURE_INTERFACES.join(', ')}, got "${opts.interface}"`,
        );
        process.exitCode = 2;
        return;
      }
      const engine = await engineFor(cmd);
      try {
        const { captureToFile, formatSummary } = await import('../capture/index.js');
        const r = await captureToFile(engine, opts.out, {
          seconds,
          interface: opts.interface as CaptureInterface,
          filter: opts.filter,
          onStart: () => console.error(`capturing on the router (${opts.interface}) for ${seconds} s...`),
        });
        console.error(r.tcpdump.trim());
        console.log(`wrote ${opts.out} (${r.pcap.length} bytes): open it in Wireshark`);
        for (const l of formatSummary(r.summary())) console.log(l);
      } finally {
        await engine.close();
      }
    });
}
