import os from 'node:os';

import type Docker from 'dockerode';

import { Emitter } from '../common/event.js';
import { ignoreRejection } from '../common/ignore.js';
import { isRoutedTunnel } from '../config/routed-tunnel.js';
import type { Datapath } from '../config/strongswan-conf.js';
import { CHILD_NAME, CONNECTION_NAME } from '../config/swanctl-conf.js';
import { connectDocker, type EngineEndpoint, isLocalEngine } from '../docker/connection.js';
import { dockerUnavailable, LabError } from '../docker/errors.js';
import { execIn } from '../docker/exec.js';
import { gatewayKeyFiles, writeGatewayFiles } from '../gateway/files.js';
import { dryRunLoad, loadGatewayConfig } from '../gateway/load-config.js';
import { ensureImage, imageTag } from '../image/image.js';
import { createLab, takenSubnets } from '../lifecycle/create.js';
import { checkLabName, containerName, defaultLabName, type LabMode } from '../lifecycle/labels.js';
import { findLabs, type FoundLab, removeLab } from '../lifecycle/registry.js';
import { putSettings, putStateFile } from '../lifecycle/settings-file.js';
import { OWNER_PATH, SETTINGS_PATH } from '../lifecycle/state-paths.js';
import { type KernelFeatures, probeKernel } from '../probe/kernel-features.js';
import { normalizeCidr, siteAddresses } from '../settings/addresses.js';
import { checkLiveUnderlay, runningUnderlay } from '../settings/live-underlay.js';
import { startPlan } from '../settings/start-plan.js';
import { type LabSettings, type Release, type Side, SIDES } from '../settings/types.js';
import { validateSettings } from '../settings/validate.js';
import type { LogRecord } from '../streams/log-record.js';
import { LogStore } from '../streams/log-store.js';
import { gatewayRole, gatewaySide, hostRole, ROLES } from '../topology/plan.js';
import { type FlowSample, type FlowTotals, startFlow } from '../traffic/flow.js';
import { ping, type PingResult } from '../traffic/ping.js';
import { parseListSas, type ViciClient } from '../vici/index.js';
import { asChange, markWindow } from './change-marks.js';
import { CounterHistory } from './counter-history.js';
import { runDecidingCheck } from './deciding-checks.js';
import { DiagnosisFeed } from './diagnosis-feed.js';
import type { HealthEvent } from './health-monitor.js';
import { followFromLastChange } from './lab-diagnosis.js';
import type { LabHandle } from './lab-handle.js';
import { saSnapshot } from './sa-snapshot.js';
import { isUp, tunnelState } from './tunnel-state.js';
import { waitForTunnel } from './tunnel-wait.js';
import type { LabEvent, LabStatus, SaSnapshot, UpResult } from './types.js';
import { ViciSessions } from './vici-sessions.js';
import { watchLab, type WatchOptions } from './watch.js';

export interface UpOptions {
  mode?: LabMode;
  /** How long to wait for the tunnel after the boxes run (ms). */
  timeoutMs?: number;
}

/**
 * One lab on one Docker engine: the services the CLI, the app and the tests all use. Settings
 * become boxes and charon configs; charon's logs and SA state come back as events.
 */
export class LabEngine implements LabHandle {
  private readonly _onEvent = new Emitter<LabEvent>();
  private readonly _onLog = new Emitter<LogRecord>();
  private readonly _onSas = new Emitter<SaSnapshot>();
  private readonly _onHealth = new Emitter<HealthEvent>();
  /** Progress of up/down and the tunnel's state after up. */
  readonly onEvent = this._onEvent.event;
  /** Every log line charon writes, while watching. */
  readonly onLog = this._onLog.event;
  /** Both gateways' SAs, every second and on every IKE/CHILD up, down or rekey, while watching. */
  readonly onSas = this._onSas.event;
  /** Engine availability and box events (a gateway died, restarted, was paused) while watching. */
  readonly onHealth = this._onHealth.event;
  /** Every streamed log record, bounded in memory, older lines on disk. */
  readonly logStore = new LogStore();
  /** Counter history for charts, bounded. */
  readonly history = new CounterHistory();
  /** Live diagnosis of what `watch` streams; its findings come as `diagnosis.results` events. */
  readonly diagnosis = new DiagnosisFeed();
  private readonly vici: ViciSessions;
  private watchers: Array<() => void> = [];

  constructor(
    readonly name: string,
    readonly docker: Docker,
    readonly endpoint: EngineEndpoint,
  ) {
    this.vici = new ViciSessions(docker, (side) => this.container(gatewayRole(side)));
    checkLabName(name);
    this.onLog((r) => {
      this.logStore.add(r);
      this.diagnosis.pushLog(r);
    });
    this.onSas((s) => {
      this.history.add(s);
      this.diagnosis.pushSnapshot(s);
    });
    this.diagnosis.decider = (q, f) => runDecidingCheck(this, q, f);
  }

  static connect(name = defaultLabName()): LabEngine {
    const { docker, endpoint } = connectDocker();
    return new LabEngine(name, docker, endpoint);
  }

  container(role: Parameters<typeof containerName>[1]): string {
    return containerName(this.name, role);
  }

  /** Fails fast with docker-unavailable when no engine answers. */
  async ping(): Promise<void> {
    try {
      await this.docker.ping();
    } catch (e) {
      throw dockerUnavailable(e, this.endpoint.host);
    }
  }

  async find(): Promise<FoundLab | undefined> {
    return (await findLabs(this.docker, this.name)).find((l) => l.name === this.name);
  }

  private step(step: Extract<LabEvent, { type: 'step' }>['step'], message: string) {
    this._onEvent.fire({ type: 'step', step, message });
  }

  /** Builds or reuses the images this settings document needs. */
  async ensureImages(settings: LabSettings): Promise<Record<Release, string>> {
    const releases = new Set<Release>(['trixie', settings.left.gateway.release, settings.right.gateway.release]);
    const images = {} as Record<Release, string>;
    for (const release of releases) {
      images[release] = await ensureImage(
        this.docker,
        release,
        (progress) => this._onEvent.fire({ type: 'image', progress }),
        { local: isLocalEngine(this.endpoint) },
      );
    }
    images.bookworm ??= images.trixie;
    return images;
  }

  /**
   * Starts the lab and returns once the tunnel is up on both gateways, or says why it is not.
   * Settings are validated before anything is touched.
   */
  async up(input: LabSettings, opts: UpOptions = {}): Promise<UpResult> {
    const settings = validateSettings(input);
    const t0 = Date.now();
    // Everything before the create at once: none of it needs another, and the engine's answer to
    // the ping is only awaited first so that a missing engine is reported as such. The kernel probe
    // starts with the engine's id (its cached result), before the image lookup has answered.
    const pinged = this.ping();
    const imagesReady = this.ensureImages(settings);
    const probed = probeKernel(
      this.docker,
      imagesReady.then((i) => i.trixie),
    );
    const taken = takenSubnets(this.docker);
    const listed = findLabs(this.docker);
    for (const p of [imagesReady, probed, taken, listed])
      p.catch(ignoreRejection('awaited below, after the ping; createLab awaits taken, or lists again'));
    await pinged;
    this.step('leftovers', 'looking for leftovers of crashed runs');
    const labs = await listed;
    const removedLeftovers: string[] = [];
    for (const lab of labs.filter((l) => l.orphaned)) {
      await removeLab(this.docker, lab);
      removedLeftovers.push(lab.name);
    }
    if (removedLeftovers.length)
      this.step('leftovers', `removed leftovers of crashed runs: ${removedLeftovers.join(', ')}`);
    const existing = labs.find((l) => l.name === this.name && !l.orphaned);
    if (existing)
      throw new LabError(
        'lab-exists',
        `lab "${this.name}" is already running (created ${existing.created})`,
        'stop it with `ipsec-lab down`, or pick another name with --lab',
      );
    const images = await imagesReady;
    const features = await probed;
    const tImages = Date.now();
    this.step('probe', 'probing the kernel for ESP, netem and TUN');
    const datapath = chooseDatapath(features);
    this.step(
      'probe',
      datapath === 'kernel'
        ? 'datapath: kernel ESP (kernel-netlink)'
        : 'datapath: strongSwan userspace ESP (kernel-libipsec over TUN): this kernel has no ESP',
    );
    this.step('create', 'creating the lab network and five boxes');
    // The charons' strongswan.conf goes in with the boxes; the settings go into the router once it
    // runs, while the LAN hosts start (createLab). Each gateway's VICI session is opened as soon as
    // its box has started, and connects once its charon listens, while the other boxes still start;
    // the same exec first writes the gateway's swanctl.conf (the key) into the box. The IKE path
    // (both gateways and the router) starts first; the charons load their configs and negotiate
    // while the LAN hosts start.
    /** Per gateway: whether its first session wrote its swanctl.conf. */
    const keyFiles = new Map<Side, Promise<boolean>>();
    let ikePathStarted!: () => void;
    const ikePath = new Promise<void>((resolve) => (ikePathStarted = resolve));
    const created = createLab(this.docker, settings, {
      name: this.name,
      mode: opts.mode ?? 'attached',
      datapath,
      images,
      taken,
      onStarted: (role) => {
        const side = gatewaySide(role);
        if (!side) return;
        const session = this.vici.openWriting(side, gatewayKeyFiles(settings, side, datapath));
        keyFiles.set(
          side,
          session.then(
            () => true,
            () => false,
          ),
        );
      },
      onIkePathStarted: ikePathStarted,
    });
    await Promise.race([ikePath, created]);
    const tCreate = Date.now();
    const negotiated = this.configureAndNegotiate(settings, datapath, created, opts.timeoutMs);
    // A box that fails to start after the IKE path did is the error to report (the lab is removed
    // then, and the negotiation would only time out); the negotiation is not awaited after that.
    negotiated.catch(ignoreRejection('awaited below, or the create failure is reported instead'));
    let outcome: Awaited<typeof negotiated>;
    try {
      outcome = await Promise.race([negotiated, created.then(() => negotiated)]);
    } catch (e) {
      await created; // the clean-up of a failed create breaks the negotiation: the create's error is the cause
      throw e;
    }
    await created;
    // A gateway whose first session did not write its swanctl.conf (that session failed, and a plain
    // one was opened) gets it copied in, so a restart of its charon still finds its config.
    await Promise.all(
      SIDES.map(async (side) => {
        if (await keyFiles.get(side)) return;
        await writeGatewayFiles(this.docker.getContainer(this.container(gatewayRole(side))), settings, side, {
          datapath,
          autoload: false,
        });
      }),
    );
    const { plan } = outcome;
    let { status } = outcome;
    // Taken before the LAN hosts were running: the boxes are looked up again, with the SAs just read.
    if (status.boxes.some((b) => b.state !== 'running')) status = await this.status(status.sas);
    const tEnd = Date.now();
    let reason: string | undefined;
    if (!status.up) {
      reason = plan.reason ?? noTunnelReason(status);
      this._onEvent.fire({ type: 'tunnel', up: false, message: reason });
    } else this._onEvent.fire({ type: 'tunnel', up: true, message: 'tunnel up on both gateways' });
    this.step('up', `lab "${this.name}" running`);
    return {
      status,
      features,
      datapath,
      removedLeftovers,
      reason,
      ms: { images: tImages - t0, create: tCreate - tImages, negotiate: tEnd - tCreate, total: tEnd - t0 },
    };
  }

  /** Loads both charons' configs over VICI, then starts the tunnel as the settings say and waits for it. */
  private async configureAndNegotiate(
    settings: LabSettings,
    datapath: Datapath,
    created: Promise<void>,
    timeoutMs = 20_000,
  ): Promise<{ plan: ReturnType<typeof startPlan>; status: LabStatus }> {
    this.step('configure', 'loading configs and keys into both charons over VICI');
    // Both sessions at once; then the responder first, so the initiator's first IKE_SA_INIT finds
    // its peer ready. A restarted charon reloads its config by itself (strongswan.conf start-scripts).
    await Promise.all(SIDES.map((side) => this.viciOf(side)));
    const order: Side[] = settings.left.gateway.startAction === 'initiate' ? ['right', 'left'] : ['left', 'right'];
    for (const side of order) await loadGatewayConfig(await this.viciOf(side), settings, side, datapath);
    // As on the devices: an initiator starts at once, a trap (on-demand) gateway on its LAN's first
    // matching packet, which the lab sends (from a LAN host: all boxes must be running); where nothing
    // would ever start, say so now, not after the timeout.
    const plan = startPlan(settings);
    if (plan.starter?.how === 'traffic') {
      this.step('negotiate', plan.starter.says);
      await created;
    }
    if (plan.starter) this.step('negotiate', 'waiting for IKE_SA ESTABLISHED and CHILD_SA INSTALLED on both gateways');
    const status = plan.starter
      ? await this.waitForTunnel(timeoutMs, plan.starter.how === 'traffic' ? plan.starter.side : undefined)
      : await this.status();
    return { plan, status };
  }

  /**
   * Waits until the tunnel is up or the time is over, woken by charon's SA events (tunnel-wait.ts).
   * With `trafficFrom`, that LAN host sends a packet every 2 s meanwhile, as users behind an
   * on-demand (trap) gateway would.
   */
  waitForTunnel(timeoutMs: number, trafficFrom?: Side): Promise<LabStatus> {
    return waitForTunnel(this, timeoutMs, trafficFrom);
  }

  async storeSettings(settings: LabSettings): Promise<void> {
    await putSettings(this.docker, this.container('router'), settings);
  }

  /** This engine's kernel features (probed once per engine, cached). */
  async kernelFeatures(): Promise<KernelFeatures> {
    return probeKernel(this.docker, imageTag('trixie'));
  }

  /**
   * Applies changed settings to the running lab without rebuilding it: charon must accept the new
   * connection first (a dry-run load), then the SAs are torn down, the configs and keys reloaded
   * over VICI, and the initiator starts again. A refused change leaves the lab as it was.
   */
  applySettings(input: LabSettings): Promise<{ changed: Side[] }> {
    return asChange(this, 'applying the edited settings', () => this.applySettingsNow(input));
  }

  private async applySettingsNow(input: LabSettings): Promise<{ changed: Side[] }> {
    const next = validateSettings(input);
    const prev = await this.settings();
    for (const side of SIDES) {
      for (const key of ['lan', 'wan'] as const) {
        if (normalizeCidr(prev[side][key]) !== normalizeCidr(next[side][key]))
          throw new LabError(
            'unsupported',
            `${side}.${key}: a running lab cannot change its subnets; stop it (down) and start it with the new settings`,
          );
      }
      if (prev[side].gateway.release !== next[side].gateway.release)
        throw new LabError(
          'unsupported',
          `${side}.gateway.release: a running lab cannot change the strongSwan release of a gateway; stop it (down) and start it again`,
        );
    }
    const lab = await this.find();
    if (!lab) throw new LabError('lab-not-found', `lab "${this.name}" is not running`);
    // The lab keeps the Docker network up chose for it: a change that would overlap it is refused
    // here, before anything changes, whoever applies it (the app, a fault, validate).
    checkLiveUnderlay(next, await runningUnderlay(this.docker, lab));
    const datapath = (lab.datapath || 'libipsec') as Datapath;
    const routing = (s: LabSettings) => SIDES.map((side) => isRoutedTunnel(s, side)).join();
    if (prev.realisticTimers !== next.realisticTimers || routing(prev) !== routing(next)) {
      // Timers and a routed tunnel's routing live in strongswan.conf: the gateways restart and reload their configs by themselves.
      await Promise.all(
        SIDES.map((side) =>
          writeGatewayFiles(this.docker.getContainer(this.container(gatewayRole(side))), next, side, {
            datapath,
            autoload: true,
          }),
        ),
      );
      await this.storeSettings(next);
      await markWindow(this);
      await Promise.all(
        SIDES.map((side) => this.docker.getContainer(this.container(gatewayRole(side))).restart({ t: 1 })),
      );
      await this.forgetVici();
      return { changed: [...SIDES] };
    }
    const changed = SIDES.filter((side) => JSON.stringify(prev[side].gateway) !== JSON.stringify(next[side].gateway));
    for (const side of changed) await dryRunLoad(await this.viciOf(side), next, side);
    await this.terminateAll();
    // What the gateways did before this change no longer describes the lab; what they do next does.
    await markWindow(this);
    const order: Side[] = next.left.gateway.startAction === 'initiate' ? ['right', 'left'] : ['left', 'right'];
    for (const side of order.filter((s) => changed.includes(s))) {
      await loadGatewayConfig(await this.viciOf(side), next, side, datapath);
      await writeGatewayFiles(this.docker.getContainer(this.container(gatewayRole(side))), next, side, {
        datapath,
        autoload: true,
      });
    }
    await this.storeSettings(next);
    await this.initiateWhereDue(next);
    return { changed };
  }

  /** Tears down the lab's IKE_SAs on both gateways at once, without waiting for the peer. */
  private async terminateAll(): Promise<void> {
    await Promise.all(
      SIDES.map(async (side) => {
        const client = await this.viciOf(side);
        await client
          .terminate({ ike: CONNECTION_NAME, force: true, timeoutMs: 2000 })
          .catch(ignoreRejection('there may be no IKE_SA to terminate'));
      }),
    );
  }

  /** Gateways that should initiate and have no IKE_SA start one (without waiting for the result). */
  private async initiateWhereDue(settings: LabSettings): Promise<void> {
    for (const side of SIDES.filter((s) => settings[s].gateway.startAction === 'initiate')) {
      const client = await this.viciOf(side);
      const sas = parseListSas(await client.listSas({ ike: CONNECTION_NAME }));
      if (!sas.length)
        await client
          .initiate({ child: CHILD_NAME, ike: CONNECTION_NAME, timeoutMs: -1 })
          .catch(ignoreRejection('initiate failures show in the logs and the tunnel state this waits on'));
    }
  }

  /** Starts the negotiation afresh (after a path change, so its effect shows at once). */
  async renegotiate(): Promise<void> {
    await asChange(this, 're-negotiating', async () => {
      await this.terminateAll();
      await markWindow(this);
      await this.initiateWhereDue(await this.settings());
    });
  }

  /** The settings the running lab was started (or last changed) with; they live in the lab itself. */
  async settings(): Promise<LabSettings> {
    const r = await execIn(this.docker, this.container('router'), ['cat', SETTINGS_PATH]);
    if (r.exitCode !== 0)
      throw new LabError('lab-not-found', `lab "${this.name}" is not running (no settings in its router)`);
    return validateSettings(JSON.parse(r.stdout));
  }

  /** The gateway's VICI session (opened on first use, reopened after it ends). */
  viciOf(side: Side): Promise<ViciClient> {
    return this.vici.of(side);
  }

  /** Drops one gateway's VICI session (its charon restarted); the next use opens a new one. */
  forgetViciOf(side: Side): void {
    this.vici.forget(side);
  }

  /** Closes the VICI sessions (after an engine outage they point at charons that are gone). */
  forgetVici(): Promise<void> {
    return this.vici.forgetAll();
  }

  async snapshot(side: Side): Promise<SaSnapshot> {
    try {
      const client = await this.viciOf(side);
      return saSnapshot(side, parseListSas(await client.listSas()));
    } catch (e) {
      this.vici.forget(side);
      return saSnapshot(side, [], (e as Error).message);
    }
  }

  /** The boxes and both gateways' SAs; `known` gives SAs just read (by the tunnel wait), not read again. */
  async status(known: Partial<Record<Side, SaSnapshot>> = {}): Promise<LabStatus> {
    const lab = await this.find();
    const boxes = ROLES.map((role) => {
      const c = lab?.containers.find((x) => x.role === role);
      return { role, container: this.container(role), state: c?.state ?? 'missing' };
    });
    const running = (side: Side) => boxes.find((b) => b.role === gatewayRole(side))?.state === 'running';
    const sas: LabStatus['sas'] = {};
    await Promise.all(
      SIDES.map(async (side) => {
        if (running(side)) sas[side] = known[side] ?? (await this.snapshot(side));
      }),
    );
    const tunnel = { left: tunnelState(sas.left?.ikeSas), right: tunnelState(sas.right?.ikeSas) };
    return {
      name: this.name,
      exists: !!lab,
      mode: lab?.mode,
      datapath: lab?.datapath,
      boxes,
      sas,
      tunnel,
      up: isUp(tunnel.left) && isUp(tunnel.right),
    };
  }

  /**
   * Streams both charons' logs as records and their SAs as snapshots, and watches the engine and
   * the boxes (`health`); see watch.ts. Returns a stop function; `close` stops everything.
   */
  async watch(opts: WatchOptions = {}): Promise<() => void> {
    // Lines before the lab's last change are history to the live diagnosis, when this process first follows it.
    if (opts.logs !== false && this.diagnosis.fresh) await followFromLastChange(this, this.diagnosis);
    const stop = await watchLab(this, opts, {
      log: (r) => this._onLog.fire(r),
      sas: (s) => this._onSas.fire(s),
      health: (e) => this._onHealth.fire(e),
    });
    this.watchers.push(stop);
    return stop;
  }

  /** Pings from one LAN host to the other: real site-to-site traffic through both gateways. */
  async traffic(opts: { from?: Side; count?: number; intervalMs?: number; size?: number } = {}): Promise<PingResult> {
    const from = opts.from ?? 'left';
    const to: Side = from === 'left' ? 'right' : 'left';
    const settings = await this.settings();
    const ended = this.diagnosis.trafficOffered('ping');
    return ping(this.docker, this.container(hostRole(from)), `host-${from}`, siteAddresses(settings, to).host, {
      count: opts.count ?? 5,
      intervalMs: opts.intervalMs ?? 200,
      size: opts.size,
    }).finally(ended);
  }

  /**
   * Takes over a lab whose owner is gone (an app or test run that was killed): it becomes this
   * process's lab (attached) or nobody's (detached, like the CLI's `up`).
   */
  async adopt(mode: LabMode = 'attached'): Promise<FoundLab> {
    const lab = await this.find();
    if (!lab) throw new LabError('lab-not-found', `no lab "${this.name}" to adopt`);
    if (!lab.complete)
      throw new LabError(
        'lab-start-failed',
        `lab "${this.name}" is incomplete (its start never finished): remove it with \`ipsec-lab down\``,
      );
    const owner = { pid: process.pid, host: os.hostname(), mode };
    await putStateFile(this.docker, this.container('router'), OWNER_PATH, JSON.stringify(owner));
    return (await this.find())!;
  }

  /** A continuous ping from one LAN host to the other, sampled every second until stopped. */
  async flow(opts: {
    from?: Side;
    intervalMs?: number;
    onSample: (s: FlowSample) => void;
  }): Promise<{ stop: () => Promise<FlowTotals> }> {
    const from = opts.from ?? 'left';
    const settings = await this.settings();
    const to = siteAddresses(settings, from === 'left' ? 'right' : 'left').host;
    const flow = await startFlow(this.docker, this.container(hostRole(from)), to, {
      intervalMs: opts.intervalMs ?? 200,
      onSample: opts.onSample,
    });
    const ended = this.diagnosis.trafficOffered('flow');
    this.watchers.push(() => void flow.stop());
    return {
      stop: () => {
        ended();
        return flow.stop();
      },
    };
  }

  /** Removes every container and network of this lab. */
  async down(): Promise<{ containers: number; networks: number }> {
    await this.close();
    const lab = await this.find();
    if (!lab) return { containers: 0, networks: 0 };
    this.step('down', `removing lab "${this.name}"`);
    return removeLab(this.docker, lab);
  }

  /** Ends this process's streams and VICI sessions; the lab itself keeps running. */
  async close(): Promise<void> {
    this.watchers.splice(0).forEach((stop) => stop());
    this.diagnosis.dispose();
    this.logStore.dispose();
    await this.forgetVici();
  }
}

export function chooseDatapath(f: KernelFeatures): Datapath {
  if (f.kernelEsp) return 'kernel';
  if (f.tun) return 'libipsec';
  throw new LabError(
    'unsupported',
    "this engine's kernel has neither ESP (xfrm) nor /dev/net/tun: charon cannot carry ESP",
    'use a Docker engine whose kernel has xfrm ESP or TUN (any mainstream Linux or Docker Desktop)',
  );
}

function noTunnelReason(status: LabStatus): string {
  const t = status.tunnel;
  return `tunnel not up: left IKE ${t.left.ike}/CHILD ${t.left.child}, right IKE ${t.right.ike}/CHILD ${t.right.child}; see \`ipsec-lab logs\` or \`ipsec-lab diagnose\``;
}
