// `npm run bench:broadcast`: what one `broadcast` costs with 10,000 sessions at the prompt
// (BROADCAST_N sets the count, BROADCAST_ROUNDS the broadcasts). Sessions run over in-memory
// transports (no sockets: the figure is the server's routing and drawing, not the kernel's).
// Prints the time per broadcast until every session has it, the CPU per broadcast and per session,
// and how long the event loop was held at a time meanwhile: the longest turn of the loop (a
// setImmediate chain timing each turn) and the event-loop delay (perf_hooks.monitorEventLoopDelay).
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { createServer } from '../src/server.js';
import { TelnetHandler } from '../src/handler.js';
import { silentLogger } from '../src/logger.js';
import type { TerminalEvents, TerminalTransport } from '../src/transports/terminalTransport.js';

const sessions = Number(process.env.BROADCAST_N ?? 10_000);
const ROUNDS = Number(process.env.BROADCAST_ROUNDS ?? 50);

class Quiet extends TelnetHandler {
  override welcome = 'hi';
}

class MemoryTransport implements TerminalTransport {
  readonly kind = 'telnet' as const;
  readonly remoteAddress: string;
  readonly needsNegotiation = false;
  readonly authenticatedUser = null;
  readonly initialTerminal = { width: 80, height: 24 };
  readonly execCommand = null;
  bytes = 0;
  /** The last text written: the bench waits until every session has the last broadcast. */
  last = '';
  events: TerminalEvents | null = null;
  constructor(n: number) {
    this.remoteAddress = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}:4000`;
  }
  attach(events: TerminalEvents): void {
    this.events = events;
  }
  write(text: string): void {
    this.bytes += text.length;
    this.last = text;
  }
  close(): void {
    this.events?.closed();
  }
}

const server = createServer(Quiet, { logger: silentLogger, maxSessions: sessions + 10, maxUnauthenticated: sessions + 10, maxSessionsPerAddress: 0 });
const transports: MemoryTransport[] = [];
for (let i = 0; i < sessions; i++) {
  const transport = new MemoryTransport(i);
  transports.push(transport);
  server.serve(transport);
}
// Every session reaches its prompt (sessionStart is a promise).
for (let i = 0; server.sessions.some((s) => s.state !== 'shell.prompting'); i++) {
  if (i > 1000) throw new Error('sessions never reached the prompt');
  await new Promise((resolve) => setTimeout(resolve, 10));
}

/**
 * Resolves once every session has been written `marker` last (polled once per turn of the loop,
 * at least one turn: the loop turns between two broadcasts, as a server's would).
 */
async function allHave(marker: string): Promise<void> {
  let from = 0;
  for (;;) {
    await new Promise((resolve) => setImmediate(resolve));
    while (from < transports.length && transports[from]!.last.includes(marker)) from++;
    if (from === transports.length) return;
  }
}

/**
 * Times every turn of the loop while running: the longest is how long anything else had to wait.
 * In wall time, and in the CPU time the process used in that turn (on a loaded machine a turn's
 * wall time includes the time the process was not running at all).
 */
function turnTimer(): { stop(): { wall: number; cpu: number } } {
  let wall = 0;
  let cpu = 0;
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  let running = true;
  const tick = () => {
    const now = performance.now();
    const used = process.cpuUsage(lastCpu);
    wall = Math.max(wall, now - last);
    cpu = Math.max(cpu, (used.user + used.system) / 1000);
    last = now;
    lastCpu = process.cpuUsage();
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  return {
    stop() {
      running = false;
      return { wall, cpu };
    },
  };
}

const bytesBefore = transports.reduce((sum, t) => sum + t.bytes, 0);
// Warm-up, then the measure.
for (let i = 0; i < 5; i++) server.broadcast(`warm-up ${i}.`);
await allHave('warm-up 4.');
const warmBytes = transports.reduce((sum, t) => sum + t.bytes, 0) - bytesBefore;

// One broadcast at a time: sent, then waited for until every session has it.
const delay = monitorEventLoopDelay({ resolution: 1 });
// Garbage collection pauses too: a turn longer than the delivery budget is mostly one of these.
let longestGc = 0;
let gcTotal = 0;
const gcWatch = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    longestGc = Math.max(longestGc, entry.duration);
    gcTotal += entry.duration;
  }
});
gcWatch.observe({ entryTypes: ['gc'] });
let reached = 0;
let maxCall = 0;
const turns = turnTimer();
delay.enable();
const started = performance.now();
const cpuStarted = process.cpuUsage();
for (let i = 0; i < ROUNDS; i++) {
  const callStarted = performance.now();
  reached += server.broadcast(`A message for everyone, number ${i}.`);
  maxCall = Math.max(maxCall, performance.now() - callStarted);
  await allHave(`number ${i}.`);
}
const ms = performance.now() - started;
const cpu = process.cpuUsage(cpuStarted);
delay.disable();
gcWatch.disconnect();
const longestTurn = turns.stop();
const heap = process.memoryUsage().heapUsed;
const perBroadcastMs = ms / ROUNDS;
const cpuMs = (cpu.user + cpu.system) / 1000 / ROUNDS;
console.log(`${sessions} sessions at the prompt; ${ROUNDS} broadcasts, one after the other; ${reached / ROUNDS} sessions addressed per broadcast`);
console.log(`per broadcast until every session has it: ${perBroadcastMs.toFixed(2)} ms wall, ${cpuMs.toFixed(2)} ms CPU`);
console.log(`per session reached: ${((cpuMs * 1000) / sessions).toFixed(2)} µs CPU; ${(warmBytes / 5 / sessions).toFixed(0)} characters written`);
console.log(`the broadcast() call itself: at most ${maxCall.toFixed(2)} ms`);
console.log(`event loop held at most: ${longestTurn.wall.toFixed(2)} ms wall, ${longestTurn.cpu.toFixed(2)} ms CPU (longest turn); delay p50 ${(delay.percentile(50) / 1e6).toFixed(2)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(2)} ms, max ${(delay.max / 1e6).toFixed(2)} ms`);
console.log(`garbage collection meanwhile: longest pause ${longestGc.toFixed(2)} ms, ${(gcTotal / ROUNDS).toFixed(2)} ms per broadcast`);
console.log(`heap used: ${(heap / 1024 / 1024).toFixed(1)} MiB`);
await server.close({ timeoutMs: 2000 });
process.exit(0);
