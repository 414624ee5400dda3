// A PROXY-protocol listener attacked: a v2 header with TLVs up to the size cap (and one byte past),
// a header trickled in a byte at a time, random garbage, and more silent connections than may wait
// for a header. Each is closed without a word or served as it should be; the server goes on.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { createServer, type Server } from '../../src/server.js';
import { createDemoHandler } from '../../src/demo/testHandler.js';
import { parseProxyHeader, PROXY_V2_MAX_LENGTH } from '../../src/transports/proxyProtocol.js';
import { recordingLogger } from '../support/demoServer.js';
import { RawClient, until } from './support.js';

let server: Server;
let port = 0;
const log: string[] = [];
const MAX_PENDING = 8;

test.before(async () => {
  server = createServer(createDemoHandler(), { logger: recordingLogger(log), negotiationTimeoutMs: 50 });
  ({ port } = await server.listenTelnet({ port: 0, proxyProtocol: { headerTimeoutMs: 600, maxPending: MAX_PENDING } }));
});
test.after(async () => {
  await server.close({ timeoutMs: 2000 });
});

const SIGNATURE = [0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a];

/** A v2 PROXY TCP4 header from 192.0.2.<last>:40000 whose whole length is `total` bytes (TLVs fill the rest). */
function v2WithTlvs(total: number, last: number): Buffer {
  const block = total - 16;
  const address = [192, 0, 2, last, 10, 0, 0, 1, 0x9c, 0x40, 0, 23];
  const tlvs: number[] = [];
  // Type 0xE0 (custom), each at most 255 value bytes, until the block is full (a last short one included).
  let left = block - address.length;
  while (left > 0) {
    const value = Math.min(left - 3, 255);
    if (value < 0) throw new Error('no room for a TLV');
    tlvs.push(0xe0, value >> 8, value & 255, ...new Array(value).fill(0x41));
    left -= 3 + value;
  }
  return Buffer.from([...SIGNATURE, 0x21, 0x11, block >> 8, block & 255, ...address, ...tlvs]);
}

async function addressSeen(client: RawClient): Promise<string> {
  await client.login('via');
  return /transport: telnet from (\S+)/.exec(await client.command('debug'))![1]!;
}

test('v2 with TLVs: exactly at the cap is served (in one packet or dribbled), one byte past is refused unread', async () => {
  const atCap = v2WithTlvs(PROXY_V2_MAX_LENGTH, 10);
  assert.is(atCap.length, PROXY_V2_MAX_LENGTH);
  assert.is(atCap.readUInt16BE(14), PROXY_V2_MAX_LENGTH - 16);
  const whole = await RawClient.connect(port, atCap);
  assert.is(await addressSeen(whole), '192.0.2.10:40000');
  whole.close();

  const dribbled = await RawClient.connect(port);
  for (let at = 0; at < atCap.length; at += 97) dribbled.socket.write(atCap.subarray(at, at + 97));
  assert.is(await addressSeen(dribbled), '192.0.2.10:40000');
  dribbled.close();

  // 1041 bytes: refused on the length field alone, before the rest is read.
  const past = await RawClient.connect(port, v2WithTlvs(PROXY_V2_MAX_LENGTH + 1, 11).subarray(0, 16));
  await until(() => past.closed, 3000, 'the oversize header refused');
  assert.is(past.text, '');
  assert.ok(log.some((l) => /refused 127\.0\.0\.1: v2 header of 1041 bytes, over 1040/.test(l)), log.join('\n'));
});

test('a header trickled in a byte at a time is cut at the timeout counted from accept, not from the last byte', async () => {
  const header = Buffer.from('PROXY TCP4 198.51.100.1 10.0.0.1 40000 23\r\n');
  const client = await RawClient.connect(port);
  const started = Date.now();
  let at = 0;
  const drip = setInterval(() => (at < header.length && !client.closed ? client.socket.write(header.subarray(at, ++at)) : clearInterval(drip)), 50);
  try {
    await until(() => client.closed, 3000, 'the trickle cut');
  } finally {
    clearInterval(drip);
  }
  const took = Date.now() - started;
  assert.ok(took >= 550 && at < header.length, `cut after ${took} ms with ${at} of ${header.length} bytes`);
  assert.is(client.text, '');
});

test('random garbage never opens a session nor throws; the server goes on', async () => {
  const samples = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 300 }), { numRuns: 60, seed: 19 });
  const clients: RawClient[] = [];
  // In fours, under the waiting bound, so each is judged on its bytes. Anything not a header prefix is
  // refused at once; a prefix waits for the timeout.
  for (let i = 0; i < samples.length; i += 4) {
    const batch = await Promise.all(samples.slice(i, i + 4).map((bytes) => RawClient.connect(port, Buffer.from(bytes))));
    clients.push(...batch);
    await until(() => batch.every((c) => c.closed), 3000, 'a garbage batch closed');
  }
  assert.not.ok(log.some((l) => /already waiting/.test(l)), 'none refused for the waiting bound');
  assert.ok(clients.every((c) => c.text === ''), 'nothing said to any of them');
  assert.is(server.sessions.length, 0);
  const fine = await RawClient.connect(port, 'PROXY TCP4 198.51.100.2 10.0.0.1 40002 23\r\n');
  assert.is(await addressSeen(fine), '198.51.100.2:40002');
  fine.close();
  // The pure parser over many more: a verdict, never a throw, and never "incomplete" past the caps.
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
      const verdict = parseProxyHeader(bytes);
      return verdict.kind !== 'incomplete' || bytes.length < PROXY_V2_MAX_LENGTH;
    }),
    { numRuns: 2000, seed: 19 },
  );
});

test(`more than ${MAX_PENDING} silent connections: the next is closed at once; room again once they go`, async () => {
  const before = log.length;
  const silent = await Promise.all(Array.from({ length: MAX_PENDING }, () => RawClient.connect(port)));
  await new Promise((resolve) => setTimeout(resolve, 50)); // all accepted
  const started = Date.now();
  const extra = await RawClient.connect(port);
  await until(() => extra.closed, 1000, 'the extra one closed');
  assert.ok(Date.now() - started < 400, 'at once, not at the header timeout');
  assert.ok(silent.every((c) => !c.closed), 'the waiting ones are not cut for it');
  assert.ok(log.slice(before).some((l) => new RegExp(`refused 127\\.0\\.0\\.1: ${MAX_PENDING} connections already waiting for a header`).test(l)), log.join('\n'));
  for (const c of silent) c.close();
  await until(() => silent.every((c) => c.closed), 2000, 'silent ones gone');
  await new Promise((resolve) => setTimeout(resolve, 50));
  const later = await RawClient.connect(port, 'PROXY TCP4 198.51.100.3 10.0.0.1 40003 23\r\n');
  assert.is(await addressSeen(later), '198.51.100.3:40003');
  later.close();
});

test.run();
