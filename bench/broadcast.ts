// `npm run bench:broadcast`: what one `broadcast` costs per session with 10,000 sessions at the
// prompt (BROADCAST_N sets the count). Sessions run over in-memory transports (no sockets: the
// figure is the server's routing and drawing, not the kernel's), each counting the bytes it gets.
// Prints ms per broadcast, µs and bytes per session reached, and the heap after.
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
  events: TerminalEvents | null = null;
  constructor(n: number) {
    this.remoteAddress = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}:4000`;
  }
  attach(events: TerminalEvents): void {
    this.events = events;
  }
  write(text: string): void {
    this.bytes += text.length;
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
const bytesBefore = transports.reduce((sum, t) => sum + t.bytes, 0);
// Warm-up, then the measure.
for (let i = 0; i < 5; i++) server.broadcast(`warm-up ${i}`);
const warmBytes = transports.reduce((sum, t) => sum + t.bytes, 0) - bytesBefore;
let reached = 0;
const started = performance.now();
const cpuStarted = process.cpuUsage();
for (let i = 0; i < ROUNDS; i++) reached += server.broadcast(`A message for everyone, number ${i}.`);
const ms = performance.now() - started;
const cpu = process.cpuUsage(cpuStarted);
const heap = process.memoryUsage().heapUsed;
const perBroadcastMs = ms / ROUNDS;
console.log(`${sessions} sessions at the prompt; ${ROUNDS} broadcasts; ${reached / ROUNDS} sessions reached per broadcast`);
console.log(`per broadcast: ${perBroadcastMs.toFixed(2)} ms wall, ${((cpu.user + cpu.system) / 1000 / ROUNDS).toFixed(2)} ms CPU`);
console.log(`per session reached: ${((perBroadcastMs * 1000) / sessions).toFixed(2)} µs; ${(warmBytes / 5 / sessions).toFixed(0)} characters written`);
console.log(`heap used: ${(heap / 1024 / 1024).toFixed(1)} MiB`);
await server.close({ timeoutMs: 2000 });
process.exit(0);
