// The telnet transport's output on the wire: ASCII text leaves as a string cooked for telnet (LF -> CR
// LF, bare CR -> CR NUL, CR LF kept), other text as encoded bytes with the same rules and IAC doubled;
// output written while input is handled leaves at once when the session waits for input again.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import net from 'node:net';
import { TelnetTransport } from '../../src/transports/telnet.js';
import { terminalEvents } from '../support/terminalEvents.js';

const turn = () => new Promise((resolve) => setImmediate(resolve));

async function connected(awaitingInput: () => boolean) {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  const socket = await accepted;
  const received: number[] = [];
  client.on('data', (chunk: Buffer) => received.push(...chunk));
  const typed: string[] = [];
  // When the socket is written, and when the turn that handled the input ends.
  const marks: string[] = [];
  const write = socket.write.bind(socket) as (chunk: string | Uint8Array, encoding?: BufferEncoding) => boolean;
  (socket as { write: unknown }).write = (chunk: string | Uint8Array, encoding?: BufferEncoding) => {
    marks.push('write');
    return write(chunk, encoding);
  };
  const transport = new TelnetTransport(socket);
  const events = terminalEvents({
    data: (text) => {
      typed.push(text);
      transport.write(`<${text}>`);
      setImmediate(() => marks.push('turn end'));
    },
    awaitingInput,
  });
  transport.attach(events);
  // The opening negotiation first: read, then forgotten.
  const until = async (count: number) => {
    for (let i = 0; i < 200 && received.length < count; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  };
  await until(1);
  await turn();
  received.length = 0;
  marks.length = 0;
  const close = async () => {
    client.destroy();
    socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  };
  return { transport, client, received, until, typed, marks, close };
}

test('line ends and bytes on the wire, ASCII and not, a bare CR at the end of one turn and an LF at the start of the next', async () => {
  const { transport, received, until, close } = await connected(() => true);
  try {
    transport.write('a\nb\rc\r\nd');
    await until(10);
    assert.equal(received.splice(0), [97, 13, 10, 98, 13, 0, 99, 13, 10, 100]);
    transport.write('é\nÿ\r');
    await until(9);
    // UTF-8 (é is C3 A9, ÿ is C3 BF: no 0xFF byte to double), the same line-end rules.
    assert.equal(received.splice(0), [0xc3, 0xa9, 13, 10, 0xc3, 0xbf, 13, 0]);
    transport.write('x\r');
    await until(3);
    transport.write('\ny');
    await until(6);
    assert.equal(received.splice(0), [120, 13, 0, 13, 10, 121]);
    // The same text twice (the cooked string is kept for the next writer of it): the same bytes.
    transport.write('p\n');
    await until(3);
    transport.write('p\n');
    await until(6);
    assert.equal(received.splice(0), [112, 13, 10, 112, 13, 10]);
  } finally {
    await close();
  }
});

test('output written while input is handled: at once (before the turn ends) when the session waits for input, else at the turn end', async () => {
  for (const waiting of [true, false]) {
    const { client, received, until, typed, marks, close } = await connected(() => waiting);
    try {
      client.write('hi');
      for (let i = 0; i < 200 && typed.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
      assert.equal(typed, ['hi']);
      await until(4);
      assert.equal(Buffer.from(received).toString('latin1'), '<hi>', `waiting: ${waiting}`);
      await turn();
      // Waiting for input: written inside the input's own handling; a command still running: at the turn's end.
      assert.equal(marks, waiting ? ['write', 'turn end'] : ['turn end', 'write'], `waiting: ${waiting}`);
    } finally {
      await close();
    }
  }
});

test.run();
