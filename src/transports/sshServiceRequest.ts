import type { Connection } from 'ssh2';
import type { Logger } from '../logger.js';

interface ProtocolInternals {
  _handlers?: Record<string, unknown>;
  serviceAccept?(service: string): void;
}

type ServiceRequestHandler = (protocol: unknown, service: string) => void;

/**
 * Lets a client ask for the `ssh-userauth` service again before it has logged in. ssh2 disconnects
 * ("service not available") on a second request, but clients such as paramiko send one before every
 * authentication call, so a password retried on the same connection never reached the server's check
 * (OpenSSH asks once and was not affected). RFC 4253 section 10 does not forbid asking again; OpenSSH's
 * own server accepts it. A repeat is answered with SERVICE_ACCEPT; anything else stays ssh2's to judge.
 * ssh2 has no option for this, so its connection's protocol handler is wrapped (checked for shape:
 * another ssh2 version without it leaves its behaviour as it is, and the log says so once).
 */
/** Repeated ssh-userauth requests accepted on one connection (paramiko sends one per login attempt). */
export const MAX_REPEATED_REQUESTS = 32;

export function acceptRepeatedUserauthRequest(client: Connection, logger: Logger): void {
  const protocol = (client as unknown as { _protocol?: ProtocolInternals })._protocol;
  const handlers = protocol?._handlers;
  const original = handlers?.SERVICE_REQUEST;
  if (!protocol || !handlers || typeof original !== 'function' || typeof protocol.serviceAccept !== 'function') {
    warnOnce(logger);
    return;
  }
  let asked = false;
  let repeats = 0;
  handlers.SERVICE_REQUEST = (self: unknown, service: string) => {
    const authenticated = (client as unknown as { authenticated?: boolean }).authenticated === true;
    // Bounded: one per login attempt is what a client needs; a flood of requests is ssh2's to end.
    if (asked && service === 'ssh-userauth' && !authenticated && repeats < MAX_REPEATED_REQUESTS) {
      repeats++;
      protocol.serviceAccept!(service);
      return;
    }
    if (service === 'ssh-userauth') asked = true;
    (original as ServiceRequestHandler)(self, service);
  };
}

let warned = false;
function warnOnce(logger: Logger): void {
  if (warned) return;
  warned = true;
  logger.warn('SSH: this ssh2 version has no service-request handler to wrap: clients that ask for ssh-userauth twice (paramiko retrying a password) are disconnected');
}
