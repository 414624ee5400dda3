// The demo as a node:cluster of two workers sharing one port: `who` on one lists the users of both,
// `say` reaches both, a worker killed with SIGKILL is replaced and its sessions leave the directory,
// SIGTERM to the primary closes every session gracefully (every sessionEnd runs).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DemoProcess, RawClient, until } from './support.js';

let demo: DemoProcess | null = null;
const clients: RawClient[] = [];

test.after.each(async () => {
  for (const client of clients.splice(0)) client.close();
  await demo?.stop();
  demo = null;
});

/** Clients logged in until two of them are on different workers; returns one on each. */
async function oneOnEach(port: number): Promise<Array<{ client: RawClient; id: string; name: string }>> {
  const byProcess = new Map<string, { client: RawClient; id: string; name: string }>();
  for (let i = 1; byProcess.size < 2; i++) {
    if (i > 8) throw new Error('the cluster never spread clients over two workers');
    const client = await RawClient.connect(port);
    clients.push(client);
    const name = `user${i}`;
    const id = await client.login(name);
    const process = id.slice(0, id.indexOf('.'));
    if (!byProcess.has(process)) byProcess.set(process, { client, id, name });
  }
  return [...byProcess.values()];
}

test('who on one worker lists the users of both; say reaches both; the speaker is not sent it twice', async () => {
  demo = await DemoProcess.start(['--workers', '2'], 2);
  const [a, b] = await oneOnEach(demo.port);
  assert.ok(a && b);
  assert.is.not(a.id.split('.')[0], b.id.split('.')[0]);
  // The other worker's part of the directory is at most a heartbeat (1 s) old.
  const theirLine = new RegExp(`^${b.id.replace('.', '\\.')}\\s+${b.name}\\s+telnet 127\\.0\\.0\\.1:\\d+$`, 'm');
  let who = '';
  await until(async () => theirLine.test((who = await a.client.command('who'))), 5000, 'who to list the other worker');
  assert.is(who.split('\n').filter((line) => /^w\d+\.s\d+ /.test(line)).length, 2, who);

  assert.match(who, new RegExp(`^${a.id.replace('.', '\\.')}\\s+${a.name}\\s+telnet .*\\(you\\)$`, 'm'));
  const heardMark = b.client.text.length;
  const said = await a.client.command('say hello from the other core');
  await b.client.waitFor(new RegExp(`\\[${a.name}\\] hello from the other core`), heardMark);
  assert.is(said.match(/hello from the other core/g)?.length, 2, 'echoed command and the answer, no broadcast copy'); // "say hello..." + "[name] hello..."
});

test('a worker killed with SIGKILL: a new one starts, the other goes on, its sessions leave the directory', async () => {
  demo = await DemoProcess.start(['--workers', '2'], 2);
  const [a, b] = await oneOnEach(demo.port);
  assert.ok(a && b);
  await until(async () => (await a.client.command('who')).includes(b.id), 5000, 'who to list the other worker');
  const victim = demo.listening().find((l) => b.id.startsWith(`${l.process}.`))!;
  process.kill(victim.pid, 'SIGKILL');
  await until(() => b.client.closed, 5000, 'the killed worker\'s client to be cut');
  await until(() => demo!.listening().length >= 3, 15_000, 'a replacement worker');
  const replacement = demo.listening()[2]!;
  assert.is.not(replacement.process, victim.process, 'a new process id, never reused');
  assert.match(demo.err, new RegExp(`worker ${victim.process} \\(pid ${victim.pid}\\) died \\(SIGKILL\\)`));
  const who = await a.client.command('who');
  assert.not.match(who, new RegExp(`${victim.process}\\.`), 'the dead worker\'s sessions are gone');
  assert.match(who, new RegExp(`${a.id.replace('.', '\\.')} .*\\(you\\)`));
});

test('SIGTERM to the primary: every worker tells its sessions and runs every sessionEnd, then all exit', async () => {
  demo = await DemoProcess.start(['--workers', '2'], 2);
  const pair = await oneOnEach(demo.port);
  const sessions = clients.length;
  demo.child.kill('SIGTERM');
  for (const { client } of pair) await client.waitFor(/The server is shutting down\./, 0, 8000);
  await until(() => demo!.child.exitCode !== null, 10_000, 'the primary to exit');
  assert.is(demo.child.exitCode, 0);
  assert.is(demo.err.match(/session ended/g)?.length, sessions, demo.err);
  assert.not.match(demo.err, /died/);
});

test('behind a load balancer: workers take PROXY v1 and v2 headers; who shows the real clients, a bare connection is refused', async () => {
  demo = await DemoProcess.start(['--workers', '2', '--proxy-protocol'], 2);
  const v1 = await RawClient.connect(demo.port, 'PROXY TCP4 198.51.100.7 10.0.0.1 40007 23\r\n');
  clients.push(v1);
  await v1.login('viaone');
  const block = [203, 0, 113, 8, 10, 0, 0, 1, 0x9c, 0x48, 0, 23]; // 203.0.113.8:40008
  const sig = [0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a, 0x21, 0x11, 0, block.length];
  const v2 = await RawClient.connect(demo.port, Buffer.from([...sig, ...block]));
  clients.push(v2);
  await v2.login('viatwo');
  let who = '';
  await until(async () => /viaone .* 198\.51\.100\.7:40007/.test((who = await v2.command('who'))) && /viatwo .* 203\.0\.113\.8:40008/.test(who), 5000, 'both real addresses in who');
  const bare = await RawClient.connect(demo.port);
  bare.socket.write('mallory\r\n');
  await until(() => bare.closed, 5000, 'the bare connection refused');
  assert.is(bare.text, '');
  assert.match(demo.err, /telnet PROXY protocol: refused 127\.0\.0\.1: no PROXY header/);
});

test('close({ everywhere: true }) in one worker: the primary shuts every worker down gracefully (every sessionEnd runs)', async () => {
  demo = await DemoProcess.run('test/scale/fixtures/clusterCloser.ts', [], 2);
  const pair = await oneOnEach(demo.port);
  const sessions = clients.length;
  const closer = pair[0]!;
  closer.client.socket.write('closeall\r\n');
  for (const { client } of pair) await client.waitFor(new RegExp(`Closed everywhere by ${closer.id.replace('.', '\\.')}\\.`), 0, 8000);
  await until(() => demo!.child.exitCode !== null, 10_000, 'the primary to exit');
  assert.is(demo.child.exitCode, 0, demo.err);
  assert.match(demo.err, new RegExp(`cluster: close everywhere from ${closer.id.split('.')[0]}: closing every worker's sessions`));
  assert.is(demo.err.match(/session ended/g)?.length, sessions, demo.err);
  assert.not.match(demo.err, /died|starting another/);
});

test('a worker stopped with SIGSTOP: its sessions leave the directory, messages to it are dropped (not queued); SIGCONT brings it back', async () => {
  demo = await DemoProcess.run('test/scale/fixtures/clusterCloser.ts', [], 2);
  const [a, b] = await oneOnEach(demo.port);
  assert.ok(a && b);
  await until(async () => (await a.client.command('who')).includes(b.id), 5000, 'who to list the other worker');
  const stopped = demo.listening().find((l) => b.id.startsWith(`${l.process}.`))!;
  process.kill(stopped.pid, 'SIGSTOP');
  try {
    const stoppedAt = Date.now();
    await until(async () => !(await a.client.command('who')).includes(b.id), 12_000, 'the stopped worker to leave who');
    assert.ok(Date.now() - stoppedAt >= 4000, 'not before its heartbeat is 5 s overdue');
    assert.match(await a.client.command('shout while you sleep'), /reached 1 here/);
    await until(() => /worker \S+ silent for over 5000 ms; messages to it dropped/.test(demo!.err), 5000, 'the primary to say so');
    assert.match(demo.err, new RegExp(`worker ${stopped.process} silent`));
  } finally {
    process.kill(stopped.pid, 'SIGCONT');
  }
  await until(async () => (await a.client.command('who')).includes(b.id), 5000, 'the worker back in who');
  const mark = b.client.text.length;
  assert.match(await a.client.command(`tell ${b.id} good morning`), /handed on/);
  await b.client.waitFor(/good morning/, mark);
  assert.not.match(b.client.text, /while you sleep/, 'what was sent while it was stopped was dropped');
  assert.not.match(demo.err, /died/);
});

test('a worker that falls behind: relayed messages past the cap are dropped (logged), not queued in the primary; it catches up after', async () => {
  demo = await DemoProcess.run('test/scale/fixtures/clusterCloser.ts', [], 2, { FIXTURE_MAX_PENDING_BYTES: String(256 * 1024) });
  const [a, b] = await oneOnEach(demo.port);
  assert.ok(a && b);
  const slow = demo.listening().find((l) => b.id.startsWith(`${l.process}.`))!;
  const shouts = 30;
  const filler = 'f'.repeat(60_000); // 30 of them: 1.8 MB, well past the cap and what the kernel's pipe holds
  process.kill(slow.pid, 'SIGSTOP'); // reads nothing for a while, under the 5 s it takes to be called silent
  try {
    for (let i = 0; i < shouts; i++) assert.match(await a.client.command(`shout n${i}n ${filler}`), /reached 1 here/);
    await until(() => new RegExp(`worker ${slow.process} is \\d+ bytes behind; messages to it dropped`).test(demo!.err), 3000, 'the primary to drop and say so');
  } finally {
    process.kill(slow.pid, 'SIGCONT');
  }
  const mark = b.client.text.length;
  assert.match(await a.client.command('shout after the storm'), /reached 1 here/);
  await b.client.waitFor(/after the storm/, mark);
  const heard = new Set(b.client.text.match(/n\d+n/g) ?? []);
  assert.ok(heard.size > 0 && heard.size < shouts, `heard ${heard.size} of ${shouts}`);
});

test.run();
