/**
 * What an input looks like when its lines are not what the diagnosis reads: a few words for the
 * "N of M lines not recognised; this looks like ..." note. Judged by the lines' own marks (a
 * config's keywords, another IKE daemon's name, a capture's packet lines); the most common wins.
 */

interface Kind {
  what: string;
  re: RegExp;
}

const KINDS: Kind[] = [
  {
    what: 'a Cisco ASA configuration, not a log (import it with `ipsec-lab import FILE`)',
    re: /^\s*(?:crypto (?:map|ikev[12]|isakmp|ipsec)|tunnel-group \S+ (?:type|ipsec-attributes|general-attributes)|(?:ikev[12] )?(?:remote|local)-authentication|object(?:-group)? network|access-list \S+ extended|nat \(\S+,\S+\)|group-policy |isakmp keepalive|pre-shared-key )/,
  },
  {
    what: 'a swanctl.conf, not a log (give both with --left-conf and --right-conf)',
    re: /^\s*(?:connections|secrets|children|pools|authorities|local(?:-\w+)?|remote(?:-\w+)?|ike-\w+|eap-\w+) \{|^\s*(?:local_ts|remote_ts|local_addrs|remote_addrs|esp_proposals|proposals|start_action|dpd_action|auth|secret|id) = /,
  },
  {
    what: 'an ipsec.conf, not a log (import it with `ipsec-lab import FILE`)',
    re: /^\s*(?:conn \S+|config setup)$|^\s+(?:left|right)(?:subnet|id|auth|sourceip)?=|^\s+(?:ike|esp|keyexchange|auto|dpdaction)=/,
  },
  {
    what: 'a Palo Alto configuration, not a log or show output',
    re: /^\s*set network (?:ike|tunnel)|<(?:ike-gateway|ipsec-crypto-profiles|ike-crypto-profiles|proxy-id)\b/,
  },
  {
    what: 'Cisco ASA messages this tool does not read (it reads IKE/IPsec syslog, debug crypto and show crypto)',
    re: /%ASA-\d-\d{6}|%FTD-\d-\d{6}/,
  },
  { what: 'a Cisco IOS router log (not an ASA)', re: /%CRYPTO-\d-|%IKEV2-\d-|ISAKMP:\(\d+\)|IKEv2:\(SESSION ID/ },
  {
    what: 'a Palo Alto log this tool does not read',
    re: /\[(?:PNTF|PERR|PWRN|INFO|DEBG)\]:|ikemgr|keymgr|ike-nego-|ike-dpd/,
  },
  {
    what: 'a Libreswan/Openswan (pluto) log, not strongSwan',
    re: /\bpluto\[\d+\]|\bSTATE_(?:MAIN|QUICK|PARENT|V2)_[IR]\d|^"[^"]+"(?:\[\d+\])? #\d+: |libreswan|Openswan/,
  },
  { what: 'a racoon (ipsec-tools) log, not strongSwan', re: /\bracoon(?:\[\d+\])?:|isakmp\.c:\d+|ipsec_doi\.c/ },
  {
    what: 'a packet capture printout (tcpdump/tshark), not a log',
    re: /^\d\d:\d\d:\d\d\.\d+ IP6? \S+ > \S+: |\bisakmp(?:-nat-t)?(?: \d\.\d)? ?\w*:|ESP\(spi=0x|UDP-encap: ESP/,
  },
  { what: 'a FortiGate log', re: /\blogid=\d+ type=event subtype=vpn|\bike \d+:.*:\d+: |devname=/ },
  { what: 'a MikroTik RouterOS log', re: /\bipsec,(?:error|info|debug)\b/ },
  { what: 'a Windows event log (RasMan/IKEEXT)', re: /\b(?:RasClient|RasMan|IKEEXT|CoId=\{|Event ID)\b/ },
  { what: 'an OpenVPN or WireGuard log, not IPsec', re: /\bopenvpn\b|\bwireguard\b|\bwg-quick\b/i },
  { what: 'HTML', re: /^\s*<(?:!DOCTYPE|html|head|body|div|span|p|table|tr|td|script)\b/i },
];

/** A few words on what the sampled lines look like; `read` is what else was read in the same input. */
export function sniff(sample: string[], read: string[]): string {
  const score = new Map<Kind, number>();
  let binary = 0;
  for (const line of sample) {
    if (/[\x00-\x08\x0e-\x1f\ufffd]/.test(line)) binary++;
    for (const k of KINDS) if (k.re.test(line)) score.set(k, (score.get(k) ?? 0) + 1);
  }
  let best: Kind | undefined;
  for (const [k, n] of score) if (!best || n > score.get(best)!) best = k;
  if (binary > sample.length / 2) return 'binary data, not text';
  if (best && score.get(best)! * 4 >= sample.length) return best.what;
  if (read.length) return 'lines this tool does not read among the ones it did (comments, other programs, edits)';
  return 'text that is neither a strongSwan log, an SA listing, nor Cisco ASA or Palo Alto output this tool reads';
}
