import type { ChildSaInfo, IkeSaInfo } from '../../../lab/api/contract';

/**
 * The CHILD_SA that carries the tunnel now (INSTALLED, in an ESTABLISHED IKE_SA) and its IKE_SA.
 * Half-open IKE_SAs (a retry on UDP 500 while nothing is up) carry no ESP and say nothing about it.
 */
export function carryingSa(ikeSas: IkeSaInfo[] | undefined): { ike: IkeSaInfo; child: ChildSaInfo } | undefined {
  for (const ike of ikeSas ?? []) {
    if (ike.state !== 'ESTABLISHED') continue;
    const child = ike.children.find((c) => c.state === 'INSTALLED');
    if (child) return { ike, child };
  }
  return undefined;
}

/**
 * How ESP travels, read from the CHILD_SA itself, in words an engineer reads right: nothing while
 * no CHILD_SA is installed; on the libipsec datapath charon always puts ESP in UDP and both peers
 * report the other "behind NAT" (the NAT-D hashes are faked on purpose), which is not a NAT on the path.
 */
export function encapText(
  ikeSas: IkeSaInfo[] | undefined,
  datapath: string | undefined,
  natOnPath: boolean,
): { text: string; title: string } | null {
  const sa = carryingSa(ikeSas);
  if (!sa || !sa.child.encap) return null;
  const { ike } = sa;
  const port = ike.remotePort ?? 4500;
  const seen = [ike.natLocal && 'local', ike.natRemote && 'remote', ike.natFake && 'faked'].filter(Boolean).join('+');
  if (datapath === 'libipsec' && !natOnPath) {
    return {
      text: `ESP in UDP ${port}`,
      title: `CHILD_SA ${sa.child.name} is UDP-encapsulated: the libipsec datapath always encapsulates ESP in UDP; charon's NAT detection says: ${seen || 'none'} (faked on purpose, no NAT on the path)`,
    };
  }
  return {
    text: `${seen ? `NAT ${seen} · ` : ''}ESP in UDP ${port}`,
    title: `CHILD_SA ${sa.child.name} is UDP-encapsulated${seen ? `; charon's NAT detection: ${seen}` : ''}`,
  };
}
