// Sessions come and go; prints the heap after a full GC before and after, as one JSON line.
// Run with --expose-gc: `node --expose-gc --import tsx test/actors/churnProbe.ts <server|actors> <n>`.
// Used by supervisorChurn.test.ts (small n) and bench/churn.ts (`npm run bench:churn`, 100,000).
import net from 'node:net';
import { createActor, setup } from 'xstate';
import { createServer } from '../../src/server.js';
import { silentLogger } from '../../src/logger.js';
import { createDemoHandler } from '../../src/demo/testHandler.js';
import type { SupervisedSession } from '../../src/machines/supervisor.js';

export interface ChurnResult {
  mode: string;
  sessions: number;
  heapBefore: number;
  heapAfter: number;
  bytesPerSession: number;
  seconds: number;
}

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

async function settledHeap(): Promise<number> {
  // Several rounds: finalizers and weak maps let go over more than one collection.
  for (let i = 0; i < 4; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc!();
  }
  return process.memoryUsage().heapUsed;
}

/** The supervisor with bare children: each is created as a session is, started, and ended. */
async function actorChurn(): Promise<(count: number) => Promise<void>> {
  // Imported here, so the server mode also runs on code that has no supervisorLogic (to compare).
  const { supervisorLogic } = await import('../../src/machines/supervisor.js');
  const limits = { maxSessions: 1_000_000, maxUnauthenticated: 1_000_000, maxSessionsPerAddress: 0 };
  const supervisor = createActor(supervisorLogic, { id: 'supervisor', input: { limits } });
  supervisor.start();
  const child = setup({ types: { events: {} as { type: 'END' } } }).createMachine({
    initial: 'open',
    states: { open: { on: { END: 'closed' } }, closed: { type: 'final' } },
  });
  let next = 1;
  return async (count) => {
    for (let i = 0; i < count; i++) {
      const id = `s${next++}`;
      const actor = createActor(child, { parent: supervisor, id });
      const session: SupervisedSession = { id, username: null, actor, lastActivity: 0, shutdown() {}, kick() {}, endIdle() {}, warnIdle() {}, keepAlive() {} };
      supervisor.send({ type: 'SESSION_OPENED', session });
      actor.start();
      actor.send({ type: 'END' });
    }
    if (supervisor.getSnapshot().context.sessions.size !== 0) throw new Error('sessions left in the supervisor');
  };
}

/** A real server: each client connects, waits for the first bytes (the session runs) and hangs up. */
async function serverChurn(): Promise<(count: number) => Promise<void>> {
  const server = createServer(createDemoHandler(), { logger: silentLogger });
  const { port } = await server.listenTelnet({ host: '127.0.0.1', port: 0 });
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('data', () => socket.destroy());
      socket.once('error', reject);
      socket.once('close', () => resolve());
    });
  const waitForNoSessions = async () => {
    for (let i = 0; server.sessions.length > 0; i++) {
      if (i > 500) throw new Error(`${server.sessions.length} sessions never ended`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  return async (count) => {
    const parallel = 20;
    let started = 0;
    const worker = async () => {
      while (started < count) {
        started++;
        await one();
      }
    };
    await Promise.all(Array.from({ length: parallel }, worker));
    await waitForNoSessions();
  };
}

const [mode = 'server', countText = '3000', warmText = '500'] = process.argv.slice(2);
const sessions = Number(countText);
const churn = mode === 'actors' ? await actorChurn() : await serverChurn();
// Warm up: code compiled, caches filled, pools sized, before the first measure.
await churn(Number(warmText));
const heapBefore = await settledHeap();
const started = performance.now();
await churn(sessions);
const seconds = (performance.now() - started) / 1000;
const heapAfter = await settledHeap();
const result: ChurnResult = {
  mode,
  sessions,
  heapBefore,
  heapAfter,
  bytesPerSession: (heapAfter - heapBefore) / sessions,
  seconds,
};
console.log(JSON.stringify(result));
process.exit(0);
