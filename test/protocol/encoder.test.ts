import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeData, encodeSubnegotiation } from '../../src/protocol/encoder.js';

const CASES: Array<[string, string | number[], number[]]> = [
  ['plain', 'ab', [97, 98]],
  ['LF becomes CR LF', 'a\nb', [97, 13, 10, 98]],
  ['CR LF stays', 'a\r\nb', [97, 13, 10, 98]],
  ['bare CR becomes CR NUL', 'a\rb', [97, 13, 0, 98]],
  ['CR at the end becomes CR NUL', 'a\r', [97, 13, 0]],
  ['LF first', '\n', [13, 10]],
  ['0xFF doubled', [1, 255, 2], [1, 255, 255, 2]],
  ['UTF-8', 'é', [0xc3, 0xa9]],
];

for (const [name, input, expected] of CASES) {
  test(`encodeData: ${name}`, () => {
    assert.equal([...encodeData(typeof input === 'string' ? input : Uint8Array.from(input))], expected);
  });
}

test('encodeSubnegotiation doubles IAC in the payload', () => {
  assert.equal([...encodeSubnegotiation(31, [0, 255, 0, 24])], [255, 250, 31, 0, 255, 255, 0, 24, 255, 240]);
});

test.run();
