// A server that is not scaled out sees no change: ids stay `s<N>`, listSessions() is its sessions,
// and joining other processes is refused once sessions are being served (their ids would not say where they live).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startDemo } from '../support/demoServer.js';
import { RawClient } from './support.js';
import type { RemoteSessions } from '../../src/scale/remoteSessions.js';

test('one process: ids without a process, listSessions is the local list, who unchanged', async () => {
  const running = await startDemo({}, { negotiationTimeoutMs: 50 });
  try {
    const client = await RawClient.connect(running.port);
    const id = await client.login('solo');
    assert.match(id, /^s\d+$/);
    const listed = await running.server.listSessions();
    assert.equal(listed.map((s) => [s.id, s.username, s.process]), [[id, 'solo', 'local']]);
    assert.equal(listed.map(({ process: _p, ...rest }) => rest), running.server.sessions);
    assert.match(await client.command('who'), new RegExp(`^${id}\\s+solo\\s+telnet 127\\.0\\.0\\.1:\\d+ \\(you\\)$`, 'm'));
    const remote: RemoteSessions = { processId: 'late', isRemote: () => false, refusal: () => null, sendTo: () => true, broadcast: () => {}, disconnect: () => true, closeEverywhere: () => {}, list: async () => [], sessionsChanged: () => {} };
    assert.throws(() => running.server.joinProcesses(remote), /before serving sessions/);
    client.close();
  } finally {
    await running.stop();
  }
});

test.run();
