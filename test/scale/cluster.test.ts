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

test.run();
