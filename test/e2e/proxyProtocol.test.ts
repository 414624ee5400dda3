// Listeners behind a TCP load balancer: a PROXY header (v1, v2) before the client's bytes names the
// real client; the session, the per-address limit and the log see it. No header, a bad one or a slow
// one: the connection is closed and one log line says why.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import net from 'node:net';
import ssh2 from 'ssh2';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer, type Server } from '../../src/server.js';
import { createDemoHandler } from '../../src/demo/testHandler.js';
import { recordingLogger } from '../support/demoServer.js';

let server: Server;
let telnetPort = 0;
let sshPort = 0;
const log: string[] = [];
const dir = mkdtempSync(path.join(tmpdir(), 'telnetsrv-proxy-'));

test.before(async () => {
  server = createServer(createDemoHandler(), { logger: recordingLogger(log), negotiationTimeoutMs: 100, maxSessionsPerAddress: 1 });
  ({ port: telnetPort } = await server.listenTelnet({ port: 0, proxyProtocol: { headerTimeoutMs: 400 } }));
  const hostKeyFile = path.join(dir, 'host_key');
  ({ port: sshPort } = await server.listenSsh({ port: 0, hostKeyFile, authCallbackUsername: () => {}, proxyProtocol: true }));
});
test.after(async () => {
  await server.close({ timeoutMs: 2000 });
  rmSync(dir, { recursive: true, force: true });
});

/** A raw client: what the server sent (telnet commands stripped), and whether it closed. */
class Raw {
  text = '';
  closed = false;
  readonly socket: net.Socket;
  constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.text += chunk.toString('latin1').replace(/\xff[\xfb-\xfe][\s\S]|\xff\xfa[\s\S]*?\xff\xf0/g, '');
    });
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => {});
  }
  static async connect(port: number): Promise<Raw> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    return new Raw(socket);
  }
  async waitFor(pattern: RegExp | (() => boolean), ms = 4000): Promise<void> {
    const done = typeof pattern === 'function' ? pattern : () => pattern.test(this.text);
    const until = Date.now() + ms;
    while (!done()) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${pattern}; got ${JSON.stringify(this.text)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

const v2Header = (source: number[], port: number, block?: number[]) => {
  const b = block ?? [...source, 127, 0, 0, 1, port >> 8, port & 255, 0, 23];
  return Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a, 0x21, 0x11, 0, b.length, ...b]);
};

async function loginAndDebug(client: Raw, name: string): Promise<string> {
  await client.waitFor(/Username: /);
  client.socket.write(`${name}\r\ndebug\r\n`);
  await client.waitFor(/transport: telnet from \S+/);
  return /transport: telnet from (\S+)/.exec(client.text)![1]!;
}

test('v1 header, then the login in the same packet: the session is from the header source', async () => {
  const client = await Raw.connect(telnetPort);
  client.socket.write('PROXY TCP4 198.51.100.20 127.0.0.1 40001 23\r\n');
  assert.is(await loginAndDebug(client, 'alice'), '198.51.100.20:40001');
  const info = server.sessions.find((s) => s.username === 'alice');
  assert.is(info?.remoteAddress, '198.51.100.20:40001');
  client.socket.destroy();
  await client.waitFor(() => !server.sessions.some((s) => s.username === 'alice'));
});

test('v2 header (IPv4 and IPv6); the per-address limit counts the header address, not the balancer', async () => {
  const first = await Raw.connect(telnetPort);
  first.socket.write(v2Header([203, 0, 113, 9], 50000));
  assert.is(await loginAndDebug(first, 'bob'), '203.0.113.9:50000');
  // Same real client again: over maxSessionsPerAddress 1, although the TCP peer (127.0.0.1) differs in port only.
  const second = await Raw.connect(telnetPort);
  second.socket.write(v2Header([203, 0, 113, 9], 50001));
  await second.waitFor(/Too many sessions from your address/);
  await second.waitFor(() => second.closed);
  // A different real client through the same balancer is let in.
  const six = await Raw.connect(telnetPort);
  const v6 = [0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), 7, ...new Array(15).fill(0), 1, 0x12, 0x34, 0, 23];
  six.socket.write(Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a, 0x21, 0x21, 0, 36, ...v6]));
  assert.is(await loginAndDebug(six, 'carol'), '[2001:db8::7]:4660');
  first.socket.destroy();
  six.socket.destroy();
});

test('no header, a bad header, a header split in two packets, a slow header', async () => {
  const before = log.length;
  const plain = await Raw.connect(telnetPort);
  plain.socket.write('alice\r\n');
  await plain.waitFor(() => plain.closed);
  assert.is(plain.text, '', 'nothing is said to a connection without a header');
  assert.ok(log.slice(before).some((line) => /warn telnet PROXY protocol: refused 127\.0\.0\.1: no PROXY header/.test(line)), log.join('\n'));

  const bad = await Raw.connect(telnetPort);
  bad.socket.write('PROXY TCP4 1.2.3.999 127.0.0.1 1 23\r\n');
  await bad.waitFor(() => bad.closed);

  const split = await Raw.connect(telnetPort);
  split.socket.write('PROXY TCP4 192.0.2.');
  await new Promise((resolve) => setTimeout(resolve, 100));
  split.socket.write('77 127.0.0.1 1234 23\r\n');
  assert.is(await loginAndDebug(split, 'dave'), '192.0.2.77:1234');
  split.socket.destroy();

  const slow = await Raw.connect(telnetPort);
  slow.socket.write('PROXY TCP4 192.0.2.1 ');
  const started = Date.now();
  await slow.waitFor(() => slow.closed, 3000);
  const waited = Date.now() - started;
  assert.ok(waited >= 350, `closed after ${waited} ms, before the 400 ms timeout`);
  // Rate-limited: four refusals in a row, one line.
  const refusals = log.slice(before).filter((line) => /PROXY protocol: refused/.test(line));
  assert.is(refusals.length, 1, refusals.join('\n'));
});

test('SSH behind a PROXY header: the session sees the header client', async () => {
  const socket = net.connect(sshPort, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write('PROXY TCP6 2001:db8::42 ::1 61000 22\r\n');
  const client = new ssh2.Client();
  const output = await new Promise<string>((resolve, reject) => {
    client.on('ready', () => {
      client.exec('debug', (err, stream) => {
        if (err) return reject(err);
        let text = '';
        stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
        stream.on('close', () => resolve(text));
      });
    });
    client.on('error', reject);
    client.connect({ sock: socket, username: 'erin', readyTimeout: 5000 });
  });
  client.end();
  assert.match(output, /transport: ssh from \[2001:db8::42\]:61000/);
});

test('SSH without a header is refused before any SSH byte is sent', async () => {
  const raw = await Raw.connect(sshPort);
  raw.socket.write('SSH-2.0-OpenSSH_9.6\r\n');
  await raw.waitFor(() => raw.closed);
  assert.is(raw.text, '');
});

test.run();
