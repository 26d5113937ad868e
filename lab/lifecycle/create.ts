import type Docker from 'dockerode';

import { ignoreRejection } from '../common/ignore.js';
import type { Datapath } from '../config/strongswan-conf.js';
import { gatewayStartEnv } from '../gateway/files.js';
import type { LabSettings, Release } from '../settings/types.js';
import { boxEnv, type BoxPlan, gatewaySide, planTopology, type Role, ROLE_CAPABILITIES } from '../topology/plan.js';
import { boxUnderlayAddress, chooseUnderlay, underlayDynamicRange, underlayGateway } from '../topology/underlay.js';
import { containerName, LABEL, labLabels, type LabMode, networkName } from './labels.js';
import { findLabs, removeLab } from './registry.js';
import { putSettings } from './settings-file.js';
import { waitForWiring } from './wiring.js';

export interface CreateOptions {
  name: string;
  mode: LabMode;
  datapath: Datapath;
  images: Record<Release, string>;
  /** The subnets other Docker networks hold, when the caller listed them already (see takenSubnets). */
  taken?: Promise<string[]>;
  /**
   * Called as each box has started and wired its links (the others may still be starting). A
   * gateway's swanctl.conf is the caller's to write from then on (see createLab).
   */
  onStarted?: (role: Role) => void;
  /** Called once the gateways and the router (all IKE needs) have started; the LAN hosts start then. */
  onIkePathStarted?: () => void;
}

const BOX_MEMORY = 256 * 1024 * 1024;

function containerSpec(
  box: BoxPlan,
  opts: CreateOptions,
  network: string,
  underlay: string,
  extraEnv: string[],
): Docker.ContainerCreateOptions {
  const isGateway = box.role.startsWith('gw-');
  const sysctls: Record<string, string> = {
    'net.ipv4.conf.all.rp_filter': '0',
    'net.ipv4.conf.default.rp_filter': '0',
  };
  if (box.forwarding) sysctls['net.ipv4.ip_forward'] = '1';
  return {
    name: containerName(opts.name, box.role),
    Hostname: box.role,
    Image: opts.images[box.release],
    Cmd: box.command,
    Env: [...boxEnv(box, (peer) => boxUnderlayAddress(underlay, peer)), ...extraEnv],
    Labels: labLabels(opts.name, opts.mode, { [LABEL.role]: box.role, [LABEL.datapath]: opts.datapath }),
    StopSignal: 'SIGTERM',
    HostConfig: {
      NetworkMode: network,
      // Every capability dropped, then only what this role needs (the why per role: ROLE_CAPABILITIES).
      CapDrop: ['ALL'],
      CapAdd: [...ROLE_CAPABILITIES[box.role]],
      // Nothing in a box may gain privileges through a setuid binary or file capabilities.
      SecurityOpt: ['no-new-privileges'],
      // rw, not rwm: the box uses the host's TUN node, it never creates device nodes.
      Devices:
        isGateway && opts.datapath === 'libipsec'
          ? [{ PathOnHost: '/dev/net/tun', PathInContainer: '/dev/net/tun', CgroupPermissions: 'rw' }]
          : [],
      Sysctls: sysctls,
      Memory: BOX_MEMORY,
      // Memory and memory+swap equal: no swap on top of the memory limit.
      MemorySwap: BOX_MEMORY,
      // Half the default weight under contention, and at most one CPU: a runaway box (a flood
      // from the traffic generator, a looping charon) cannot take the user's machine.
      CpuShares: 512,
      NanoCpus: 1_000_000_000,
      PidsLimit: 256,
      RestartPolicy: { Name: 'no' },
      Init: false,
    },
    NetworkingConfig: {
      EndpointsConfig: {
        [network]: { Aliases: [box.role], IPAMConfig: { IPv4Address: boxUnderlayAddress(underlay, box.role) } },
      },
    },
  };
}

/** Subnets the engine's other networks hold (Docker refuses a new network that overlaps one). */
export async function takenSubnets(docker: Docker): Promise<string[]> {
  const nets = await docker.listNetworks();
  return nets.flatMap((n) => (n.IPAM?.Config ?? []).map((c) => c.Subnet ?? '')).filter((c) => c.includes('.'));
}

/**
 * The lab's own internal network, on a subnet the lab chose (explicit IPAM, see underlay.ts): never
 * one of Docker's pool subnets, where the lab's LANs could lie. Another lab created at the same
 * moment may win the same subnet; the engine then refuses the overlap and the next one is tried.
 */
async function createUnderlay(
  docker: Docker,
  settings: LabSettings,
  network: string,
  labels: Record<string, string>,
  listed?: Promise<string[]>,
): Promise<string> {
  const refused: string[] = [];
  for (let attempt = 0; ; attempt++) {
    // A list made before this call may miss a network made since: the engine refuses the overlap, and the next try lists again.
    const taken = attempt === 0 && listed ? await listed : await takenSubnets(docker);
    const subnet = chooseUnderlay(settings, [...taken, ...refused]);
    try {
      await docker.createNetwork({
        Name: network,
        Driver: 'bridge',
        // Internal: nothing of the lab reaches beyond the engine's machine.
        Internal: true,
        CheckDuplicate: true,
        IPAM: {
          Driver: 'default',
          // A given address must lie outside the range Docker hands out itself (see boxUnderlayAddress).
          Config: [{ Subnet: subnet, Gateway: underlayGateway(subnet), IPRange: underlayDynamicRange(subnet) }],
        },
        Labels: labels,
      });
      return subnet;
    } catch (e) {
      if (attempt >= 8 || !/overlap/i.test((e as Error).message)) throw e;
      refused.push(subnet);
    }
  }
}

/**
 * Creates and starts the lab's network and boxes. On any failure everything made so far is removed,
 * so a failed start leaves nothing behind.
 */
export async function createLab(docker: Docker, settings: LabSettings, opts: CreateOptions): Promise<void> {
  const network = networkName(opts.name);
  try {
    const underlay = await createUnderlay(docker, settings, network, labLabels(opts.name, opts.mode), opts.taken);
    const boxes = planTopology(settings);
    // Each box on its own: created (a gateway with its strongswan.conf in the create call: it holds
    // no secret, and charon reads it at start), started, its links wired. Nothing is copied in
    // before start: a copy costs the engine an archive unpacked by a process of its own, on a start
    // that is bound by the machine's CPU. What holds a key is written into the running box by an
    // exec, never put in the create call (it would show in every `docker inspect`): a gateway's
    // swanctl.conf by the caller (the engine sends it with its first VICI session), the lab's
    // settings into the router by an exec of their own (settings-file.ts) while the LAN hosts start.
    // The engine starts one box at a time whatever the caller does, so the gateways and the router
    // (all the IKE path needs) start first, the LAN hosts after them (not at all when one of those
    // failed). Every box settles before a failure is reported, so the clean-up below finds all that
    // was made.
    const startBox = async (box: BoxPlan, after?: Promise<unknown>): Promise<void> => {
      const side = gatewaySide(box.role);
      const env = side ? gatewayStartEnv(settings, side, opts.datapath) : [];
      const container = await docker.createContainer(containerSpec(box, opts, network, underlay, env));
      await after;
      await container.start();
      await waitForWiring(container, box.role);
      opts.onStarted?.(box.role);
    };
    const isHost = (box: BoxPlan) => box.role === 'host-left' || box.role === 'host-right';
    const core = Promise.allSettled(boxes.filter((b) => !isHost(b)).map((b) => startBox(b)));
    const ikePath = core.then((r) => {
      const failed = r.find((x): x is PromiseRejectedResult => x.status === 'rejected');
      if (failed) throw failed.reason;
      opts.onIkePathStarted?.();
    });
    // Settled at once (not awaited until the hosts are): a failed core must not go unhandled meanwhile.
    const stored = Promise.allSettled([
      ikePath.then(() => putSettings(docker, containerName(opts.name, 'router'), settings)),
    ]);
    const hosts = boxes.filter(isHost).map((b) => startBox(b, ikePath));
    const made = [...(await core), ...(await Promise.allSettled(hosts)), ...(await stored)];
    const failed = made.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (e) {
    const mine = (await findLabs(docker)).find((l) => l.name === opts.name);
    if (mine)
      await removeLab(docker, mine).catch(
        ignoreRejection('cleanup after a failed create; the create error is what is reported'),
      );
    throw e;
  }
}
