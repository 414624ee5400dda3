import type { HandlerClass } from './actors/session.js';
import { provideDefaultServers } from './defaultServerSlot.js';
import { Server } from './server.js';

const servers = new WeakMap<Function, Server>();

/** The server behind `MyHandler.streamserverHandle`, made on first use, one per handler class. */
export function defaultServerFor(handlerClass: HandlerClass): Server {
  let server = servers.get(handlerClass);
  if (!server) {
    server = new Server(handlerClass);
    servers.set(handlerClass, server);
  }
  return server;
}

// Loaded by the package's entry (index.ts): from here on `TelnetHandler.streamserverHandle` works.
provideDefaultServers((handlerClass) => defaultServerFor(handlerClass as HandlerClass));
