/** A lab name unique to this test run, so tests never touch a user's lab or each other's. */
export function testLabName(purpose: string): string {
  return `t-${purpose}-${process.pid.toString(36)}${Math.random().toString(36).slice(2, 5)}`.slice(0, 24);
}
