import { otherSide, parseCidr, peerAddressOf, siteAddresses, trafficSelectors } from '../settings/addresses.js';
import type { LabSettings, Side } from '../settings/types.js';

function holds(selector: string, address: string): boolean {
  const a = parseCidr(`${address}/32`);
  const c = parseCidr(selector.includes('/') ? selector : `${selector}/32`);
  if (!a || !c) return false;
  const mask = c.prefix === 0 ? 0 : (0xffffffff << (32 - c.prefix)) >>> 0;
  return (a.network & mask) >>> 0 === c.network;
}

/**
 * Whether a gateway's remote traffic selectors hold its own IKE traffic: the 0.0.0.0/0 of a
 * route-based tunnel (ASA VTI, a PAN-OS tunnel interface without proxy IDs) or an "any" encryption
 * domain, which covers the peer's address and this gateway's own WAN. On the devices routing decides
 * what enters such a tunnel; a strongSwan gateway must be told to keep its own packets (IKE, the
 * lab's VXLAN links, replies to its LAN) out of it (see charonSettingsTree).
 */
export function isRoutedTunnel(settings: LabSettings, side: Side): boolean {
  const remote = trafficSelectors(settings, side).remote;
  const own = [peerAddressOf(settings, side), siteAddresses(settings, side).gatewayWan];
  // The peer's own WAN address too: what the other gateway really uses when peerAddress is a placeholder.
  own.push(siteAddresses(settings, otherSide(side)).gatewayWan);
  return remote.some((ts) => own.some((a) => holds(ts, a)));
}
