/** Where the router can capture: its left or right WAN interface, or both. */
export type CaptureInterface = 'left' | 'right' | 'any';
export const CAPTURE_INTERFACES: readonly CaptureInterface[] = ['left', 'right', 'any'];
