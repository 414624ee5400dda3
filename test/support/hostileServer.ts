// The server the hostile-client suite attacks, in a process of its own so its RSS, heap and log are its
// own. It answers the parent's IPC questions: 'stats' (after a full GC) and 'log' (lines since the last ask).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createServer } from '../../src/server.js';
import { TelnetHandler } from '../../src/handler.js';
import { command } from '../../src/shell/command.js';
import { recordingLogger } from './demoServer.js';
import { countCrashes } from './crashCounter.js';

const log: string[] = [];
const crashes = countCrashes(log);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Misbehaving user code on purpose: each command or login name triggers one fault. */
class Target extends TelnetHandler {
  override prompt = 'Target> ';
  override authNeedUser = true;

  override async authCallback(username: string | null): Promise<void> {
    if (username === 'slowpoke') await sleep(400);
    if (username === 'thrower') throw 'a string, not an Error';
  }

  override sessionEnd(): void {
    if (this.username === 'endthrower') throw new Error('sessionEnd failed on purpose');
  }

  @command('echo')
  echo(params: string[]) {
    this.writeResponse(params.join(' '));
  }

  @command('whoami')
  whoami() {
    this.writeResponse(String(this.username));
  }

  @command('size')
  size() {
    this.writeResponse(`${this.width}x${this.height}`);
  }

  @command('flood')
  flood() {
    // More than the kernel's socket buffers hold, so output piles up in the process and meets the cap.
    for (let i = 0; i < 100_000; i++) this.writeLine(`line ${i} ${'x'.repeat(100)}`);
  }

  @command('hang')
  hang() {
    return new Promise<void>(() => {});
  }

  @command('reject')
  async reject() {
    await sleep(1);
    throw new RangeError('rejected on purpose');
  }

  @command('throwstr')
  throwString() {
    throw 42;
  }

  @command('ask')
  async ask() {
    this.writeLine(`you said ${await this.readLine({ prompt: 'Say: ' })}`);
  }
}

const server = createServer(Target, {
  logger: recordingLogger(log),
  loginTimeoutMs: 1500,
  maxOutputBuffer: 256 * 1024,
  negotiationTimeoutMs: 200,
  // Every attacker here comes from 127.0.0.1: the per-address cap (tested in test/hostile/admission) is off.
  maxSessionsPerAddress: 0,
});
const { port } = await server.listenTelnet({ host: '127.0.0.1', port: 0 });
const keyDir = mkdtempSync(path.join(os.tmpdir(), 'telnetsrv-hostile-'));
const ssh = await server.listenSsh({
  host: '127.0.0.1',
  port: 0,
  hostKeyFile: path.join(keyDir, 'host_key'),
  authTimeoutMs: 1000,
  channelTimeoutMs: 1000,
});
process.send!({ port, sshPort: ssh.port });
process.on('message', (message: unknown) => {
  if (message === 'stats') {
    const gc = (globalThis as { gc?: () => void }).gc!;
    gc();
    gc();
    const memory = process.memoryUsage();
    process.send!({ rss: memory.rss, heap: memory.heapUsed + memory.external + memory.arrayBuffers, sessions: server.sessions.length, connections: server.connectionCounts.total, states: server.sessions.slice(0, 20).map((info) => `${info.id} ${info.state} ${Date.now() - info.connectedAt.getTime()} ms`), crashes: crashes() });
  } else if (typeof message === 'object' && message !== null && 'kick' in message) {
    const session = server.sessions.find((info) => info.username === message.kick);
    process.send!({ kicked: session ? server.disconnect(session.id, 'Disconnected by the operator.') : false });
  } else if (message === 'log') {
    process.send!({ log: log.splice(0) });
  } else if (message === 'stop') {
    void server.close({ timeoutMs: 1000 }).then(() => {
      rmSync(keyDir, { recursive: true, force: true });
      process.exit(0);
    });
  }
});
