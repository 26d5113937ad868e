import { Duplex, PassThrough } from 'node:stream';

import type Docker from 'dockerode';

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs a command in a container and collects its output (Docker's 8-byte frames demultiplexed). */
export async function execIn(
  docker: Docker,
  container: string,
  cmd: string[],
  opts: { timeoutMs?: number; stdin?: string } = {},
): Promise<ExecResult> {
  const exec = await docker
    .getContainer(container)
    .exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true, AttachStdin: opts.stdin !== undefined });
  const stream = await exec.start({ hijack: true, stdin: opts.stdin !== undefined });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  docker.modem.demuxStream(stream, stdout, stderr);
  if (opts.stdin !== undefined) stream.end(opts.stdin);
  await new Promise<void>((resolve, reject) => {
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          stream.destroy();
          reject(new Error(`${cmd.join(' ')} in ${container} timed out after ${opts.timeoutMs} ms`));
        }, opts.timeoutMs)
      : undefined;
    stream.on('end', () => {
      clearTimeout(timer);
      resolve();
    });
    stream.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
    stream.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
  const info = await exec.inspect();
  return {
    exitCode: info.ExitCode ?? -1,
    stdout: Buffer.concat(out).toString('utf8'),
    stderr: Buffer.concat(err).toString('utf8'),
  };
}

/** Like execIn, but throws with the command's stderr when it exits non-zero. */
export async function execOk(
  docker: Docker,
  container: string,
  cmd: string[],
  opts: { timeoutMs?: number; stdin?: string } = {},
): Promise<string> {
  const r = await execIn(docker, container, cmd, opts);
  if (r.exitCode !== 0)
    throw new Error(
      `\`${cmd.join(' ')}\` failed in ${container} (exit ${r.exitCode}): ${(r.stderr || r.stdout).trim()}`,
    );
  return r.stdout;
}

/**
 * A byte stream to a long-running command in a container (stdin in, stdout out). This is how the
 * engine reaches charon's VICI socket: through the engine's API, with no published port, so it
 * works the same with Docker Desktop and remote engines.
 */
export async function execStream(
  docker: Docker,
  container: string,
  cmd: string[],
  /** The command's own environment ("NAME=value"): unlike the box's, `docker inspect` never shows it. */
  env: string[] = [],
): Promise<{ stream: Duplex; stderr: PassThrough }> {
  const exec = await docker
    .getContainer(container)
    .exec({ Cmd: cmd, Env: env, AttachStdin: true, AttachStdout: true, AttachStderr: true });
  const socket = await exec.start({ hijack: true, stdin: true });
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  docker.modem.demuxStream(socket, stdout, stderr);
  socket.on('end', () => {
    stdout.end();
    stderr.end();
  });
  socket.on('close', () => {
    stdout.end();
    stderr.end();
  });
  socket.on('error', (e: Error) => stdout.destroy(e));
  const stream = Duplex.from({ readable: stdout, writable: socket });
  stream.on('close', () => socket.destroy());
  return { stream, stderr };
}
