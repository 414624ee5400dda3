import type { Socket } from 'node:net';
import type { Logger } from '../logger.js';
import { RateLimitedLog } from '../actors/rateLimitedLog.js';
import { parseProxyHeader, PROXY_V1_MAX_LENGTH, PROXY_V2_MAX_LENGTH, type ProxyHeader } from './proxyProtocol.js';

/** `proxyProtocol` on a listener: true for the defaults, or these. */
export interface ProxyProtocolOptions {
  /** Time from accept to a whole header (default 3 s); a balancer writes it at once. */
  headerTimeoutMs?: number;
  /** Largest v2 header taken, fixed part and TLVs (default 1040 bytes). v1 is capped at 107 by the spec. */
  maxV2Length?: number;
  /**
   * Connections waiting for their header at once (default 512). They are not sessions yet, so no
   * admission limit counts them: past this, a new one is closed at once rather than holding a file
   * descriptor for the header timeout. A balancer sends the header with its first packet.
   */
  maxPending?: number;
}

export const DEFAULT_PROXY_MAX_PENDING = 512;

export const DEFAULT_PROXY_HEADER_TIMEOUT_MS = 3000;
/** One refusal line per this interval at most; the rest are counted into the next line. */
const REFUSAL_LOG_INTERVAL_MS = 10_000;

/**
 * Wraps a connection listener: each socket must start with a PROXY header (v1 or v2), read within a
 * time and size bound; the socket is then handed on with the real client as its remote address.
 * A socket without a valid header is destroyed, with at most one log line per interval.
 */
export function acceptingProxyHeader(
  next: (socket: Socket) => void,
  options: boolean | ProxyProtocolOptions,
  logger: Logger,
  kind: string,
): (socket: Socket) => void {
  const {
    headerTimeoutMs = DEFAULT_PROXY_HEADER_TIMEOUT_MS,
    maxV2Length = PROXY_V2_MAX_LENGTH,
    maxPending = DEFAULT_PROXY_MAX_PENDING,
  } = options === true || options === false ? {} : options;
  const refusals = new RateLimitedLog((line) => logger.warn(line), REFUSAL_LOG_INTERVAL_MS);
  let pending = 0;
  return (socket: Socket) => {
    socket.on('error', ignore);
    if (pending >= maxPending) {
      refusals.note('busy', `${kind} PROXY protocol: refused ${socket.remoteAddress ?? 'unknown'}: ${pending} connections already waiting for a header`);
      socket.destroy();
      return;
    }
    pending++;
    let received: Buffer = Buffer.alloc(0);
    const refuse = (why: string) => {
      cleanUp();
      refusals.note('refused', `${kind} PROXY protocol: refused ${socket.remoteAddress ?? 'unknown'}: ${why}`);
      socket.destroy();
    };
    const timer = setTimeout(() => refuse(`no complete header in ${headerTimeoutMs} ms`), headerTimeoutMs);
    const onData = (chunk: Buffer) => {
      received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
      const verdict = parseProxyHeader(received, maxV2Length);
      if (verdict.kind === 'incomplete') {
        // Never reached with the caps above, but the buffer must not grow past them whatever happens.
        if (received.length > Math.max(maxV2Length, PROXY_V1_MAX_LENGTH)) refuse('header too long');
        return;
      }
      if (verdict.kind === 'invalid') {
        refuse(verdict.reason);
        return;
      }
      cleanUp();
      socket.pause();
      const rest = received.subarray(verdict.length);
      if (rest.length > 0) socket.unshift(rest);
      adoptClientAddress(socket, verdict.header);
      next(socket);
      // A taker that read at once (telnet) is let flow; one that resumes by itself later (ssh2, after
      // its crypto is ready) is left to it: data flowing with no listener would be lost.
      if (socket.listenerCount('data') > 0) socket.resume();
    };
    let waiting = true;
    const cleanUp = () => {
      if (waiting) pending--;
      waiting = false;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', cleanUp);
    };
    socket.on('data', onData);
    socket.on('close', cleanUp);
  };
}

/**
 * Makes the socket report the header's client as its peer. Own properties shadow net.Socket's
 * getters, so everything that asks the socket (the telnet transport, ssh2's connection info, the
 * per-address limits, every log line) sees the real client without knowing about the balancer.
 */
function adoptClientAddress(socket: Socket, header: ProxyHeader): void {
  if (header.command === 'LOCAL' || header.source === null) return;
  const family = header.family === 'TCP6' ? 'IPv6' : 'IPv4';
  Object.defineProperty(socket, 'remoteAddress', { value: header.source.address, configurable: true });
  Object.defineProperty(socket, 'remotePort', { value: header.source.port, configurable: true });
  Object.defineProperty(socket, 'remoteFamily', { value: family, configurable: true });
}

function ignore(): void {}
