import type { TerminalEvents } from '../../src/transports/terminalTransport.js';

/** A transport's listener that ignores everything but what `handlers` give (typed input, usually). */
export function terminalEvents(handlers: Partial<TerminalEvents>): TerminalEvents {
  return {
    data() {},
    terminalChanged() {},
    negotiated() {},
    interrupt() {},
    eraseCharacter() {},
    eraseLine() {},
    closed() {},
    log() {},
    ...handlers,
  };
}
