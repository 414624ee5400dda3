// The PROXY protocol parser (v1 text, v2 binary) as balancers write it: good headers, bad ones,
// truncated ones (awaited, not refused), oversize ones, LOCAL, UNKNOWN/UNSPEC, IPv4 and IPv6.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseProxyHeader, formatIPv6, PROXY_V1_MAX_LENGTH, PROXY_V2_MAX_LENGTH, type ProxyParse } from '../../src/transports/proxyProtocol.js';

const SIG = [0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a];

/** A v2 header: version/command byte, family byte, address block (and TLVs) as given. */
function v2(verCmd: number, fam: number, block: number[]): Buffer {
  return Buffer.from([...SIG, verCmd, fam, block.length >> 8, block.length & 255, ...block]);
}
const ipv4Block = [203, 0, 113, 7, 10, 0, 0, 1, 0xd4, 0x31, 0x00, 0x17]; // 203.0.113.7:54321 -> 10.0.0.1:23
const ipv6Block = [
  0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, // 2001:db8::1
  0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, // fe80::2
  0x04, 0xd2, 0x00, 0x16, // 1234 -> 22
];

function parse(bytes: string | Buffer): ProxyParse {
  return parseProxyHeader(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
}
function header(bytes: string | Buffer) {
  const result = parse(bytes);
  if (result.kind !== 'header') throw new Error(`expected a header, got ${JSON.stringify(result)}`);
  return result;
}
/** Refused, with the reason said exactly (a string) or in part (a pattern). */
function invalid(bytes: string | Buffer, reason: RegExp | string): void {
  const result = parse(bytes);
  assert.is(result.kind, 'invalid', JSON.stringify(result));
  if (result.kind !== 'invalid') return;
  if (typeof reason === 'string') assert.is(result.reason, reason);
  else assert.match(result.reason, reason);
}

test('v1 TCP4: source and destination, and the length up to CR LF (client bytes after it untouched)', () => {
  const line = 'PROXY TCP4 192.0.2.10 198.51.100.1 56324 23\r\n';
  const result = header(`${line}hello`);
  assert.is(result.length, line.length);
  assert.equal(result.header, {
    version: 1, command: 'PROXY', family: 'TCP4',
    source: { address: '192.0.2.10', port: 56324 }, destination: { address: '198.51.100.1', port: 23 },
  });
});

test('v1 TCP6 and UNKNOWN (the rest of the line ignored)', () => {
  assert.equal(header('PROXY TCP6 2001:db8::1 ::1 65535 0\r\n').header.source, { address: '2001:db8::1', port: 65535 });
  const unknown = header('PROXY UNKNOWN ffff::1 whatever\r\n');
  assert.equal(unknown.header, { version: 1, command: 'PROXY', family: 'UNKNOWN', source: null, destination: null });
  assert.is(header('PROXY UNKNOWN\r\n').length, 15);
});

test('v1 truncated at every byte is awaited, not refused', () => {
  const line = 'PROXY TCP4 192.0.2.10 198.51.100.1 56324 23\r\n';
  for (let n = 1; n < line.length; n++) assert.is(parse(line.slice(0, n)).kind, 'incomplete', `at ${n}`);
  assert.is(parse(line).kind, 'header');
});

test('v1 at the 107-byte cap is taken; one byte more, or no CR LF by 107 bytes, is refused', () => {
  const longest = `PROXY TCP6 ${'ffff:'.repeat(7)}ffff ${'ffff:'.repeat(7)}ffff 65535 65535\r\n`;
  assert.is(longest.length, 104);
  // Pad the longest legal form to exactly 107 with UNKNOWN's free text.
  const at = `PROXY UNKNOWN ${'x'.repeat(PROXY_V1_MAX_LENGTH - 16)}\r\n`;
  assert.is(at.length, PROXY_V1_MAX_LENGTH);
  assert.is(header(at).length, 107);
  invalid(`PROXY UNKNOWN ${'x'.repeat(PROXY_V1_MAX_LENGTH - 15)}\r\n`, /longer than 107/);
  invalid(`PROXY UNKNOWN ${'x'.repeat(200)}`, /longer than 107/);
  assert.is(parse(`PROXY UNKNOWN ${'x'.repeat(PROXY_V1_MAX_LENGTH - 16)}`).kind, 'incomplete'); // 105 bytes, no CR LF yet
});

test('v1 bad headers are refused with a reason', () => {
  invalid('PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n', /unknown family/);
  invalid('PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n', /exactly two addresses/);
  invalid('PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n', /exactly two addresses/);
  invalid('PROXY TCP4 1.2.3.4  5.6.7.8 1 2\r\n', /exactly two addresses/);
  invalid('PROXY TCP4 ::1 5.6.7.8 1 2\r\n', 'v1 TCP4 source "::1" is not an IPv4 address');
  invalid('PROXY TCP6 1.2.3.4 ::1 1 2\r\n', 'v1 TCP6 source "1.2.3.4" is not an IPv6 address');
  invalid('PROXY TCP6 ::1 1.2.3.4 1 2\r\n', 'v1 TCP6 destination "1.2.3.4" is not an IPv6 address');
  invalid('PROXY TCP4 1.2.3.256 5.6.7.8 1 2\r\n', 'v1 TCP4 source "1.2.3.256" is not an IPv4 address');
  invalid('PROXY TCP4 1.2.3.4 5.6.7.08 1 2\r\n', 'v1 TCP4 destination "5.6.7.08" is not an IPv4 address');
  invalid('PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n', /port/);
  invalid('PROXY TCP4 1.2.3.4 5.6.7.8 080 2\r\n', /port/);
  invalid('PROXY TCP4 1.2.3.4 5.6.7.8 -1 2\r\n', /port/);
  invalid('PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n', /stray/);
  invalid('PROXY TCP4 1.2.3.4\r5.6.7.8 1 2\r\n', /stray/);
  invalid('proxy TCP4 1.2.3.4 5.6.7.8 1 2\r\n', /no PROXY header/);
  invalid('GET / HTTP/1.1\r\n', /no PROXY header/);
  invalid('\xff\xfd\x18', /no PROXY header/); // a telnet client talking straight to us
  invalid('SSH-2.0-OpenSSH_9.6\r\n', /no PROXY header/);
  assert.is(parse('PROX').kind, 'incomplete');
});

test('v2 PROXY over TCP/IPv4 and IPv6, with the length the block says', () => {
  const four = header(Buffer.concat([v2(0x21, 0x11, ipv4Block), Buffer.from('after')]));
  assert.is(four.length, 16 + 12);
  assert.equal(four.header, {
    version: 2, command: 'PROXY', family: 'TCP4',
    source: { address: '203.0.113.7', port: 54321 }, destination: { address: '10.0.0.1', port: 23 },
  });
  const six = header(v2(0x21, 0x21, ipv6Block));
  assert.equal(six.header.source, { address: '2001:db8::1', port: 1234 });
  assert.equal(six.header.destination, { address: 'fe80::2', port: 22 });
  // TLVs after the addresses (AWS and Azure send some) are skipped with the block.
  const tlvs = [0x03, 0x00, 0x04, 1, 2, 3, 4];
  assert.is(header(v2(0x21, 0x11, [...ipv4Block, ...tlvs])).length, 16 + 12 + tlvs.length);
});

test('v2 LOCAL (a health check) and UNSPEC / UNIX carry no client: the socket address stands', () => {
  assert.equal(header(v2(0x20, 0x00, [])).header, { version: 2, command: 'LOCAL', family: 'UNKNOWN', source: null, destination: null });
  // LOCAL with an address block: still LOCAL, addresses ignored.
  const local = header(v2(0x20, 0x11, ipv4Block));
  assert.is(local.header.command, 'LOCAL');
  assert.is(local.header.source, null);
  assert.equal(header(v2(0x21, 0x00, [])).header.family, 'UNKNOWN');
  const unix = header(v2(0x21, 0x31, new Array(216).fill(0)));
  assert.equal([unix.header.family, unix.header.source], ['UNIX', null]);
});

test('v2 truncated at every byte is awaited', () => {
  const full = v2(0x21, 0x21, ipv6Block);
  for (let n = 1; n < full.length; n++) assert.is(parse(full.subarray(0, n)).kind, 'incomplete', `at ${n}`);
});

test('v2 bad headers: version, command, family, short block, DGRAM, oversize at the cap and one past', () => {
  invalid(v2(0x11, 0x11, ipv4Block), /version 1/);
  invalid(v2(0x22, 0x11, ipv4Block), /command 2/);
  invalid(v2(0x21, 0x41, ipv4Block), /family byte/);
  invalid(v2(0x21, 0x13, ipv4Block), /family byte/);
  invalid(v2(0x21, 0x11, ipv4Block.slice(0, 11)), /needs 12/);
  invalid(v2(0x21, 0x21, ipv6Block.slice(0, 35)), /needs 36/);
  invalid(v2(0x21, 0x12, ipv4Block), /DGRAM/);
  const atCap = v2(0x21, 0x11, [...ipv4Block, ...new Array(PROXY_V2_MAX_LENGTH - 16 - 12).fill(0)]);
  assert.is(atCap.length, PROXY_V2_MAX_LENGTH);
  assert.is(header(atCap).length, PROXY_V2_MAX_LENGTH);
  const over = v2(0x21, 0x11, [...ipv4Block, ...new Array(PROXY_V2_MAX_LENGTH - 16 - 12 + 1).fill(0)]);
  // Refused from its 16 fixed bytes: the rest is never waited for.
  invalid(over.subarray(0, 16), /over 1040/);
  invalid(Buffer.from([...SIG.slice(0, 11), 0x0b]), /no PROXY header/);
});

test('IPv6 text form: zero runs, mapped IPv4', () => {
  const bytes = (groups: number[]) => Buffer.from(groups.flatMap((g) => [g >> 8, g & 255]));
  assert.is(formatIPv6(bytes([0, 0, 0, 0, 0, 0, 0, 1])), '::1');
  assert.is(formatIPv6(bytes([0, 0, 0, 0, 0, 0, 0, 0])), '::');
  assert.is(formatIPv6(bytes([0x2001, 0xdb8, 0, 1, 0, 0, 0, 1])), '2001:db8:0:1::1');
  assert.is(formatIPv6(bytes([1, 2, 3, 4, 5, 6, 7, 8])), '1:2:3:4:5:6:7:8');
  assert.is(formatIPv6(bytes([0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201])), '::ffff:192.0.2.1');
});

test.run();
