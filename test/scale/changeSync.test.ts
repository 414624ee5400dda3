// A login reaches the directory soon (so `who` on another process lists the user logged in, not as
// connecting until the next heartbeat), and a burst of logins costs at most one directory write per
// CHANGE_SYNC_MS. The heartbeat here is a minute: every write seen within the test is a login's.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from '../../src/server.js';
import { createDemoHandler } from '../../src/demo/testHandler.js';
import { CHANGE_SYNC_MS, scaleOut, type ScaledServer } from '../../src/scale/scaleOut.js';
import type { ClusterSessionInfo, ScaleBackend } from '../../src/scale/bus.js';
import type { SessionInfo } from '../../src/serverFace.js';
import { recordingLogger } from '../support/demoServer.js';
import { RawClient, until } from './support.js';

/** A directory that records each write (when, and what it held), and lists nothing of others. */
function recordingBackend(writes: Array<{ at: number; changed: readonly ClusterSessionInfo[] }>): ScaleBackend {
  return {
    processId: 'p1',
    maxMessageBytes: 65536,
    sizeOf: () => 0,
    publish() {},
    onMessage() {},
    close: async () => {},
    update: async (changed) => void writes.push({ at: Date.now(), changed }),
    list: async () => [],
    onReset() {},
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function fakeServer(sessions: SessionInfo[]): ScaledServer {
  const log: string[] = [];
  return { sessions, joinProcesses() {}, receive() {}, close: async () => {}, logger: recordingLogger(log) };
}

const info = (id: string, username: string | null): SessionInfo => ({
  id,
  username,
  remoteAddress: '127.0.0.1:1',
  transport: 'telnet',
  state: 'shell.prompting',
  connectedAt: new Date(0),
});

test('logins in one burst make one write at once; one more within CHANGE_SYNC_MS waits for its turn, then is written', async () => {
  const writes: Array<{ at: number; changed: readonly ClusterSessionInfo[] }> = [];
  const sessions: SessionInfo[] = [];
  const scale = scaleOut(fakeServer(sessions), recordingBackend(writes), { heartbeatMs: 60_000 });
  try {
    await until(() => writes.length === 1, 1000, 'the first heartbeat at start');
    sessions.push(info('p1.s1', 'alice'), info('p1.s2', 'bob'));
    for (let i = 0; i < 100; i++) scale.sessionsChanged();
    await until(() => writes.length === 2, 1000, 'the burst to be written');
    const burst = writes[1]!;
    assert.equal(burst.changed.map((s) => s.username), ['alice', 'bob']);
    // The next login, right after: not written before CHANGE_SYNC_MS have passed since the last write.
    sessions.push(info('p1.s3', 'carol'));
    scale.sessionsChanged();
    scale.sessionsChanged();
    await until(() => writes.length === 3, 1000, 'the second login to be written');
    const second = writes[2]!;
    assert.equal(second.changed.map((s) => s.username), ['carol']);
    assert.ok(second.at - burst.at >= CHANGE_SYNC_MS - 2, `${second.at - burst.at} ms apart`);
    assert.ok(second.at - burst.at < CHANGE_SYNC_MS + 500, `${second.at - burst.at} ms apart`);
    await sleep(CHANGE_SYNC_MS * 2);
    assert.is(writes.length, 3, 'two calls asked for one write');
  } finally {
    await scale.close();
  }
  // Closed: a late change writes nothing.
  const before = writes.length;
  scale.sessionsChanged();
  await sleep(CHANGE_SYNC_MS + 50);
  assert.is(writes.length, before);
});

test('a telnet login reaches the directory with its username well before the next heartbeat', async () => {
  const writes: Array<{ at: number; changed: readonly ClusterSessionInfo[] }> = [];
  const log: string[] = [];
  const server = createServer(createDemoHandler(), { logger: recordingLogger(log), negotiationTimeoutMs: 50 });
  const scale = scaleOut(server, recordingBackend(writes), { heartbeatMs: 60_000 });
  const { port } = await server.listenTelnet({ port: 0 });
  const client = await RawClient.connect(port);
  try {
    const id = await client.login('dora');
    await until(() => writes.some((w) => w.changed.some((s) => s.id === id && s.username === 'dora')), 2000, "dora's login in the directory");
  } finally {
    client.close();
    await server.close({ timeoutMs: 2000 });
    await scale.close();
  }
});

test.run();
