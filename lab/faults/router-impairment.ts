import { FLAP_SCRIPT_PATH, STATE_DIR } from '../lifecycle/state-paths.js';
import { type Direction, DIRECTIONS, type Impairment, isEmptyImpairment } from './impairment.js';

/** The router interface a direction's traffic leaves by (where tc shapes it). */
export const egressOf = (d: Direction) => (d === 'left-to-right' ? 'right' : 'left');
const ingressOf = (d: Direction) => (d === 'left-to-right' ? 'left' : 'right');

/**
 * Shell commands that make the router's impairments exactly `state` (idempotent: earlier
 * impairments are replaced as a whole, never left half-applied). With netem everything is one
 * netem qdisc per egress interface; without it, loss is an nftables random drop and rate a tbf.
 */
export function impairmentScript(state: Record<Direction, Impairment>, netem: boolean): string {
  const lines: string[] = [
    'nft delete table inet lab_impair 2>/dev/null || true',
    // Anchored: this very shell's command line also holds the flap script's name.
    `pkill -f '^sh ${FLAP_SCRIPT_PATH.replace('.', '[.]')}' 2>/dev/null || true`,
    'nft delete table inet lab_flap 2>/dev/null || true',
  ];
  const rules: string[] = [];
  for (const d of DIRECTIONS) {
    const imp = state[d];
    const dev = egressOf(d);
    const match = `iifname "${ingressOf(d)}" oifname "${dev}"`;
    lines.push(`tc qdisc del dev ${dev} root 2>/dev/null || true`);
    if (isEmptyImpairment(imp)) continue;
    if (imp.down) rules.push(`    ${match} drop`);
    if (netem) {
      const args: string[] = [];
      if (imp.delayMs) args.push(`delay ${imp.delayMs}ms${imp.jitterMs ? ` ${imp.jitterMs}ms` : ''}`);
      if (imp.lossPercent) args.push(`loss ${imp.lossPercent}%`);
      if (imp.duplicatePercent) args.push(`duplicate ${imp.duplicatePercent}%`);
      if (imp.reorderPercent) args.push(`reorder ${imp.reorderPercent}%`);
      if (imp.corruptPercent) args.push(`corrupt ${imp.corruptPercent}%`);
      if (imp.rateKbit) args.push(`rate ${imp.rateKbit}kbit`);
      if (args.length) lines.push(`tc qdisc replace dev ${dev} root netem ${args.join(' ')}`);
    } else {
      if (imp.lossPercent) rules.push(`    ${match} numgen random mod 100 < ${imp.lossPercent} drop`);
      if (imp.rateKbit)
        lines.push(
          `tc qdisc replace dev ${dev} root tbf rate ${imp.rateKbit}kbit burst ${Math.max(4, Math.ceil(imp.rateKbit / 64))}kbit latency 400ms`,
        );
    }
  }
  if (rules.length) {
    lines.push(
      `nft -f - <<'NFT'\ntable inet lab_impair {\n  chain forward {\n    type filter hook forward priority -5; policy accept;\n${rules.join('\n')}\n  }\n}\nNFT`,
    );
  }
  const flaps = DIRECTIONS.filter((d) => state[d].flapPeriodS);
  if (flaps.length) {
    // The flap loop lives in the router, so it keeps going after the CLI that started it exits.
    const half = Math.max(...flaps.map((d) => state[d].flapPeriodS!)) / 2;
    const drops = flaps.map((d) => `iifname "${ingressOf(d)}" oifname "${egressOf(d)}" drop`).join('\n    ');
    lines.push(`mkdir -p ${STATE_DIR} && cat > ${FLAP_SCRIPT_PATH} <<'FLAP'
while :; do
  nft -f - <<'NFT'
table inet lab_flap {
  chain forward {
    type filter hook forward priority -4; policy accept;
    ${drops}
  }
}
NFT
  sleep ${half}
  nft delete table inet lab_flap
  sleep ${half}
done
FLAP`);
    lines.push(`nohup sh ${FLAP_SCRIPT_PATH} >/dev/null 2>&1 &`);
  }
  return lines.join('\n');
}
