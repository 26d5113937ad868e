/**
 * The fault catalogue's texts (what a fault changes, its symptoms) are written for the default lab:
 * LANs 10.1.0.0/24 and 10.2.0.0/24, WANs 198.51.100.0/24 and 203.0.113.0/24. A lab on the
 * customer's addressing shows them with its own: a default subnet is the lab's; an address or subnet inside one
 * moves by the same offset into the lab's subnet; a subnet that holds a default subnet becomes
 * the same-sized supernet of the lab's. Anything else (10.99.0.0/24, a documentation address) is
 * left as written.
 */
import { formatIPv4, parseCidr } from '../settings/addresses.js';
import { defaultSettings } from '../settings/defaults.js';
import { type LabSettings, SIDES } from '../settings/types.js';

const IPV4 = /(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3})(\/\d{1,2})?(?![\d.]*\d)/g;
const mask = (prefix: number) => (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);

export function localizeAddresses(text: string, settings: LabSettings): string {
  const defaults = defaultSettings();
  const moves = SIDES.flatMap((side) =>
    (['lan', 'wan'] as const).map((key) => ({
      from: parseCidr(defaults[side][key])!,
      to: parseCidr(settings[side][key])!,
    })),
  ).filter((m) => m.from.network !== m.to.network || m.from.prefix !== m.to.prefix);
  if (!moves.length) return text;
  return text.replace(IPV4, (whole, ip: string, suffix: string | undefined) => {
    const prefix = suffix ? Number(suffix.slice(1)) : 32;
    const c = parseCidr(`${ip}/${prefix}`);
    if (!c) return whole;
    const addr = parseCidr(`${ip}/32`)!.network;
    for (const { from, to } of moves) {
      // The default subnet itself is the lab's subnet, whatever its size.
      if (suffix && prefix === from.prefix && addr === from.network) return `${formatIPv4(to.network)}/${to.prefix}`;
      if (prefix >= from.prefix && (addr & mask(from.prefix)) >>> 0 === from.network) {
        const offset = addr - from.network;
        if (prefix < to.prefix || offset >= 2 ** (32 - to.prefix)) return whole;
        return formatIPv4((to.network + offset) >>> 0) + (suffix ?? '');
      }
      if (prefix < from.prefix && (from.network & mask(prefix)) >>> 0 === c.network && to.prefix >= prefix)
        return `${formatIPv4((to.network & mask(prefix)) >>> 0)}/${prefix}`;
    }
    return whole;
  });
}
