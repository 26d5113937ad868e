/**
 * A rejection that is expected and harmless where it happens (best-effort cleanup, a box that may
 * already be gone), with the reason written at the call. Silent by default; IPSEC_LAB_DEBUG=1 prints
 * what was ignored and why, so a hidden failure can still be found.
 */
export function ignoreRejection(why: string): (error: unknown) => undefined {
  return (error) => {
    if (process.env.IPSEC_LAB_DEBUG) console.error(`ipsec-lab: ignored (${why}):`, error);
    return undefined;
  };
}
