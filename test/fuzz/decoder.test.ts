import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { TelnetDecoder, type TelnetEvent } from '../../src/protocol/decoder.js';
import { IAC, SB, SE } from '../../src/protocol/constants.js';
import { check, splitAt } from './runs.js';

const CAP = 64;

/** Decodes the chunks; adjacent data events are merged so the log is independent of chunking. */
function decodeChunks(chunks: Uint8Array[]): string[] {
  const decoder = new TelnetDecoder({ maxSubnegotiation: CAP });
  const log: string[] = [];
  let data: number[] = [];
  const flush = () => {
    if (data.length) log.push(`data ${Buffer.from(data).toString('hex')}`);
    data = [];
  };
  const emit = (event: TelnetEvent) => {
    if (event.type === 'data') {
      data.push(...event.data);
      return;
    }
    flush();
    if (event.type === 'subnegotiation') {
      if (event.data.length > CAP) throw new Error(`subnegotiation of ${event.data.length} bytes passed the cap`);
      log.push(`sb ${event.option} ${Buffer.from(event.data).toString('hex')}`);
    } else if (event.type === 'negotiate') log.push(`negotiate ${event.verb} ${event.option}`);
    else if (event.type === 'command') log.push(`command ${event.command}`);
    else log.push(`warning`);
  };
  for (const chunk of chunks) decoder.decode(chunk, emit);
  flush();
  return log;
}

// Bytes biased towards the interesting ones, so IAC sequences, SB and CR pairs are frequent.
const telnetByte = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 255 }) },
  { weight: 2, arbitrary: fc.constantFrom(IAC, SB, SE, 13, 10, 0, 250, 251, 252, 253, 254, 24, 31) },
);
const telnetBytes = fc.array(telnetByte, { maxLength: 400 }).map((bytes) => Uint8Array.from(bytes));
const cuts = fc.array(fc.nat(), { maxLength: 12 });

test('any bytes, any chunking: never throws, same events as in one chunk', () => {
  check(
    fc.property(telnetBytes, cuts, (bytes, points) => {
      assert.equal(decodeChunks(splitAt(bytes, points)), decodeChunks([bytes]));
    }),
  );
});

test('byte by byte gives the same events as one chunk', () => {
  check(
    fc.property(telnetBytes, (bytes) => {
      const single = [...bytes].map((byte) => Uint8Array.of(byte));
      assert.equal(decodeChunks(single), decodeChunks([bytes]));
    }),
  );
});

test('data without IAC or CR passes through unchanged', () => {
  check(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      const plain = bytes.filter((byte) => byte !== IAC && byte !== 13);
      const log = decodeChunks([plain]);
      assert.equal(log, plain.length ? [`data ${Buffer.from(plain).toString('hex')}`] : []);
    }),
  );
});

test('an endless subnegotiation is never kept beyond the cap, and data after IAC SE flows again', () => {
  check(
    fc.property(fc.uint8Array({ minLength: CAP + 1, maxLength: 4 * CAP }), fc.nat({ max: 200 }), (payload, option) => {
      const body = payload.filter((byte) => byte !== IAC);
      const bytes = Uint8Array.from([IAC, SB, option, ...body, IAC, SE, 0x41]);
      const log = decodeChunks([bytes]);
      if (body.length > CAP) assert.equal(log, ['warning', 'data 41']);
      else assert.equal(log, [`sb ${option} ${Buffer.from(body).toString('hex')}`, 'data 41']);
    }),
  );
});

test.run();
