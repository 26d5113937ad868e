/**
 * What marks a vendor note as IKEv1 or IKEv2 talk, and the role check for IKEv1 main-mode states:
 * shared by the knowledge specs (the table, and the views of diagnosed logs).
 */

/** ASA terms that only exist for IKEv1: main-mode states, IKEv1 show/config commands, 713xxx syslogs. */
export const IKEV1_ONLY_ASA: RegExp[] = [
  /MM_(WAIT_MSG\d|ACTIVE)/,
  /AM_ACTIVE/,
  /show crypto ikev1/,
  /show crypto isakmp sa/,
  /ikev1 pre-shared-key/,
  /crypto ikev1 policy/,
  /ikev1 transform-set/,
  /%ASA-\d-713\d{3}/,
  /crypto isakmp nat-traversal/,
  /phase1-mode|am-disable/,
];

/** ASA terms that only exist for IKEv2: its SA states, show/debug/config commands, 750xxx syslogs. */
export const IKEV2_ONLY_ASA: RegExp[] = [
  /IN-NEG/,
  /`READY`/,
  /show crypto ikev2/,
  /debug crypto ikev2/,
  /%ASA-\d-750\d{3}/,
  /ikev2 (remote|local)-authentication/,
  /crypto ikev2 policy/,
  /ikev2 ipsec-proposal/,
];

/** PAN-OS IKEv1 wording: phase-1/phase-2 system log texts and events, main/quick mode, IKEv1 options. */
export const IKEV1_ONLY_PAN: RegExp[] = [
  /IKE phase[- ]\d negotiation/,
  /ike-nego-p\d/,
  /, (main|quick|aggressive) mode/,
  /Exchange Mode/,
  /IKEv1 > Dead Peer Detection/,
];

/** PAN-OS IKEv2 wording: IKE SA / child SA system log texts and events, liveness check, IKEv2 exchanges. */
export const IKEV2_ONLY_PAN: RegExp[] = [
  /IKEv2 (IKE|child) SA/,
  /ikev2-nego/,
  /Liveness Check/,
  /IKE_AUTH|IKE_SA_INIT|CREATE_CHILD_SA/,
];

/**
 * Throws unless every MM_WAIT_MSGn in the text follows a role word of its parity within the same
 * sentence: an initiator waits for MSG2/4/6 (it sent 1/3/5), a responder for MSG3/5.
 */
export function checkRoleStates(text: string): void {
  for (const sentence of text.split(/\n|(?<=\.)\s+(?=[A-Z])/)) {
    let role: 'initiator' | 'responder' | undefined;
    for (const m of sentence.matchAll(/\b(initiat\w*|respond\w*)|MM_WAIT_MSG(\d)/g)) {
      if (m[1]) {
        role = m[1].startsWith('initiat') ? 'initiator' : 'responder';
        continue;
      }
      const n = Number(m[2]);
      if (role === 'initiator' && n % 2 !== 0)
        throw new Error(`an initiator does not wait in MM_WAIT_MSG${n}: ${sentence}`);
      if (role === 'responder' && n % 2 !== 1)
        throw new Error(`a responder does not wait in MM_WAIT_MSG${n}: ${sentence}`);
    }
  }
}
