// A socket read whole by someone else's parser (ssh2's server) is paced like every other input:
// at most the budget per turn of the event loop, in order, with the end behind the data.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import net from 'node:net';
import { paceSocketInput } from '../../src/transports/pacedSocketInput.js';

/** Both ends of a TCP connection on 127.0.0.1, and the listener to close after. */
async function socketPair(): Promise<{ listener: net.Server; client: net.Socket; socket: net.Socket }> {
  const listener = net.createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const { port } = listener.address() as net.AddressInfo;
  const accepted = new Promise<net.Socket>((resolve) => listener.once('connection', resolve));
  const client = net.connect(port, '127.0.0.1');
  return { listener, client, socket: await accepted };
}

test('data reaches the reader at most bytesPerTurn per turn, whole and in order, then the end', async () => {
  const { listener, client, socket } = await socketPair();
  paceSocketInput(socket, { bytesPerTurn: 4096, msPerTurn: 1000 });
  const perTurn: number[] = [0];
  let ticking = true;
  const tick = () => {
    if (!ticking) return;
    perTurn.push(0);
    setImmediate(tick);
  };
  setImmediate(tick);
  const received: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => {
    received.push(chunk);
    perTurn[perTurn.length - 1]! += chunk.length;
  });
  const ended = new Promise<number>((resolve) => socket.once('end', () => resolve(Buffer.concat(received).length)));
  const sent = Buffer.alloc(256 * 1024);
  for (let i = 0; i < sent.length; i++) sent[i] = i % 251;
  client.end(sent);
  const lengthAtEnd = await ended;
  ticking = false;
  // The end came after every byte, and the bytes are those sent, in order.
  assert.is(lengthAtEnd, sent.length);
  assert.ok(Buffer.concat(received).equals(sent));
  assert.ok(Math.max(...perTurn) <= 4096, `at most 4096 bytes a turn, saw ${Math.max(...perTurn)}`);
  assert.ok(perTurn.filter((n) => n > 0).length >= sent.length / 4096, 'spread over at least 64 turns');
  socket.destroy();
  client.destroy();
  await new Promise<void>((resolve) => listener.close(() => resolve()));
});

test('after close nothing queued reaches the reader', async () => {
  const { listener, client, socket } = await socketPair();
  paceSocketInput(socket, { bytesPerTurn: 1024, msPerTurn: 1000 });
  let bytes = 0;
  let closed = false;
  let afterClose = 0;
  socket.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    if (closed) afterClose += chunk.length;
    if (bytes >= 1024 && !closed) {
      closed = true;
      socket.destroy();
    }
  });
  client.write(Buffer.alloc(64 * 1024));
  await new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.is(afterClose, 0);
  client.destroy();
  await new Promise<void>((resolve) => listener.close(() => resolve()));
});

test.run();
