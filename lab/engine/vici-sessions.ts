import type Docker from 'dockerode';

import { ignoreRejection } from '../common/ignore.js';
import type { GatewayFile } from '../gateway/files.js';
import { connectVici } from '../gateway/vici-link.js';
import type { Side } from '../settings/types.js';
import type { ViciClient } from '../vici/index.js';

/**
 * One VICI session per gateway, opened on first use and dropped when it ends, so the next use
 * reaches the charon that runs now (a restarted gateway is a new VICI peer).
 */
export class ViciSessions {
  private readonly sessions = new Map<Side, Promise<ViciClient>>();

  constructor(
    private readonly docker: Docker,
    private readonly containerOf: (side: Side) => string,
  ) {}

  of(side: Side): Promise<ViciClient> {
    return this.sessions.get(side) ?? this.open(side, []);
  }

  /**
   * A new session with one gateway that first writes `files` into its box (see connectVici); it
   * replaces the gateway's session if there was one. Rejects if the files could not be written.
   */
  openWriting(side: Side, files: GatewayFile[]): Promise<ViciClient> {
    this.forget(side);
    return this.open(side, files);
  }

  private open(side: Side, files: GatewayFile[]): Promise<ViciClient> {
    const client = connectVici(this.docker, this.containerOf(side), files);
    this.sessions.set(side, client);
    client.then(
      (c) => c.closed.finally(() => this.sessions.get(side) === client && this.sessions.delete(side)),
      () => this.sessions.get(side) === client && this.sessions.delete(side),
    );
    return client;
  }

  /** Drops one gateway's session (its charon restarted or stopped answering). */
  forget(side: Side): void {
    const client = this.sessions.get(side);
    this.sessions.delete(side);
    void client?.then((c) => c.close()).catch(ignoreRejection('the connection may never have opened'));
  }

  /** Closes every session (after an engine outage they point at charons that are gone). */
  async forgetAll(): Promise<void> {
    const clients = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(
      clients.map((p) => p.then((c) => c.close()).catch(ignoreRejection('closing a connection that failed to open'))),
    );
  }
}
