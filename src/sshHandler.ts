import type { Socket } from 'node:net';
import type { HandlerClass } from './actors/session.js';
import { defaultServerFor } from './defaultServer.js';
import { TelnetHandler } from './handler.js';
import { sshConnectionHandler, type SshPublicKey } from './transports/sshListener.js';

const handles = new WeakMap<Function, (socket: Socket) => void>();

/**
 * The seed's SSHHandler: set `hostKey` and `telnetHandler`, define any of the three auth callbacks
 * (tried in order: username, key, password; throw to deny; none defined means any user gets in), and
 * serve `MySSH.streamserverHandle` with `net.createServer`. The TelnetHandler's own login is skipped:
 * SSH has authenticated the user, who becomes `username`.
 */
export class SSHHandler {
  /** The private host key (PEM / OpenSSH), e.g. `getRsaKeyFile('server_fingerprint.key')`. */
  hostKey: string | Buffer | undefined = undefined;
  /** The handler every shell and exec runs. */
  telnetHandler: HandlerClass = TelnetHandler;
  authCallbackUsername?(username: string): void | Promise<void>;
  authCallbackKey?(username: string, key: SshPublicKey): void | Promise<void>;
  authCallback?(username: string, password: string): void | Promise<void>;

  /** `(socket) => void` for `net.createServer`; sessions join the telnet handler's default server. */
  static get streamserverHandle(): (socket: Socket) => void {
    let handle = handles.get(this);
    if (!handle) {
      const config = new this();
      if (config.hostKey === undefined) throw new Error(`${this.name}.hostKey is not set`);
      handle = sshConnectionHandler(defaultServerFor(config.telnetHandler), {
        hostKey: config.hostKey,
        authCallbackUsername: config.authCallbackUsername?.bind(config),
        authCallbackKey: config.authCallbackKey?.bind(config),
        authCallback: config.authCallback?.bind(config),
      });
      handles.set(this, handle);
    }
    return handle;
  }
}
