import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { decodeMessage, DEFAULT_MAX_MESSAGE_BYTES, encodedSize, encodeMessage, withinLimit, reviveSession, type ClusterSessionInfo, type ScaleBackend, type ScaleMessage, SCALE_LOG_INTERVAL_MS } from './bus.js';
import { RateLimitedLog } from '../actors/rateLimitedLog.js';

export interface RedisScaleOptions {
  /** Keys and channels start with this (several deployments can share one Redis). Default 'telnetsrv'. */
  namespace?: string;
  logger: Logger;
  maxMessageBytes?: number;
  /** How long a process's sessions outlive its last heartbeat (ms; default 5000). */
  ttlMs?: number;
}

const COMMAND_TIMEOUT_MS = 1000;

// Layout: `<ns>:s:<process>` a hash id -> session JSON, expiring `ttlMs` after the last heartbeat, so a
// process that dies leaves the directory within seconds; `<ns>:alive:<process>` claims the id;
// channels `<ns>:all` and `<ns>:to:<process>` carry `{from, m}`.

/** Commands sent and not answered yet past which messages are dropped (at most 64 MiB of them at the bus limit). */
const MAX_UNANSWERED = 1024;

/** The bus and directory over Redis pub/sub, for processes on many hosts. */
export class RedisBackend implements ScaleBackend {
  readonly processId: string;
  readonly maxMessageBytes: number;
  readonly #ns: string;
  readonly #ttlMs: number;
  readonly #commands: Redis;
  readonly #subscriber: Redis;
  readonly #log: RateLimitedLog;
  readonly #logger: Logger;
  #handler: ((message: ScaleMessage, from: string) => void) | null = null;
  #onReset: (() => void) | null = null;
  #down = false;
  #closed = false;

  private constructor(url: string, processId: string, options: RedisScaleOptions) {
    this.processId = processId;
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.#ns = options.namespace ?? 'telnetsrv';
    this.#ttlMs = options.ttlMs ?? 5000;
    this.#logger = options.logger;
    this.#log = new RateLimitedLog((line) => options.logger.warn(line), SCALE_LOG_INTERVAL_MS);
    const common = {
      // Reconnect for ever, at most a second apart: Redis coming back must be noticed quickly.
      retryStrategy: (attempt: number) => Math.min(attempt * 100, 1000),
      lazyConnect: true,
    };
    // Commands fail at once while Redis is away instead of queueing without bound in memory.
    // A Redis that holds the connection open but does not answer (stopped, overloaded) must not
    // hold a heartbeat or a session list for ever either: each command gives up after a second.
    this.#commands = new Redis(url, { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: COMMAND_TIMEOUT_MS });
    this.#subscriber = new Redis(url, { ...common, autoResubscribe: true });
    for (const [name, client] of [['commands', this.#commands], ['subscriber', this.#subscriber]] as const) {
      client.on('error', (err: Error) => this.#lost(`${name}: ${err.message}`));
      client.on('close', () => this.#lost(`${name}: connection closed`));
      client.on('ready', () => this.#ready());
    }
    this.#subscriber.on('message', (channel: string, payload: string) => this.#receive(payload));
  }

  /** Connects (both connections ready), claims a unique process id and subscribes. */
  static async connect(url: string, options: RedisScaleOptions): Promise<RedisBackend> {
    const backend = new RedisBackend(url, randomBytes(3).toString('hex'), options);
    await Promise.all([backend.#commands.connect(), backend.#subscriber.connect()]);
    // 24 random bits can meet another live process's: take the name only when free.
    let id = backend.processId;
    for (let attempt = 0; (await backend.#commands.set(backend.#key('alive', id), '1', 'PX', backend.#ttlMs, 'NX')) !== 'OK'; attempt++) {
      if (attempt > 10) throw new Error('could not claim a process id in Redis');
      id = randomBytes(3).toString('hex');
    }
    (backend as { processId: string }).processId = id;
    await backend.#subscriber.subscribe(backend.#channel('all'), backend.#channel(`to:${id}`));
    return backend;
  }

  #key(kind: string, process: string): string {
    return `${this.#ns}:${kind}:${process}`;
  }

  #channel(name: string): string {
    return `${this.#ns}:${name}`;
  }

  #lost(why: string): void {
    if (this.#closed) return;
    if (!this.#down) this.#logger.warn(`redis: connection lost (${why}); local sessions go on, cross-process messages wait`);
    else this.#log.note('redis-down', `redis: still away (${why})`);
    this.#down = true;
  }

  #ready(): void {
    if (!this.#down || this.#closed) return;
    if (this.#commands.status !== 'ready' || this.#subscriber.status !== 'ready') return;
    this.#down = false;
    // A restarted Redis has lost our part of the directory: the next heartbeat finds out (update).
    this.#logger.warn('redis: connected again; cross-process messages resume');
  }

  #receive(payload: string): void {
    // Anyone who can publish on our channels could send more than any of us would: not parsed.
    if (!withinLimit(payload, this.maxMessageBytes)) {
      this.#log.note('redis-large', `redis: message over the ${this.maxMessageBytes}-byte limit dropped`);
      return;
    }
    let envelope: unknown;
    try {
      envelope = JSON.parse(payload);
    } catch {
      this.#log.note('redis-bad', 'redis: unreadable message dropped');
      return;
    }
    const { from, m } = (envelope ?? {}) as { from?: unknown; m?: unknown };
    const message = decodeMessage(m);
    if (typeof from !== 'string' || message === null) {
      this.#log.note('redis-bad', 'redis: malformed message dropped');
      return;
    }
    if (from === this.processId) return; // our own message to all
    this.#handler?.(message, from);
  }

  sizeOf(message: ScaleMessage): number {
    return encodedSize({ from: this.processId, m: message });
  }

  publish(to: string, message: ScaleMessage): void {
    const payload = encodeMessage({ from: this.processId, m: message }, this.maxMessageBytes);
    // A Redis that is connected but does not answer (stopped, swamped) would have every message wait
    // in this process's memory: past a bound they are dropped instead.
    if (this.#commands.commandQueue.length >= MAX_UNANSWERED) {
      this.#log.note('redis-behind', `redis: ${MAX_UNANSWERED} commands unanswered; cross-process message dropped`);
      return;
    }
    const channel = to === '*' ? this.#channel('all') : this.#channel(`to:${to}`);
    this.#commands.publish(channel, payload).catch((err: Error) => this.#log.note('redis-publish', `redis: message not sent (${err.message})`));
  }

  onMessage(handler: (message: ScaleMessage, from: string) => void): void {
    this.#handler = handler;
  }

  onReset(handler: () => void): void {
    this.#onReset = handler;
  }

  async update(changed: readonly ClusterSessionInfo[], removed: readonly string[]): Promise<void> {
    const key = this.#key('s', this.processId);
    const batch = this.#commands.multi();
    if (changed.length > 0) batch.hset(key, Object.fromEntries(changed.map((s) => [s.id, JSON.stringify(s)])));
    if (removed.length > 0) batch.hdel(key, ...removed);
    batch.pexpire(key, this.#ttlMs);
    batch.set(this.#key('alive', this.processId), '1', 'PX', this.#ttlMs, 'GET');
    const results = await batch.exec();
    // Our claim had expired (this process was stopped past the TTL, or Redis restarted empty): what
    // we wrote before is gone too, so all of it is written again.
    const alive = results?.at(-1);
    if (alive && !alive[0] && alive[1] === null) this.#onReset?.();
  }

  async list(): Promise<ClusterSessionInfo[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await this.#commands.scan(cursor, 'MATCH', `${this.#ns}:s:*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...found);
    } while (cursor !== '0');
    const batch = this.#commands.pipeline();
    for (const key of keys) batch.hvals(key);
    const results = (await batch.exec()) ?? [];
    const sessions: ClusterSessionInfo[] = [];
    for (const [err, values] of results) {
      if (err || !Array.isArray(values)) continue;
      for (const value of values) {
        try {
          const session = reviveSession(JSON.parse(String(value)));
          if (session) sessions.push(session);
        } catch {
          // a corrupt entry costs that entry only
        }
      }
    }
    return sessions;
  }

  async close(): Promise<void> {
    this.#closed = true;
    try {
      if (this.#commands.status === 'ready') await this.#commands.del(this.#key('s', this.processId), this.#key('alive', this.processId));
    } catch {
      // gone anyway with its TTL
    }
    this.#commands.disconnect();
    this.#subscriber.disconnect();
  }
}
