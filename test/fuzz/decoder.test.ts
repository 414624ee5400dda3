import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { decoderLog } from '../support/decoderLog.js';
import { IAC, SB, SE } from '../../src/protocol/constants.js';
import { check, splitAt } from './runs.js';

const CAP = 64;

/** The decoded log; a subnegotiation past the cap fails the property. */
const decodeChunks = (chunks: Uint8Array[]) =>
  decoderLog(chunks, CAP, (event) => {
    if (event.type === 'subnegotiation' && event.data.length > CAP) throw new Error(`subnegotiation of ${event.data.length} bytes passed the cap`);
  });

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
      assert.equal(log, plain.length ? [`data ${JSON.stringify(Buffer.from(plain).toString('latin1'))}`] : []);
    }),
  );
});

test('an endless subnegotiation is never kept beyond the cap, and data after IAC SE flows again', () => {
  check(
    fc.property(fc.uint8Array({ minLength: CAP + 1, maxLength: 4 * CAP }), fc.nat({ max: 200 }), (payload, option) => {
      const body = payload.filter((byte) => byte !== IAC);
      const bytes = Uint8Array.from([IAC, SB, option, ...body, IAC, SE, 0x41]);
      const log = decodeChunks([bytes]);
      if (body.length > CAP) assert.equal(log, ['warning', 'data "A"']);
      else assert.equal(log, [`sb ${option} [${[...body].join(',')}]`, 'data "A"']);
    }),
  );
});

test.run();
