// A TelnetProtocol with every callback recorded, for the sans-IO negotiation tests: events as lines in
// `log`, each send's bytes in `sent`, the protocol's own log lines in `logLines`.
import { TelnetProtocol } from '../../src/protocol/telnetProtocol.js';
import type { TelnetOption } from '../../src/protocol/telnetOption.js';

const IAC = 255, SB = 250, SE = 240;

/** IAC SB option payload IAC SE; string parts are latin1 bytes. */
export const sb = (option: number, ...payload: Array<number | string>) => [
  IAC, SB, option, ...payload.flatMap((part) => (typeof part === 'string' ? [...Buffer.from(part, 'latin1')] : [part])), IAC, SE,
];

export function harness(extensions: TelnetOption[] = []) {
  const log: string[] = [];
  const logLines: string[] = [];
  const sent: number[][] = [];
  const protocol = new TelnetProtocol({
    send: (bytes) => sent.push([...bytes]),
    data: (bytes) => log.push(`data ${Buffer.from(bytes).toString()}`),
    terminalType: (name) => log.push(`term ${name}`),
    windowSize: (w, h) => log.push(`size ${w}x${h}`),
    negotiated: () => log.push('negotiated'),
    interrupt: () => log.push('interrupt'),
    eraseCharacter: () => log.push('ec'),
    eraseLine: () => log.push('el'),
    environment: (variables) => log.push(`env ${JSON.stringify(Object.fromEntries(variables))}`),
    charset: (charset) => log.push(`charset ${charset}`),
    logout: () => log.push('logout'),
    echoRefused: () => log.push('echo refused'),
    log: (level, message) => logLines.push(`${level} ${message}`),
  }, { extensions });
  return { protocol, log, sent, logLines };
}
