import net, { type Socket } from 'node:net';
import ssh2, { type AuthContext, type Connection, type ServerChannel } from 'ssh2';
import type { BoundAddress, ListenOptions } from '../serverFace.js';
import type { ConnectionHost } from './connectionHost.js';
import { ASKED_VARIABLES, MAX_NAME, MAX_VALUE, MAX_VARIABLES } from '../protocol/environment.js';
import { loadOrCreateHostKey } from './hostKey.js';
import { SshTransport, type PtyInfo } from './ssh.js';
import { checkInTurn } from '../actors/loginThrottle.js';
import { isBlankUsername, quoteForLog, usernameProblem } from '../text/sanitize.js';
import { acceptRepeatedUserauthRequest } from './sshServiceRequest.js';
import { resolveSshAlgorithms, type SshAlgorithms } from './sshAlgorithms.js';
import { DEFAULT_MAX_OUTPUT_BUFFER, formatAddress } from './telnet.js';
import { acceptingProxyHeader } from './proxyListener.js';
import { paceSocketInput } from './pacedSocketInput.js';
import { RateLimitedLog } from '../actors/rateLimitedLog.js';

/** A client public key as offered at login. */
export interface SshPublicKey {
  algorithm: string;
  /** The key blob, as in an authorized_keys line (base64 there). */
  data: Buffer;
  /** `algorithm base64`, the authorized_keys form, for easy comparison. */
  openssh: string;
}

/** Each may be async; throw (or reject) to deny. Tried in this order. None defined: any user gets in. */
export interface SshAuthCallbacks {
  authCallbackUsername?(username: string): void | Promise<void>;
  authCallbackKey?(username: string, key: SshPublicKey): void | Promise<void>;
  authCallback?(username: string, password: string): void | Promise<void>;
}

export interface SshListenOptions extends ListenOptions, SshAuthCallbacks {
  /** A private host key (PEM or OpenSSH format). */
  hostKey?: string | Buffer;
  /** Read, or created (ed25519, mode 0600) when missing. Used when `hostKey` is not given. */
  hostKeyFile?: string;
  /** Time from connect to successful login (default 30 s). */
  authTimeoutMs?: number;
  /** Failed login attempts before disconnect (default 6). */
  maxAuthAttempts?: number;
  /** Time a logged-in connection may go without a running shell or exec (default 30 s). */
  channelTimeoutMs?: number;
  /**
   * Session channels open at once on one connection, bare ones (no shell yet) included (default 10,
   * as OpenSSH's MaxSessions); one more is refused.
   */
  maxChannelsPerConnection?: number;
  /** Key exchange, cipher, MAC, host key and compression lists: whole lists, or changes to the defaults. */
  algorithms?: SshAlgorithms;
}

const DEFAULT_AUTH_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_AUTH_ATTEMPTS = 6;
const DEFAULT_CHANNEL_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_CHANNELS_PER_CONNECTION = 10;

/** Binds an SSH listener whose shells and execs run as sessions of `server`. */
export function listenSsh(server: ConnectionHost, options: SshListenOptions): Promise<BoundAddress> {
  const handle = sshConnectionHandler(server, options);
  const onConnection = options.proxyProtocol ? acceptingProxyHeader(handle, options.proxyProtocol, server.logger, 'ssh') : handle;
  return server.listenWith(net.createServer(onConnection), options, 'ssh');
}

/** `(socket) => void` serving SSH on any accepted socket (for `net.createServer`). */
export function sshConnectionHandler(server: ConnectionHost, options: SshListenOptions): (socket: Socket) => void {
  const hostKey = options.hostKey ?? (options.hostKeyFile ? loadOrCreateHostKey(options.hostKeyFile) : undefined);
  if (hostKey === undefined) throw new Error('SSH needs a host key: give hostKey or hostKeyFile');
  const callbacks: SshAuthCallbacks = {
    authCallbackUsername: options.authCallbackUsername,
    authCallbackKey: options.authCallbackKey,
    authCallback: options.authCallback,
  };
  const open = !callbacks.authCallbackUsername && !callbacks.authCallbackKey && !callbacks.authCallback;
  if (open) server.logger.warn('SSH: no authentication callback is defined: any username gets in');
  const ssh = new ssh2.Server({ hostKeys: [hostKey], algorithms: resolveSshAlgorithms(options.algorithms) });
  const authTimeoutMs = options.authTimeoutMs ?? DEFAULT_AUTH_TIMEOUT_MS;
  // One login deadline per connection, from the TCP accept to a successful login. It is kept by the
  // socket because ssh2 reports a connection only once the client's version line has arrived.
  const deadlines = new Map<string, LoginDeadline>();
  // The socket under each connection: its unsent output counts against the output cap.
  const sockets = new Map<string, Socket>();
  // A client may repeat a refused request at line rate: one line per cause a second, the rest counted.
  const refusals: RefusalLog = new RateLimitedLog((line) => server.logger.warn(line));
  ssh.on('connection', (client, info) => {
    const remoteAddress = formatAddress(info.ip, info.port);
    const deadline = deadlines.get(remoteAddress);
    deadlines.delete(remoteAddress);
    if (deadline) deadline.versionSeen = true;
    serveConnection(server, client, remoteAddress, callbacks, open, options, deadline, sockets.get(remoteAddress), refusals);
  });
  ssh.on('error', (err: Error) => server.logger.warn(`SSH server error: ${err.message}`));
  return (socket: Socket) => {
    if (!server.admitSocket(socket)) return; // counted, tracked for close; or refused with a line
    socket.on('error', () => {});
    const remoteAddress = formatAddress(socket.remoteAddress, socket.remotePort);
    const deadline: LoginDeadline = {
      versionSeen: false,
      timer: setTimeout(() => {
        const why = deadline.versionSeen ? 'no login in time' : 'no SSH version line in time';
        server.logger.info(`[ssh ${remoteAddress}] ${why}: disconnecting`);
        socket.destroy();
      }, authTimeoutMs),
    };
    deadlines.set(remoteAddress, deadline);
    sockets.set(remoteAddress, socket);
    socket.once('close', () => {
      clearTimeout(deadline.timer);
      if (deadlines.get(remoteAddress) === deadline) deadlines.delete(remoteAddress);
      if (sockets.get(remoteAddress) === socket) sockets.delete(remoteAddress);
    });
    // ssh2's setup of the connection (its parser, the version line) waits its turn; ssh2 resumes the socket.
    server.startSession(socket, () => {
      paceSocketInput(socket, server.inputBudget);
      ssh.injectSocket(socket);
    });
  };
}

type RefusalLog = RateLimitedLog<'channels' | 'global request' | 'second start'>;

interface LoginDeadline {
  timer: NodeJS.Timeout;
  /** The client's version line came (ssh2 reported the connection): only the login is missing. */
  versionSeen: boolean;
}

function serveConnection(
  server: ConnectionHost,
  client: Connection,
  remoteAddress: string,
  callbacks: SshAuthCallbacks,
  open: boolean,
  options: SshListenOptions,
  deadline: LoginDeadline | undefined,
  socket: Socket | undefined,
  refusals: RefusalLog,
): void {
  const log = server.logger;
  acceptRepeatedUserauthRequest(client, log);
  let username = '';
  let failures = 0;
  const maxAttempts = options.maxAuthAttempts ?? DEFAULT_MAX_AUTH_ATTEMPTS;
  // One check for both places: deny() ends the connection at the limit, and requests the client
  // had already sent are refused without reaching a callback.
  const attemptsExhausted = () => failures >= maxAttempts;
  const end = (why: string) => {
    log.info(`[ssh ${remoteAddress}] ${why}: disconnecting`);
    client.end();
  };
  // After login, the time to ask for a shell or exec.
  let timer: NodeJS.Timeout | null = null;
  const clearTimer = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  // A protocol error ends the connection (ssh2 closes it): one line, so a dropped client is explained.
  client.on('error', (err: Error) => log.info(`[ssh ${remoteAddress}] connection error: ${quoteForLog(err.message, 200)}`));
  let gone = false;
  client.on('close', () => {
    gone = true;
    clearTimer();
  });

  const methods: AuthContext['method'][] = [];
  if (callbacks.authCallbackKey) methods.push('publickey');
  if (callbacks.authCallback) methods.push('keyboard-interactive', 'password');

  client.on('authentication', (ctx) => {
    if (attemptsExhausted()) {
      ctx.reject();
      return;
    }
    const deny = () => {
      failures++;
      if (ctx.method !== 'none') log.info(`[ssh ${remoteAddress}] login failed for ${quoteForLog(ctx.username)} (${ctx.method})`);
      if (attemptsExhausted()) {
        ctx.reject();
        end('too many failed logins');
        return;
      }
      ctx.reject(methods);
    };
    // Every check refuses a name no other user may be shown; a guess (not a key query) waits for
    // its address's turn in the login throttle shared with telnet, and its failure slows the address.
    const attempt = (check: () => void | Promise<void>, guess = true) => {
      const checked = () => {
        const problem = usernameProblem(ctx.username);
        if (problem !== null) {
          log.info(`[ssh ${remoteAddress}] username refused: ${problem}: ${quoteForLog(ctx.username)}`);
          throw new Error(problem);
        }
        return check();
      };
      (guess ? checkInTurn(server.loginThrottle, remoteAddress, checked, () => gone) : Promise.resolve().then(checked))
        .then(
          () => {
            username = ctx.username;
            ctx.accept();
          },
          deny,
        );
    };
    // No name at all is refused whatever the method, before any callback or the throttle (as telnet
    // asks again without counting it); it still counts towards this connection's attempts.
    if (isBlankUsername(ctx.username)) {
      log.info(`[ssh ${remoteAddress}] username refused: usernames may not be empty`);
      return deny();
    }
    if (open) {
      if (usernameProblem(ctx.username) !== null) return deny();
      username = ctx.username;
      ctx.accept();
      return;
    }
    switch (ctx.method) {
      case 'none':
        if (callbacks.authCallbackUsername) attempt(() => callbacks.authCallbackUsername!(ctx.username));
        else ctx.reject(methods); // just asking which methods exist: not a failure
        return;
      case 'publickey': {
        if (!callbacks.authCallbackKey) return deny();
        const key: SshPublicKey = {
          algorithm: ctx.key.algo,
          data: ctx.key.data,
          openssh: `${ctx.key.algo} ${ctx.key.data.toString('base64')}`,
        };
        const signed = Boolean(ctx.signature);
        attempt(async () => {
          await callbacks.authCallbackKey!(ctx.username, key);
          // Without a signature the client only asks whether the key would do.
          if (ctx.signature) {
            const parsed = ssh2.utils.parseKey(ctx.key.data);
            if (parsed instanceof Error || Array.isArray(parsed)) throw new Error('unreadable public key');
            if (!ctx.blob || parsed.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) throw new Error('bad signature');
          }
        }, signed);
        return;
      }
      case 'password':
        if (!callbacks.authCallback) return deny();
        attempt(() => callbacks.authCallback!(ctx.username, ctx.password));
        return;
      case 'keyboard-interactive':
        if (!callbacks.authCallback) return deny();
        ctx.prompt([{ prompt: 'Password: ', echo: false }], (answers) => {
          attempt(() => callbacks.authCallback!(ctx.username, answers[0] ?? ''));
        });
        return;
      default:
        deny();
    }
  });

  const maxChannels = options.maxChannelsPerConnection ?? DEFAULT_MAX_CHANNELS_PER_CONNECTION;
  const maxOutputBuffer = server.maxOutputBuffer ?? DEFAULT_MAX_OUTPUT_BUFFER;
  /** Session channels open on this connection, bare ones included; shells and execs running. */
  let channels = 0;
  let running = 0;
  const waitForChannel = () => {
    clearTimer();
    // The last channel's session may end after the connection has gone (a client that just vanished).
    if (gone) return;
    timer = setTimeout(() => end('no shell or exec requested in time'), options.channelTimeoutMs ?? DEFAULT_CHANNEL_TIMEOUT_MS);
  };

  client.on('ready', () => {
    if (deadline) clearTimeout(deadline.timer);
    waitForChannel();
    client.on('session', (acceptSession, rejectSession) => {
      if (channels >= maxChannels) {
        refusals.note('channels', `[ssh ${remoteAddress}] channel refused: more than ${maxChannels} session channels on one connection`);
        rejectSession();
        return;
      }
      channels++;
      const session = acceptSession();
      // The client's close (or our transport's end, for a client that never answers ours) frees the place.
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        channels--;
      };
      session.once('close', () => {
        release();
        if (!transport) forgetBareChannel(client, session);
      });
      let pty: PtyInfo | null = null;
      let transport: SshTransport | null = null;
      const environment = new Map<string, string>();
      const start = (stream: ServerChannel, execCommand: string | null) => {
        clearTimer();
        running++;
        transport = new SshTransport({
          stream,
          username,
          remoteAddress,
          pty,
          execCommand,
          environment,
          maxOutputBuffer,
          connectionBacklog: () => socket?.writableLength ?? 0,
          dropConnection: () => socket?.destroy(),
          onClose: () => {
            release();
            running--;
            // The connection stays for more channels (OpenSSH connection sharing), within the timeout.
            if (running === 0) waitForChannel();
          },
        });
        server.serve(transport);
      };
      session.on('pty', (accept, reject, info) => {
        if (transport) return reject?.();
        pty = { term: info.term || 'ansi', width: info.cols || 80, height: info.rows || 24 };
        accept?.();
      });
      session.on('window-change', (accept, _reject, info) => {
        if (transport) transport.resize(info.cols, info.rows);
        else if (pty) Object.assign(pty, { width: info.cols, height: info.rows });
        accept?.();
      });
      session.on('env', (accept, reject, info) => {
        if (!transport && acceptEnvironment(environment, info.key, info.val)) accept?.();
        else reject?.();
      });
      // One shell or exec per channel (RFC 4254 6.5): a second one is refused, the first goes on.
      const startOnce = (accept: () => ServerChannel | undefined, reject: (() => void) | undefined, execCommand: string | null) => {
        if (transport) {
          refusals.note('second start', `[ssh ${remoteAddress}] refused a second shell or exec on one channel`);
          reject?.();
          return;
        }
        const stream = accept();
        if (stream) start(stream, execCommand);
      };
      session.on('shell', (accept, reject) => startOnce(accept, reject, null));
      session.on('exec', (accept, reject, info) => startOnce(accept, reject, info.command));
      // No listeners for subsystem (sftp), x11 or auth-agent: ssh2 refuses those requests.
    });
    // Port forwarding both ways is refused: this is a console, not a tunnel.
    client.on('request', (_accept, reject, name) => {
      refusals.note('global request', `[ssh ${remoteAddress}] refused global request ${quoteForLog(name)}`);
      reject?.();
    });
    client.on('tcpip', (_accept, reject) => reject());
  });
}

/**
 * ssh2 keeps a session channel that never started a shell in its channel table after the client has
 * closed it (it reports the close, but frees only started channels): without this, a client opening
 * and closing bare channels in a loop would grow that table without bound.
 */
function forgetBareChannel(client: Connection, session: object): void {
  const table = (client as unknown as { _chanMgr?: { remove?(id: number): void } })._chanMgr;
  const id = (session as { _chanInfo?: { incoming?: { id?: unknown } } })._chanInfo?.incoming?.id;
  if (typeof table?.remove === 'function' && typeof id === 'number') table.remove(id);
}

/**
 * An SSH `env` request, under the rules of NEW-ENVIRON: only the names the telnet side asks for
 * (LANG, TERM, COLUMNS, LINES; never USER or any identity), names and values cut to the same sizes.
 */
export function acceptEnvironment(variables: Map<string, string>, name: string, value: string): boolean {
  if (!(ASKED_VARIABLES as readonly string[]).includes(name) || name.length > MAX_NAME) return false;
  if (!variables.has(name) && variables.size >= MAX_VARIABLES) return false;
  variables.set(name, value.slice(0, MAX_VALUE));
  return true;
}
