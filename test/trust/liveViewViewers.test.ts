// The live view with a viewer that never reads, while sessions keep changing state: that viewer is
// dropped once what it has not read passes the cap, the log says so, and a reading viewer goes on.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import net from 'node:net';
import { LiveView } from '../../src/liveView/liveViewServer.js';
import { sessionMachine } from '../../src/machines/session.js';
import { recordingLogger } from '../support/demoServer.js';
import type { SessionInfo } from '../../src/server.js';

/** 200 sessions whose state changes at every look (a server under churn), 1 KiB of state name each. */
function churningSessions(): () => SessionInfo[] {
  let tick = 0;
  return () => {
    tick++;
    return Array.from({ length: 200 }, (_, i) => ({
      id: `s${i}`,
      username: `user${i}`,
      remoteAddress: `10.0.0.${i % 250}:4000`,
      transport: 'telnet' as const,
      state: `shell.${tick % 2 ? 'prompting' : 'executing'}.${'x'.repeat(1024)}`,
      connectedAt: new Date(0),
    }));
  };
}

/** GET /events on a raw socket; `read: false` never reads a byte after the request. */
function viewer(port: number, read: boolean): Promise<{ socket: net.Socket; received: () => number; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    let received = 0;
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write('GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      if (!read) socket.pause();
      resolve({ socket, received: () => received, closed });
    });
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.on('data', (chunk) => (received += chunk.length));
    socket.once('error', reject);
  });
}

test('a viewer that does not read is dropped past maxViewerBuffer and logged once; a reading one keeps getting updates', async () => {
  const log: string[] = [];
  const view = new LiveView(churningSessions(), sessionMachine, recordingLogger(log), { intervalMs: 5, maxViewerBuffer: 64 * 1024 });
  const { port } = await view.listen({ host: '127.0.0.1', port: 0 });
  const stuck = await viewer(port, false);
  const reading = await viewer(port, true);
  try {
    // (A paused socket does not see the server's close: the log line says when it was dropped.)
    const deadline = Date.now() + 15_000;
    while (!log.some((line) => line.includes('live view: viewer')) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const lines = log.filter((line) => line.includes('live view: viewer'));
    assert.is(lines.length, 1, log.join('\n'));
    assert.match(lines[0]!, /^warn live view: viewer 127\.0\.0\.1 is not reading \(\d+ bytes queued, over 65536\): dropped$/);
    const queued = Number(/\((\d+) bytes queued/.exec(lines[0]!)![1]);
    assert.ok(queued <= 64 * 1024 + 300 * 1024, `at most the cap and one update were queued (${queued})`);
    const before = reading.received();
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.ok(reading.received() > before, 'the reading viewer still gets updates');
    assert.not.ok(reading.socket.destroyed);
    // Read at last, the stuck one finds its connection closed by the server.
    stuck.socket.resume();
    await stuck.closed;
  } finally {
    stuck.socket.destroy();
    reading.socket.destroy();
    await view.close();
  }
});

test.run();
