import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AnyStateMachine } from 'xstate';
import { chartTree } from '../machines/chartTree.js';
import type { Logger } from '../logger.js';
import type { BoundAddress, ListenOptions, SessionInfo } from '../serverFace.js';
import { PAGE_CSS, PAGE_HTML, PAGE_JS } from './page.js';
import { MessageLog } from './messageLog.js';
import type { MessageTrace } from '../machines/supervisor.js';
import { refusedOrigin } from './requestOrigin.js';
import { RateLimitedLog } from '../actors/rateLimitedLog.js';

export interface LiveViewOptions extends ListenOptions {
  /** How often the session list is compared and changes are pushed (ms, default 250). */
  intervalMs?: number;
  /** Browsers watching at once (default 16); more get 503. */
  maxViewers?: number;
  /**
   * Bytes queued for one viewer beyond which it is dropped (default 1 MiB): a browser that does not
   * read must not make the server keep every update for it.
   */
  maxViewerBuffer?: number;
  /**
   * Host names, besides IP addresses and `localhost`, under which the page may be asked for (exact
   * names, or `.example.com` for the domain and its subdomains). Any other Host is refused with 403:
   * a web page elsewhere must not read the session list through DNS rebinding.
   */
  allowedHosts?: readonly string[];
}

/** At most one "viewer dropped" line per this many ms; the drops in between are counted in it. */
const DROP_LOG_INTERVAL_MS = 10_000;

/** What a viewer receives of one session (no secrets exist here: only what `server.sessions` lists). */
interface SessionView {
  id: string;
  username: string | null;
  remoteAddress: string;
  transport: string;
  state: string;
  connectedAt: number;
}

const HEADERS = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  // The page loads nothing but its own script and style, and talks only to this server.
  'Content-Security-Policy': "default-src 'self'",
};

/**
 * A small local web page listing every session with its user, address and current state, with the
 * session statechart drawn and the occupied states highlighted. Changes reach the browsers as
 * Server-Sent Events; the list is only compared while someone is watching.
 */
export class LiveView {
  readonly #sessions: () => SessionInfo[];
  readonly #chart: string;
  readonly #logger: Logger;
  readonly #intervalMs: number;
  readonly #maxViewers: number;
  readonly #maxViewerBuffer: number;
  readonly #allowedHosts: readonly string[];
  readonly #refusals: RateLimitedLog;
  #droppedSinceLog = 0;
  #lastDropLog = -Infinity;
  readonly #viewers = new Set<http.ServerResponse>();
  readonly #http: http.Server;
  #last = new Map<string, string>();
  readonly #messages = new MessageLog();
  #timer: NodeJS.Timeout | null = null;
  #ticks = 0;

  constructor(sessions: () => SessionInfo[], machine: AnyStateMachine, logger: Logger, options: LiveViewOptions = {}) {
    this.#sessions = sessions;
    this.#chart = JSON.stringify(chartTree(machine));
    this.#logger = logger;
    this.#intervalMs = options.intervalMs ?? 250;
    this.#maxViewers = options.maxViewers ?? 16;
    this.#maxViewerBuffer = options.maxViewerBuffer ?? 1024 * 1024;
    this.#allowedHosts = options.allowedHosts ?? [];
    this.#refusals = new RateLimitedLog((line) => logger.warn(line), DROP_LOG_INTERVAL_MS);
    this.#http = http.createServer((request, response) => this.#route(request, response));
  }

  listen({ host = '127.0.0.1', port = 0 }: ListenOptions): Promise<BoundAddress> {
    return new Promise((resolve, reject) => {
      this.#http.once('error', reject);
      this.#http.listen(port, host, () => {
        this.#http.off('error', reject);
        this.#http.on('error', (err) => this.#logger.error('live view error', err));
        const address = this.#http.address() as AddressInfo;
        resolve({ host: address.address, port: address.port });
      });
    });
  }

  /**
   * A record of a MESSAGE event being sent (to one session, or null: a broadcast) that the router
   * fills with the sessions it reaches; undefined while no one watches (then nothing is recorded).
   */
  traceMessage(text: string, to: string | null, filtered = false): MessageTrace | undefined {
    return this.#viewers.size === 0 ? undefined : this.#messages.trace(text, to, filtered);
  }

  close(): Promise<void> {
    this.#stopWatching();
    this.#refusals.flush();
    for (const viewer of this.#viewers) viewer.end();
    this.#viewers.clear();
    return new Promise((resolve) => {
      if (!this.#http.listening) return resolve();
      this.#http.close(() => resolve());
      this.#http.closeAllConnections();
    });
  }

  #route(request: http.IncomingMessage, response: http.ServerResponse): void {
    if (request.method !== 'GET') {
      response.writeHead(405, { ...HEADERS, Allow: 'GET' }).end();
      return;
    }
    const refused = refusedOrigin(request.headers.host, request.headers.origin, this.#allowedHosts);
    if (refused) {
      // The Host is the client's text: bounded here; the logger shows its control characters.
      this.#refusals.note('origin', `live view: request refused (${refused}: Host ${(request.headers.host ?? '').slice(0, 100)})`);
      response.writeHead(403, HEADERS).end('forbidden');
      return;
    }
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    switch (path) {
      case '/':
        return this.#send(response, 'text/html; charset=utf-8', PAGE_HTML);
      case '/app.js':
        return this.#send(response, 'text/javascript; charset=utf-8', PAGE_JS);
      case '/app.css':
        return this.#send(response, 'text/css; charset=utf-8', PAGE_CSS);
      case '/chart.json':
        return this.#send(response, 'application/json', this.#chart);
      case '/events':
        return this.#watch(response);
      default:
        response.writeHead(404, HEADERS).end('not found');
    }
  }

  #send(response: http.ServerResponse, type: string, body: string): void {
    response.writeHead(200, { ...HEADERS, 'Content-Type': type }).end(body);
  }

  #watch(response: http.ServerResponse): void {
    if (this.#viewers.size >= this.#maxViewers) {
      response.writeHead(503, HEADERS).end('too many viewers');
      return;
    }
    response.writeHead(200, { ...HEADERS, 'Content-Type': 'text/event-stream' });
    const current = this.#snapshot();
    response.write(`event: reset\ndata: [${[...current.values()].join(',')}]\n\n`);
    const messages = this.#messages.all();
    if (messages.length > 0) response.write(`event: messages\ndata: [${messages.join(',')}]\n\n`);
    this.#viewers.add(response);
    response.once('close', () => {
      this.#viewers.delete(response);
      if (this.#viewers.size === 0) this.#stopWatching();
    });
    if (!this.#timer) {
      this.#last = current;
      this.#timer = setInterval(() => this.#push(), this.#intervalMs);
    }
  }

  /** Each session as its JSON text: compared as text between ticks and sent as it is. */
  #snapshot(): Map<string, string> {
    const views = new Map<string, string>();
    for (const info of this.#sessions()) {
      const view: SessionView = { ...info, connectedAt: info.connectedAt.getTime() };
      views.set(info.id, JSON.stringify(view));
    }
    return views;
  }

  /** Sends what changed since the last tick: sessions new or changed, and ids gone. */
  #push(): void {
    const current = this.#snapshot();
    const upsert: string[] = [];
    const remove: string[] = [];
    for (const [id, json] of current) if (this.#last.get(id) !== json) upsert.push(json);
    for (const id of this.#last.keys()) if (!current.has(id)) remove.push(id);
    this.#last = current;
    const messages = this.#messages.changes();
    // A comment line now and then keeps idle connections through proxies.
    const keepAlive = ++this.#ticks % 60 === 0;
    if (upsert.length === 0 && remove.length === 0 && messages.length === 0 && !keepAlive) return;
    let message = upsert.length || remove.length ? `event: update\ndata: {"upsert":[${upsert.join(',')}],"remove":${JSON.stringify(remove)}}\n\n` : '';
    if (messages.length > 0) message += `event: messages\ndata: [${messages.join(',')}]\n\n`;
    if (message === '') message = ':\n\n';
    for (const viewer of this.#viewers) this.#deliver(viewer, message);
  }

  /** Sends to one viewer, or drops it when what it has not read is over the cap (then it is logged). */
  #deliver(viewer: http.ServerResponse, message: string): void {
    if (viewer.writableLength <= this.#maxViewerBuffer) {
      viewer.write(message);
      return;
    }
    const queued = viewer.writableLength;
    const address = viewer.socket?.remoteAddress ?? 'unknown';
    this.#viewers.delete(viewer);
    viewer.destroy();
    if (this.#viewers.size === 0) this.#stopWatching();
    this.#droppedSinceLog++;
    const now = Date.now();
    if (now - this.#lastDropLog < DROP_LOG_INTERVAL_MS) return;
    const others = this.#droppedSinceLog - 1;
    this.#logger.warn(
      `live view: viewer ${address} is not reading (${queued} bytes queued, over ${this.#maxViewerBuffer}): dropped${others > 0 ? ` (and ${others} more since the last such line)` : ''}`,
    );
    this.#lastDropLog = now;
    this.#droppedSinceLog = 0;
  }

  #stopWatching(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }
}
