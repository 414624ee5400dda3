// Sessions across processes through a real redis-server: two servers (each its own process id on
// the bus) and the demo as a separate OS process. who, say, disconnect across; a message too large;
// Redis killed and restarted mid-run; a process killed with SIGKILL leaves the directory.
import * as assert from 'uvu/assert';
import { createServer, type Server } from '../../src/server.js';
import { createDemoHandler } from '../../src/demo/testHandler.js';
import { RedisBackend } from '../../src/scale/redisBackend.js';
import { scaleOut, type ScaleOut } from '../../src/scale/scaleOut.js';
import { DEFAULT_MAX_MESSAGE_BYTES, MessageTooLargeError } from '../../src/scale/bus.js';
import { recordingLogger } from '../support/demoServer.js';
import { testNeeding } from '../support/tools.js';
import { Redis } from 'ioredis';
import { DemoProcess, RawClient, RedisProcess, until } from './support.js';

const test = testNeeding('scale/redis', ['redis-server']);

interface Node {
  server: Server;
  scale: ScaleOut;
  port: number;
  log: string[];
}

let redis: RedisProcess;
let a: Node;
let b: Node;
const clients: RawClient[] = [];

async function node(): Promise<Node> {
  const log: string[] = [];
  const server = createServer(createDemoHandler(), { logger: recordingLogger(log), negotiationTimeoutMs: 50 });
  const scale = scaleOut(server, await RedisBackend.connect(redis.url, { logger: server.logger, ttlMs: 2000 }), { heartbeatMs: 200 });
  const { port } = await server.listenTelnet({ port: 0 });
  return { server, scale, port, log };
}

async function client(on: Node, name: string): Promise<{ client: RawClient; id: string }> {
  const c = await RawClient.connect(on.port);
  clients.push(c);
  return { client: c, id: await c.login(name) };
}

test.before(async () => {
  redis = await RedisProcess.start();
  a = await node();
  b = await node();
});

test.after(async () => {
  for (const c of clients) c.close();
  for (const n of [a, b]) {
    await n?.server.close({ timeoutMs: 2000 });
    await n?.scale.close();
  }
  await redis?.stop();
});

test('who on one process lists the users of the other; say reaches them; ids carry the process', async () => {
  const alice = await client(a, 'alice');
  const bob = await client(b, 'bob');
  assert.ok(alice.id.startsWith(`${a.scale.processId}.s`), alice.id);
  assert.ok(bob.id.startsWith(`${b.scale.processId}.s`), bob.id);
  const bobLine = new RegExp(`^${bob.id.replace('.', '\\.')}\\s+bob\\s+telnet 127\\.0\\.0\\.1:\\d+$`, 'm');
  let who = '';
  await until(async () => bobLine.test((who = await alice.client.command('who'))), 5000, 'bob in who on a');
  assert.match(who, new RegExp(`^${alice.id.replace('.', '\\.')}\\s+alice .*\\(you\\)$`, 'm'));
  const listed = await a.server.listSessions();
  assert.equal(listed.find((s) => s.id === bob.id)?.process, b.scale.processId);
  const mark = bob.client.text.length;
  await alice.client.command('say over the wire');
  await bob.client.waitFor(/\[alice\] over the wire/, mark);
  // sendTo a session of the other process, by id
  a.server.sendTo(bob.id, 'a word for bob');
  await bob.client.waitFor(/a word for bob/, mark);
  alice.client.close();
  bob.client.close();
});

test('disconnect across processes: the session is told and closed, sessionEnd runs there', async () => {
  const carol = await client(b, 'carol');
  await until(async () => (await a.server.listSessions()).some((s) => s.id === carol.id && s.username === 'carol'), 5000, 'carol listed');
  assert.is(a.server.disconnect(carol.id, 'Kicked from the other process.'), true);
  await carol.client.waitFor(/Kicked from the other process\./);
  await until(() => carol.client.closed, 5000, 'carol closed');
  await until(() => b.log.some((line) => line.includes(`[${carol.id} `) && line.includes('session ended')), 3000, 'sessionEnd on b');
  await until(async () => !(await a.server.listSessions()).some((s) => s.id === carol.id), 3000, 'carol gone from the directory');
});

test('a message over the bus limit is refused with a clear error, at the exact boundary, and sent nowhere', async () => {
  // The server cuts messages to maxMessageLength before they cross, so only the bus's own API can
  // pass it one too large: the limit is still checked there, at the exact byte.
  const dave = await client(b, 'dave');
  const limit = DEFAULT_MAX_MESSAGE_BYTES;
  const overhead = Buffer.byteLength(JSON.stringify({ from: a.scale.processId, m: { t: 'broadcast', text: '' } }));
  const fits = 'x'.repeat(limit - overhead);
  const mark = dave.client.text.length;
  a.scale.broadcast(fits);
  await dave.client.waitFor(/x{1000}/, mark);
  const after = dave.client.text.length;
  assert.is(a.scale.refusal(fits), null, 'at the limit: accepted');
  const refusal = a.scale.refusal(`${fits}y`);
  assert.ok(refusal instanceof MessageTooLargeError && new RegExp(`^message of ${limit + 1} bytes is over the ${limit}-byte limit`).test(refusal.message), String(refusal));
  // Handed to the bus anyway, it is logged and sent nowhere (the bus never throws into a session).
  const logged = a.log.length;
  a.scale.broadcast(`${fits}y`);
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.not.match(dave.client.since(after), /y/, 'the refused message reached no session');
  assert.ok(a.log.slice(logged).some((l) => new RegExp(`over the ${limit}-byte limit`).test(l)), a.log.slice(logged).join('\n'));
  dave.client.close();
});

test('a message of 70,000 characters (as `say` sends): a session on the other process sees exactly what one on this process sees', async () => {
  const carol = await client(a, 'carol2');
  const bob = await client(b, 'bob2');
  const [carolMark, bobMark] = [carol.client.text.length, bob.client.text.length];
  const [aLogged, bLogged] = [a.log.length, b.log.length];
  // Three-byte characters and quotes: the most bytes per character the JSON on the bus can take.
  const said = `[alice2] ${'\u20ac"'.repeat(35_000)}`;
  // Before, this threw "message of N bytes is over the 65536-byte limit of the cross-process bus".
  a.server.broadcast(said);
  // The raw client reads bytes as latin1: back to UTF-8 text.
  const shown = (text: string) => Buffer.from(/\[alice2\] [^\n]* \[\.\.\. \d+ characters cut\]/.exec(text)?.[0] ?? '', 'latin1').toString('utf8');
  await carol.client.waitFor(/characters cut\]/, carolMark);
  await bob.client.waitFor(/characters cut\]/, bobMark, 8000);
  const local = shown(carol.client.since(carolMark));
  // assert.ok, not assert.is: uvu's diff of two 65,000-character strings would take minutes.
  const expected = `${said.slice(0, 65_536)} [... ${said.length - 65_536} characters cut]`;
  assert.ok(local === expected, `local: ${local.length} characters, ${JSON.stringify(local.slice(-60))}`);
  const remote = shown(bob.client.since(bobMark));
  assert.ok(remote === local, `other process: ${remote.length} characters, ${JSON.stringify(remote.slice(-60))}`);
  const logged = [...a.log.slice(aLogged), ...b.log.slice(bLogged)];
  assert.not.ok(logged.some((l) => /^error|over the .*-byte limit/.test(l)), logged.join('\n'));
  for (const c of [carol, bob]) c.client.close();
});

test('Redis killed and restarted: local sessions unaffected, nothing throws, the log says so once, messages resume', async () => {
  const erin = await client(a, 'erin');
  const frank = await client(b, 'frank');
  await redis.stop();
  await until(() => a.log.some((l) => /redis: connection lost/.test(l)), 5000, 'a to notice');
  // Local work goes on; cross-process calls neither throw nor hang a command.
  assert.match(await erin.client.command('echo still here'), /still here/);
  a.server.broadcast('lost in the void');
  assert.match(await erin.client.command('who'), /erin .*\(you\)/);
  await new Promise((resolve) => setTimeout(resolve, 1500)); // reconnect attempts meanwhile
  assert.is(a.log.filter((l) => /redis: connection lost/.test(l)).length, 1, a.log.join('\n'));
  assert.ok(a.log.filter((l) => /redis/.test(l)).length <= 4, `rate-limited: ${a.log.filter((l) => /redis/.test(l)).join('\n')}`);
  await redis.restart();
  await until(() => a.log.some((l) => /redis: connected again/.test(l)) && b.log.some((l) => /redis: connected again/.test(l)), 8000, 'both back');
  // The directory (lost with Redis) is written again, and messages flow again.
  const frankLine = new RegExp(`^${frank.id.replace('.', '\\.')}\\s+frank `, 'm');
  await until(async () => frankLine.test(await erin.client.command('who')), 5000, 'frank listed again');
  const mark = frank.client.text.length;
  await erin.client.command('say back again');
  await frank.client.waitFor(/\[erin\] back again/, mark);
  assert.not.match(frank.client.text, /lost in the void/);
  assert.not.ok(a.log.some((l) => /^error/.test(l)), a.log.join('\n'));
  erin.client.close();
  frank.client.close();
});

test('a process killed with SIGKILL: its sessions leave the directory within seconds', async () => {
  const other = await DemoProcess.start(['--redis', redis.url], 1);
  try {
    const c = await RawClient.connect(other.port);
    clients.push(c);
    const id = await c.login('ghost');
    const ghost = (s: { id: string }) => s.id === id;
    await until(async () => (await a.server.listSessions()).some(ghost), 5000, 'ghost listed');
    other.child.kill('SIGKILL');
    const killedAt = Date.now();
    await until(async () => !(await a.server.listSessions()).some(ghost), 8000, 'ghost gone');
    const took = Date.now() - killedAt;
    assert.ok(took <= 7000, `gone after ${took} ms`);
  } finally {
    await other.stop();
  }
});

test('Redis stopped (SIGSTOP, connections up): messages past 1024 unanswered commands are dropped and logged, not queued; flow resumes on SIGCONT', async () => {
  const gina = await client(a, 'gina');
  const hank = await client(b, 'hank');
  await until(async () => (await a.server.listSessions()).some((s) => s.id === hank.id), 5000, 'hank listed');
  redis.pause();
  try {
    for (let i = 0; i < 1100; i++) a.server.sendTo(hank.id, `queued ${i}`);
    assert.ok(a.log.some((l) => /redis: 1024 commands unanswered; cross-process message dropped/.test(l)), a.log.join('\n'));
  } finally {
    redis.resume();
  }
  const mark = hank.client.text.length;
  await until(() => { a.server.sendTo(hank.id, 'after the pause'); return /after the pause/.test(hank.client.since(mark)); }, 8000, 'messages to flow again');
  // What was queued before the bound arrived, in order; what came past it did not.
  assert.match(hank.client.text, /queued 0\b/);
  assert.not.match(hank.client.text, /queued 1099\b/);
  assert.match(await gina.client.command('echo fine'), /fine/);
  gina.client.close();
  hank.client.close();
});

test('a process stopped with SIGSTOP leaves the directory after its TTL; on SIGCONT its sessions come back', async () => {
  const other = await DemoProcess.start(['--redis', redis.url], 1);
  const pid = other.child.pid!;
  try {
    const c = await RawClient.connect(other.port);
    clients.push(c);
    const id = await c.login('sleeper');
    const listed = async () => (await a.server.listSessions()).some((s) => s.id === id && s.username === 'sleeper');
    await until(listed, 5000, 'sleeper listed');
    process.kill(pid, 'SIGSTOP');
    await until(async () => !(await listed()), 9000, 'sleeper gone (TTL 5 s)');
    process.kill(pid, 'SIGCONT');
    // Nothing about its sessions changed: only finding its claim expired makes it write them again.
    await until(listed, 5000, 'sleeper back');
    const mark = c.text.length;
    a.server.sendTo(id, 'welcome back');
    await c.waitFor(/welcome back/, mark);
  } finally {
    process.kill(pid, 'SIGCONT');
    await other.stop();
  }
});

test('from a rogue publisher: a message one byte over the limit is dropped unparsed (logged once), one at the limit is delivered', async () => {
  const listener = await client(b, 'listener');
  const rogue = new Redis(redis.url);
  try {
    const limit = DEFAULT_MAX_MESSAGE_BYTES;
    const envelope = (text: string) => JSON.stringify({ from: 'rogue', m: { t: 'broadcast', text } });
    const atLimit = envelope('z'.repeat(limit - envelope('').length));
    assert.is(Buffer.byteLength(atLimit), limit);
    const over = envelope('q'.repeat(limit - envelope('').length + 1));
    const mark = listener.client.text.length;
    const logged = b.log.length;
    await rogue.publish('telnetsrv:all', over);
    await rogue.publish('telnetsrv:all', over); // the second is counted, not logged again
    await rogue.publish('telnetsrv:all', '{"from":"rogue","m":{"t":"sendTo"}}'); // malformed
    await rogue.publish('telnetsrv:all', 'not json at all');
    await rogue.publish('telnetsrv:all', atLimit);
    await listener.client.waitFor(/z{1000}/, mark);
    assert.not.match(listener.client.since(mark), /q/);
    const drops = () => b.log.slice(logged).filter((l) => l.includes(`redis: message over the ${limit}-byte limit dropped`));
    await until(() => drops().length > 0, 3000, 'the drop logged');
    assert.is(drops().length, 1, b.log.join('\n'));
    assert.ok(b.log.some((l) => /redis: (malformed|unreadable) message dropped/.test(l)), b.log.join('\n'));
    assert.match(await listener.client.command('echo unharmed'), /unharmed/);
  } finally {
    rogue.disconnect();
    listener.client.close();
  }
});

test.run();
