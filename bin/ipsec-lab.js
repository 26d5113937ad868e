#!/usr/bin/env node
// The CLI runs the TypeScript sources directly through tsx, so `npx ipsec-lab` works right after
// `npm install` with no build step.
import { register } from 'tsx/esm/api';
register();
// `ipsec-lab status | head` closes the pipe early: that is not an error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
const { main } = await import('../lab/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
