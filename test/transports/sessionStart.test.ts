// A session's start waits its turn (Server.startSession, src/transports/turnQueue.ts): a connection
// closed while it waits is never started and costs nothing more, one that waited starts with its
// socket flowing, and the login timeout counts from the accept, not from the start.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import net, { type Socket } from 'node:net';
import { chargeProcessWork, nextTurn, PROCESS_INPUT_MS_PER_TURN } from '../../src/transports/inputPacer.js';
import { TelnetTransport } from '../../src/transports/telnet.js';
import { startDemo } from '../support/demoServer.js';
import { TelnetTestClient } from '../support/telnetClient.js';

/** A plain listener that hands each accepted socket to `take` (instead of the server's own listener). */
async function listener(take: (socket: Socket) => void): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer(take);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function accepted(count: number, port: number, sockets: Socket[]): Promise<net.Socket[]> {
  const clients = Array.from({ length: count }, () => net.connect(port, '127.0.0.1'));
  for (const client of clients) client.on('error', () => {});
  return new Promise((resolve) => {
    const poll = setInterval(() => {
      if (sockets.length >= count) {
        clearInterval(poll);
        resolve(clients);
      }
    }, 5);
  });
}

test('a connection closed while it waits to start is never started; one that waited starts and reads', async () => {
  const demo = await startDemo();
  const sockets: Socket[] = [];
  const plain = await listener((socket) => sockets.push(socket));
  try {
    const clients = await accepted(3, plain.port, sockets);
    for (const socket of sockets) assert.ok(demo.server.admitSocket(socket));
    const started: number[] = [];
    await nextTurn();
    // This turn's input (other connections') took the whole process budget: the first start runs, the rest wait.
    chargeProcessWork(PROCESS_INPUT_MS_PER_TURN);
    sockets.forEach((socket, i) =>
      demo.server.startSession(socket, () => {
        started.push(i);
        demo.server.serve(new TelnetTransport(socket));
        socket.resume();
      }),
    );
    assert.equal(started, [0], 'one start a turn at least; the others wait');
    assert.is(demo.server.connectionCounts.total, 3, 'waiting ones count towards the limits');
    sockets[1]!.destroy(); // closed while it waits
    for (let turns = 0; started.length < 2 && turns < 50; turns++) await nextTurn();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(started, [0, 2], 'the closed one never started');
    // The one that waited was paused meanwhile and reads now: its client gets the negotiation and can log in.
    const waited = clients[2]!;
    let seen = '';
    const sees = (text: string) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${JSON.stringify(text)} in ${JSON.stringify(seen)}`)), 5000);
        const check = () => {
          if (!seen.includes(text)) return;
          clearTimeout(timer);
          waited.off('data', onData);
          resolve();
        };
        const onData = (chunk: Buffer) => {
          seen += chunk.toString('latin1');
          check();
        };
        waited.on('data', onData);
        check();
      });
    await sees('Username: ');
    waited.write('bob\r\n');
    await sees('TestServer> ');
    for (const client of clients) client.destroy();
    for (let i = 0; i < 1000 && demo.server.connectionCounts.total > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.is(demo.server.connectionCounts.total, 0, 'every connection counted out, the one that never started too');
    assert.is(demo.server.sessions.length, 0);
  } finally {
    await plain.close();
    await demo.stop();
  }
});

test('the login timeout counts from the accept: a session that waited to start has that much less time', async () => {
  const demo = await startDemo({}, { loginTimeoutMs: 4000 });
  const plain = await listener((socket) => {
    if (!demo.server.admitSocket(socket)) return;
    // As if it had waited 3.9 s in the start queue.
    demo.server.serve(new TelnetTransport(socket, { acceptedAtMs: Date.now() - 3900 }));
  });
  try {
    const client = await TelnetTestClient.connect(plain.port);
    const started = Date.now();
    await client.waitFor('Login timed out', { timeoutMs: 10_000 });
    const waited = Date.now() - started;
    assert.ok(waited < 3000, `timed out ${waited} ms after the start, not 4 s after it`);
    client.close();
  } finally {
    await plain.close();
    await demo.stop();
  }
});

test.run();
