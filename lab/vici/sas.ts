import type { ViciMessage, ViciValue } from './encoding.js';

/** A CHILD_SA as charon's list-sa reports it; numbers parsed, missing fields undefined. */
export interface ChildSaInfo {
  name: string;
  uniqueId: number;
  reqid?: number;
  state: string;
  mode?: string;
  protocol?: string;
  encap: boolean;
  spiIn?: string;
  spiOut?: string;
  encrAlg?: string;
  encrKeysize?: number;
  integAlg?: string;
  integKeysize?: number;
  dhGroup?: string;
  bytesIn?: number;
  packetsIn?: number;
  /** Seconds since the last inbound packet; undefined when never used (charon omits the key). */
  useIn?: number;
  bytesOut?: number;
  packetsOut?: number;
  useOut?: number;
  rekeyTime?: number;
  lifeTime?: number;
  installTime?: number;
  localTs: string[];
  remoteTs: string[];
}

/** An IKE_SA as charon's list-sa reports it. */
export interface IkeSaInfo {
  name: string;
  uniqueId: number;
  version?: number;
  state: string;
  localHost?: string;
  localPort?: number;
  localId?: string;
  remoteHost?: string;
  remotePort?: number;
  remoteId?: string;
  initiator: boolean;
  spiI?: string;
  spiR?: string;
  /** charon sends the nat-* keys only when they are "yes"; absent means false. */
  natLocal: boolean;
  natRemote: boolean;
  natFake: boolean;
  natAny: boolean;
  encrAlg?: string;
  encrKeysize?: number;
  integAlg?: string;
  integKeysize?: number;
  prfAlg?: string;
  dhGroup?: string;
  /** Seconds since established; absent before the SA is up. */
  established?: number;
  rekeyTime?: number;
  /** Absent when reauthentication is off. */
  reauthTime?: number;
  children: ChildSaInfo[];
}

const str = (v: ViciValue | undefined) => (typeof v === 'string' ? v : undefined);
const num = (v: ViciValue | undefined) => {
  const s = str(v);
  if (s === undefined || s === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
};
const yes = (v: ViciValue | undefined) => str(v) === 'yes';
const list = (v: ViciValue | undefined) => (Array.isArray(v) ? v : []);
const section = (v: ViciValue | undefined): ViciMessage => (v && typeof v === 'object' && !Array.isArray(v) ? v : {});

function child(key: string, c: ViciMessage): ChildSaInfo {
  return {
    name: str(c.name) ?? key,
    uniqueId: num(c.uniqueid) ?? 0,
    reqid: num(c.reqid),
    state: str(c.state) ?? 'UNKNOWN',
    mode: str(c.mode),
    protocol: str(c.protocol),
    encap: yes(c.encap),
    spiIn: str(c['spi-in']),
    spiOut: str(c['spi-out']),
    encrAlg: str(c['encr-alg']),
    encrKeysize: num(c['encr-keysize']),
    integAlg: str(c['integ-alg']),
    integKeysize: num(c['integ-keysize']),
    // strongSwan 6 names the key exchange "ke1"/"dh-group" depending on the release.
    dhGroup: str(c['dh-group']) ?? str(c.ke1),
    bytesIn: num(c['bytes-in']),
    packetsIn: num(c['packets-in']),
    useIn: num(c['use-in']),
    bytesOut: num(c['bytes-out']),
    packetsOut: num(c['packets-out']),
    useOut: num(c['use-out']),
    rekeyTime: num(c['rekey-time']),
    lifeTime: num(c['life-time']),
    installTime: num(c['install-time']),
    localTs: list(c['local-ts']),
    remoteTs: list(c['remote-ts']),
  };
}

/**
 * Turns list-sa events (one IKE_SA each, keyed by connection name) into typed SAs. ike-updown and
 * child-updown events carry the same sections next to an `up` key, so plain values are skipped.
 */
export function parseListSas(events: ViciMessage[]): IkeSaInfo[] {
  const out: IkeSaInfo[] = [];
  for (const event of events) {
    for (const [name, value] of Object.entries(event)) {
      if (typeof value !== 'object' || Array.isArray(value)) continue;
      const s = value;
      out.push({
        name,
        uniqueId: num(s.uniqueid) ?? 0,
        version: num(s.version),
        state: str(s.state) ?? 'UNKNOWN',
        localHost: str(s['local-host']),
        localPort: num(s['local-port']),
        localId: str(s['local-id']),
        remoteHost: str(s['remote-host']),
        remotePort: num(s['remote-port']),
        remoteId: str(s['remote-id']),
        initiator: yes(s.initiator),
        spiI: str(s['initiator-spi']),
        spiR: str(s['responder-spi']),
        natLocal: yes(s['nat-local']),
        natRemote: yes(s['nat-remote']),
        natFake: yes(s['nat-fake']),
        natAny: yes(s['nat-any']),
        encrAlg: str(s['encr-alg']),
        encrKeysize: num(s['encr-keysize']),
        integAlg: str(s['integ-alg']),
        integKeysize: num(s['integ-keysize']),
        prfAlg: str(s['prf-alg']),
        dhGroup: str(s['dh-group']) ?? str(s.ke1),
        established: num(s.established),
        rekeyTime: num(s['rekey-time']),
        reauthTime: num(s['reauth-time']),
        children: Object.entries(section(s['child-sas'])).map(([k, c]) => child(k, section(c))),
      });
    }
  }
  return out.sort((a, b) => a.uniqueId - b.uniqueId);
}
