import type { IkeSaInfo } from '../../../lab/api/contract';

/**
 * How ESP travels, in words an engineer reads right: on the libipsec datapath charon always puts
 * ESP in UDP and both peers report the other "behind NAT" (the NAT-D hashes are faked on
 * purpose), which is not a NAT on the path.
 */
export function encapText(
  ike: IkeSaInfo,
  datapath: string | undefined,
  natOnPath: boolean,
): { text: string; title: string } | null {
  if (!ike.natAny && !ike.natFake) return null;
  const seen = [ike.natLocal && 'local', ike.natRemote && 'remote', ike.natFake && 'faked'].filter(Boolean).join('+');
  if (datapath === 'libipsec' && !natOnPath) {
    return {
      text: `ESP in UDP ${ike.remotePort}`,
      title: `the libipsec datapath always encapsulates ESP in UDP; charon's NAT detection says: ${seen} (faked on purpose, no NAT on the path)`,
    };
  }
  return { text: `NAT ${seen} · UDP ${ike.remotePort}`, title: "charon's NAT detection: ESP in UDP" };
}
