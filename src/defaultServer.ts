import type { HandlerClass } from './actors/session.js';
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
