// A Redis that keeps its connections open but answers nothing (SIGSTOP): who must still answer, in
// bounded time, with this process's sessions and a log line; ^C during the wait ends the command.
import * as assert from 'uvu/assert';
import { Redis } from 'ioredis';
import { createServer, type Server } from '../../src/server.js';
import { createDemoHandler } from '../../src/demo/testHandler.js';
import { RedisBackend } from '../../src/scale/redisBackend.js';
import { scaleOut, type ScaleOut } from '../../src/scale/scaleOut.js';
import { LIST_TIMEOUT_MS } from '../../src/scale/bus.js';
import { recordingLogger } from '../support/demoServer.js';
import { testNeeding } from '../support/tools.js';
import { RawClient, RedisProcess, until } from './support.js';

const test = testNeeding('scale/redisHung', ['redis-server']);

interface Node {
  server: Server;
  scale: ScaleOut;
  port: number;
  log: string[];
}

let redis: RedisProcess;
let redisPid = 0;
let stopped = false;
const nodes: Node[] = [];
const clients: RawClient[] = [];

async function node(): Promise<Node> {
  const log: string[] = [];
  const server = createServer(createDemoHandler(), { logger: recordingLogger(log), negotiationTimeoutMs: 50 });
  const scale = scaleOut(server, await RedisBackend.connect(redis.url, { logger: server.logger, ttlMs: 5000 }), { heartbeatMs: 200 });
  const { port } = await server.listenTelnet({ port: 0 });
  const n = { server, scale, port, log };
  nodes.push(n);
  return n;
}

async function login(on: Node, name: string): Promise<{ client: RawClient; id: string }> {
  const c = await RawClient.connect(on.port);
  clients.push(c);
  return { client: c, id: await c.login(name) };
}

function resumeRedis(): void {
  if (stopped) process.kill(redisPid, 'SIGCONT');
  stopped = false;
}

test.before(async () => {
  redis = await RedisProcess.start();
  const probe = new Redis(redis.url);
  redisPid = Number(/process_id:(\d+)/.exec(await probe.info('server'))![1]);
  probe.disconnect();
});

test.after(async () => {
  resumeRedis();
  for (const c of clients) c.close();
  for (const n of nodes) {
    await n.server.close({ timeoutMs: 2000 });
    await n.scale.close();
  }
  await redis?.stop();
});

test('Redis stopped (SIGSTOP): who answers in bounded time with the local sessions, logs it once; ^C ends a waiting who', async () => {
  const a = await node();
  const b = await node();
  const alice = await login(a, 'alice');
  const bob = await login(b, 'bob');
  const bobLine = new RegExp(`^${bob.id.replace('.', '\\.')}\\s+bob `, 'm');
  await until(async () => bobLine.test(await alice.client.command('who')), 5000, 'bob in who on a');

  process.kill(redisPid, 'SIGSTOP');
  stopped = true;
  for (let round = 1; round <= 2; round++) {
    const started = Date.now();
    // Before the fix the answer never came (the command waited for Redis for ever).
    const who = await alice.client.waitFor(/TestServer> $/, (alice.client.socket.write('who\r\n'), alice.client.text.length), 10_000);
    const took = Date.now() - started;
    assert.match(who, new RegExp(`^${alice.id.replace('.', '\\.')}\\s+alice .*\\(you\\)$`, 'm'), `round ${round}`);
    assert.not.match(who, bobLine, 'the other process cannot be asked: local sessions only');
    assert.ok(took >= LIST_TIMEOUT_MS - 100 && took < LIST_TIMEOUT_MS + 4000, `round ${round} answered in ${took} ms`);
  }
  const unavailable = a.log.filter((l) => /other processes' sessions unavailable/.test(l));
  assert.is(unavailable.length, 1, `rate-limited to one line for two lists:\n${a.log.join('\n')}`);

  // ^C while who waits: the command ends at once and prints nothing (as an aborted readLine).
  const mark = alice.client.text.length;
  alice.client.socket.write('who\r\n');
  await until(() => /who\n/.test(alice.client.since(mark)), 5000, 'who echoed');
  alice.client.socket.write('\x03');
  const interrupted = await alice.client.waitFor(/TestServer> $/, mark, 10_000);
  assert.match(interrupted, /\^C/);
  assert.not.match(interrupted, /alice .*\(you\)/, `aborted, not answered after the deadline: ${JSON.stringify(interrupted)}`);
  assert.not.ok(a.log.some((l) => /^error/.test(l)), a.log.join('\n'));

  // Redis back: the other process's sessions are listed again.
  resumeRedis();
  await until(async () => bobLine.test(await alice.client.command('who')), 8000, 'bob listed again');
});

test.run();
