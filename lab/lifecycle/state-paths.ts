/**
 * Where a lab keeps its own state, inside its router box (so `break` in one terminal and `fix` in
 * another, or the app and the CLI, all see the same lab). tmpfs: it dies with the lab.
 */
export const STATE_DIR = '/run/ipsec-lab';
/** The settings the lab runs (what `up` or the last applied change wrote). */
export const SETTINGS_PATH = `${STATE_DIR}/settings.json`;
/** The faults and impairments applied now. */
export const FAULTS_PATH = `${STATE_DIR}/faults.json`;
/** Which process owns the lab (attached labs are removed when it dies). */
export const OWNER_PATH = `${STATE_DIR}/owner.json`;
/** The link-flap loop's script while a flap impairment runs. */
export const FLAP_SCRIPT_PATH = `${STATE_DIR}/lab-flap.sh`;
