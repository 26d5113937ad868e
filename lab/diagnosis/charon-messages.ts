/**
 * How charon's messages begin (a data table). A message-only line (journald without tags, a
 * program relaying charon, text pasted without any prefix) has no form of its own but its words: a
 * line is taken as charon's when its first two words open one of charon's messages (from
 * strongSwan's sources at the default log levels; '*' stands for a name, number or address).
 * Lines the rules use are classified anyway (events.ts); this only keeps the other charon lines from
 * being counted as "not recognised".
 */
const OPENINGS = `
activating *|activating new|added vici|assigning new|assigning virtual|authentication of|CHILD_SA *|CHILD_SA closed
CHILD_SA rekeying|candidate *|certificate status|checking certificate|closing CHILD_SA|closing expired|configured proposals
could not|created TUN|creating delete|creating rekey|creating roam|crl correctly|crl is|DH group|DPD check|delay closing
delaying task|deleting IKE_SA|deleting half|deleting policy|destroying IKE_SA|destroying duplicate|detected rekeying
dropped capabilities|EAP method|EAP-MS-CHAPv2 succeeded|error installing|error writing|establishing CHILD_SA
establishing IKE_SA|establishing connection|executing start|executing stop|expanding file|failed to|forwarding multicast
found matching|generating *|getting a|getting iface|giving up|got additional|IKE_SA *|IKE_SA deleted|ignore malformed
ignoring request|inbound CHILD_SA|initiating *|initiating Aggressive|initiating IKE_SA|initiating Main|install DNS
installed bypass|installing DNS|installing new|invalid HASH_V1|invalid ID_V1|joining forecast|key exchange|known interfaces
let rekeyed|listening for|loaded IKE|loaded certificate|loaded plugins|loaded private|loading ca|loading aa|loading ocsp
loading attribute|loading crls|loading secrets|local endpoint|local host|looking for|maximum IKE_SA|message parsing
no IDi|no IKE|no acceptable|no config|no local|no matching|no peer|no proposal|no shared|no trusted|not sending
nothing to|opening triplet|outbound CHILD_SA|parsed *|peer didn't|peer not|peer requested|peer supports|processing *
proposal matches|proposing traffic|queueing *|reached self-signed|received *|received AUTHENTICATION_FAILED|received DELETE
received DPD|received FRAGMENTATION|received NAT-T|received XAuth|received cert|received end|received fragment
received issuer|received netlink|received packet|received proposals|received retransmit|received stroke|received supported
reinitiating already|rekeyed CHILD_SA|remote endpoint|remote host|removed vici|replaced vici|restarting CHILD_SA
retransmit *|retrying IKE_SA|scheduling CHILD_SA|scheduling reauthentication|scheduling rekeying|selected peer
selected proposal|selecting proposal|selecting traffic|sending DELETE|sending DPD|sending FRAGMENTATION|sending NAT-T
sending XAuth|sending cert|sending end|sending issuer|sending keep|sending packet|sending retransmit|sending supported
server requested|spawning *|splitting IKE|Starting IKE|Starting charon-systemd|SIGTERM received|SIGINT received
successfully created|tried *|traffic selectors|unable to|updated vici|using certificate|using cached|using forecast
using host|using trusted|vici client|vici initiate|vici initiating|vici terminate|waiting for|TS *|no acceptable traffic
checking certificate-based|constraint check|IDir *|received HASH|integrity check|peer supports MOBIKE`;

const KEYS: ReadonlySet<string> = new Set(
  OPENINGS.split(/[|\n]/)
    .map((k) => k.trim())
    .filter(Boolean),
);

/** "1.2.3.4 is initiating an IKE_SA", "moon is initiating a Main Mode IKE_SA". */
const INITIATING_RE = /^\S+ is initiating an? (?:IKE_SA|Main Mode IKE_SA|Aggressive Mode IKE_SA)/;

/** Whether a message without any prefix opens the way one of charon's messages does. */
export function isCharonMessage(msg: string): boolean {
  const words = msg.trim().split(/\s+/, 2);
  if (!words[0]) return false;
  const second = (words[1] ?? '').replace(/,$/, '');
  // '*' stands for what is not a plain lower-case word: a name, an exchange, a number, an address.
  if (KEYS.has(`${words[0]} ${second}`)) return true;
  return (!/^[a-z][a-z-]*$/.test(second) && KEYS.has(`${words[0]} *`)) || INITIATING_RE.test(msg);
}
