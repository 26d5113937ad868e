/** Facts read from Cisco ASA and Palo Alto logs (asa-log.ts, pan-log.ts); `value` keeps the device's words. */
export type DeviceEventKind =
  | 'dev-initiate' // this device starts phase 1 (ASA 713041 "IKE Initiator: New Phase 1", 750001)
  | 'dev-isakmp-msg' // ASA debug IKE_DECODE SENDING/RECEIVED/RESENDING: value = direction, payloads
  | 'dev-p1-up' // phase 1 / IKE SA established (ASA 713119, 750006; PAN phase-1 succeeded)
  | 'dev-p2-up' // phase 2 / IPsec SA established (ASA 713120, 602303, 713049; PAN phase-2 succeeded)
  | 'dev-p1-down' // IKE SA down with a reason (ASA 750007, 713259, 113019)
  | 'dev-timeout' // negotiation gave up unanswered (PAN "due to timeout", ASA max retransmissions); exchange = p1|p2
  | 'dev-retransmit' // a request resent (ASA RESENDING, IKEv2 "Retransmitting packet")
  | 'dev-proposal' // no proposal in common; exchange = p1|p2, value = the attribute class when named
  | 'dev-dh-mismatch' // phase 1 DH group differs (ASA "Mismatched attribute types for class Group Description")
  | 'dev-auth-failed' // pre-shared key / authentication failed
  | 'dev-id-mismatch' // the peer's IKE identity is not the one configured for it (PAN "received ID_I ... does not match peers id")
  | 'dev-proxy-mismatch' // proxy IDs / crypto ACL / traffic selectors not mirrored
  | 'dev-no-peer-config' // no gateway/tunnel-group for the peer's address (PAN "Couldn't find configuration")
  | 'dev-dpd-dead' // DPD / keepalive declared the peer dead (ASA 713123, PAN DPD)
  | 'dev-p2-failed' // phase 2 failed without a named reason (ASA "QM FSM error")
  | 'dev-notify'; // a notify received (value = its name: INVALID_COOKIE, NO_PROPOSAL_CHOSEN, ...)
