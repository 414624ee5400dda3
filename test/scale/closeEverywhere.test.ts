// close() across processes over a real redis-server: two demo processes (separate OS processes) and a
// server in this process, joined through Redis. Plain `close()` closes this process's sessions only;
// `close({ everywhere: true })` closes every process, each showing the message and running every sessionEnd.
import * as assert from 'uvu/assert';
import { createServer, type Server } from '../../src/server.js';
import { createDemoHandler } from '../../src/demo/testHandler.js';
import { RedisBackend } from '../../src/scale/redisBackend.js';
import { scaleOut, type ScaleOut } from '../../src/scale/scaleOut.js';
import { recordingLogger } from '../support/demoServer.js';
import { testNeeding } from '../support/tools.js';
import { DemoProcess, RawClient, RedisProcess, until } from './support.js';

const test = testNeeding('scale/closeEverywhere', ['redis-server']);

interface Node {
  server: Server;
  scale: ScaleOut;
  port: number;
  log: string[];
}

let redis: RedisProcess | null = null;
const demos: DemoProcess[] = [];
const nodes: Node[] = [];
const clients: RawClient[] = [];

async function node(url: string): Promise<Node> {
  const log: string[] = [];
  const server = createServer(createDemoHandler(), { logger: recordingLogger(log), negotiationTimeoutMs: 50 });
  const scale = scaleOut(server, await RedisBackend.connect(url, { logger: server.logger, ttlMs: 2000 }), { heartbeatMs: 200 });
  const { port } = await server.listenTelnet({ port: 0 });
  const made = { server, scale, port, log };
  nodes.push(made);
  return made;
}

async function loggedIn(port: number, name: string): Promise<{ client: RawClient; id: string }> {
  const client = await RawClient.connect(port);
  clients.push(client);
  return { client, id: await client.login(name) };
}

test.after.each(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const n of nodes.splice(0)) {
    await n.server.close({ timeoutMs: 2000 });
    await n.scale.close();
  }
  for (const demo of demos.splice(0)) await demo.stop();
  await redis?.stop();
  redis = null;
});

test('close() without everywhere: this process only; the others go on', async () => {
  redis = await RedisProcess.start();
  const demo = await DemoProcess.start(['--redis', redis.url], 1);
  demos.push(demo);
  const here = await node(redis.url);
  const there = await loggedIn(demo.port, 'stays');
  const mine = await loggedIn(here.port, 'leaves');
  await here.server.close({ message: 'Only this one closes.' });
  await mine.client.waitFor(/Only this one closes\./);
  await new Promise((resolve) => setTimeout(resolve, 1000)); // a close message would have arrived by now
  assert.not.match(there.client.text, /closes/);
  assert.is(demo.child.exitCode, null, 'the other process still runs');
  assert.match(await there.client.command('echo still here'), /still here/);
});

test('close({ everywhere: true }) over Redis: every process tells its sessions, runs every sessionEnd and ends', async () => {
  redis = await RedisProcess.start();
  const first = await DemoProcess.start(['--redis', redis.url], 1);
  const second = await DemoProcess.start(['--redis', redis.url], 1);
  demos.push(first, second);
  const here = await node(redis.url);
  const onFirst = [await loggedIn(first.port, 'ann'), await loggedIn(first.port, 'ben')];
  const onSecond = [await loggedIn(second.port, 'cat')];
  const mine = await loggedIn(here.port, 'dan');
  // Everyone in the directory first, so the close is not racing the joins.
  await until(async () => (await here.server.listSessions()).filter((s) => s.username !== null).length === 4, 5000, 'all four listed');
  await here.server.close({ everywhere: true, message: 'Maintenance: everyone out.' });
  await mine.client.waitFor(/Maintenance: everyone out\./);
  for (const { client } of [...onFirst, ...onSecond]) {
    await client.waitFor(/Maintenance: everyone out\./, 0, 8000);
    await until(() => client.closed, 8000, 'the remote client to be closed');
  }
  for (const demo of [first, second]) {
    await until(() => demo.child.exitCode !== null, 10_000, 'the demo process to exit');
    assert.is(demo.child.exitCode, 0, demo.err);
    assert.match(demo.err, /asked every process to close/);
  }
  // Each process ran its own sessions' sessionEnd (the demo logs one line per session that ended).
  assert.is(first.err.match(/session ended/g)?.length, 2, first.err);
  assert.is(second.err.match(/session ended/g)?.length, 1, second.err);
  assert.ok(here.log.some((line) => line.includes(`[${mine.id} `) && line.includes('session ended')), here.log.join('\n'));
});

test.run();
