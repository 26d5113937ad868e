/**
 * Every pre-shared key written in a template, whichever tunnel it belongs to: a customer config
 * holds the keys of all its tunnels, the import keeps one, and the report quotes lines of the
 * others ("not imported"). Recognised by the way each format writes a key, not by the importer,
 * so a key is masked in the reports even where an importer did not mask it.
 */
export function secretsInText(text: string): string[] {
  const found = new Set<string>();
  const add = (raw: string | undefined) => {
    if (raw === undefined) return;
    const v = raw.trim().replace(/^"(.*)"$/s, '$1');
    if (v.length >= 4 && !/^\*+$/.test(v) && !KEYWORDS.has(v.toLowerCase())) found.add(v);
  };
  for (const line of text.split(/\r?\n/)) {
    // ASA/IOS: "ikev1 pre-shared-key K", "ikev2 remote-authentication pre-shared-key K",
    // "pre-shared-key address A key K"; PAN-OS set: "authentication pre-shared-key key K".
    const psk = /\bpre-shared-key\b(?!>)(.*)$/i.exec(line);
    if (psk) add(/("[^"]*"|\S+)\s*$/.exec(psk[1])?.[1]);
    // ASA/IOS: "crypto isakmp key K address A".
    add(/\bcrypto\s+(?:isakmp|ikev1)\s+key\s+(\S+)/i.exec(line)?.[1]);
    // swanctl.conf: "secret = K"; ipsec.secrets: ": PSK K" / ': PSK "K"'.
    add(/^\s*secret\s*=\s*(.+?)\s*$/.exec(line)?.[1]);
    add(/\bPSK\s+("[^"]*"|\S+)/.exec(line)?.[1]);
  }
  // PAN-OS XML: <pre-shared-key><key>K</key></pre-shared-key>, possibly over several lines.
  for (const m of text.matchAll(/<pre-shared-key>\s*<key>([^<]*)<\/key>/g)) add(decodeXml(m[1]));
  // Lab settings JSON: "psk": "K".
  for (const m of text.matchAll(/"psk"\s*:\s*("(?:[^"\\]|\\.)*")/g)) {
    try {
      add(JSON.parse(m[1]) as string);
    } catch {
      /* not a JSON string after all: nothing to mask */
    }
  }
  return [...found];
}

// Words that end a "pre-shared-key" line without being a key (an incomplete command).
const KEYWORDS = new Set(['pre-shared-key', 'key', 'address', 'local', 'remote']);

function decodeXml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
