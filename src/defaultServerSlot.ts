import type { DefaultServer } from './serverFace.js';

/** Makes (or finds) the default server of a handler class. */
export type DefaultServerSource = (handlerClass: new () => object) => DefaultServer;

let source: DefaultServerSource | null = null;

/**
 * Where `TelnetHandler.streamserverHandle` finds its server without importing the server module:
 * `defaultServer.ts` (loaded by the package's entry) fills this slot, so the handler, the base class
 * every session imports, never imports the server that imports the sessions.
 */
export function provideDefaultServers(from: DefaultServerSource): void {
  source = from;
}

export function defaultServerOf(handlerClass: new () => object): DefaultServer {
  if (!source) {
    throw new Error("no server module loaded: import TelnetHandler from 'telnetsrv' (its entry serves it), not from a file inside it");
  }
  return source(handlerClass);
}
