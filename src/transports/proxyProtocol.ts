import { isIPv4, isIPv6 } from 'node:net';

// The PROXY protocol (HAProxy's spec, versions 1 and 2): the header a TCP load balancer (HAProxy,
// nginx stream, AWS NLB, GCP, Azure) writes before the client's bytes, naming the real client.
// Pure: bytes in, a verdict out; the listener side (timeout, socket) is proxyListener.ts.

export interface ProxyEndpoint {
  address: string;
  port: number;
}

export interface ProxyHeader {
  version: 1 | 2;
  /** LOCAL: the balancer's own connection (a health check): use the socket's addresses. */
  command: 'PROXY' | 'LOCAL';
  /** UNKNOWN (v1) and UNSPEC/UNIX (v2) carry no usable address: use the socket's. */
  family: 'TCP4' | 'TCP6' | 'UNKNOWN' | 'UNIX';
  /** The real client, when the header names one. */
  source: ProxyEndpoint | null;
  destination: ProxyEndpoint | null;
}

export type ProxyParse =
  | { kind: 'incomplete' }
  | { kind: 'header'; header: ProxyHeader; /** Bytes the header took; the client's data follow. */ length: number }
  | { kind: 'invalid'; reason: string };

/** The longest v1 line the spec allows, CR LF included. */
export const PROXY_V1_MAX_LENGTH = 107;
/** v2: 16 fixed bytes and then a length; TLVs past the addresses are allowed up to this in all. */
export const PROXY_V2_MAX_LENGTH = 16 + 1024;

const V1_PREFIX = Buffer.from('PROXY ', 'latin1');
const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
const INCOMPLETE: ProxyParse = { kind: 'incomplete' };

/** Reads a PROXY header at the start of `bytes` (what has arrived so far). */
export function parseProxyHeader(bytes: Uint8Array, maxV2Length = PROXY_V2_MAX_LENGTH): ProxyParse {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (startsLike(buffer, V2_SIGNATURE)) return buffer.length < V2_SIGNATURE.length ? INCOMPLETE : parseV2(buffer, maxV2Length);
  if (startsLike(buffer, V1_PREFIX)) return buffer.length < V1_PREFIX.length ? INCOMPLETE : parseV1(buffer);
  return { kind: 'invalid', reason: 'no PROXY header' };
}

/** True when `buffer` is a prefix of `magic` or starts with it (so a header split early is awaited). */
function startsLike(buffer: Buffer, magic: Buffer): boolean {
  const n = Math.min(buffer.length, magic.length);
  return n > 0 && buffer.subarray(0, n).equals(magic.subarray(0, n));
}

function parseV1(buffer: Buffer): ProxyParse {
  const end = buffer.indexOf('\r\n', 0, 'latin1');
  const scanned = end < 0 ? buffer.length : end;
  if (scanned + 2 > PROXY_V1_MAX_LENGTH && (end >= 0 || buffer.length >= PROXY_V1_MAX_LENGTH)) {
    return { kind: 'invalid', reason: `v1 header longer than ${PROXY_V1_MAX_LENGTH} bytes` };
  }
  // A bare LF (or a CR not before LF) inside the line is never valid; no need to wait for more.
  const stray = buffer.subarray(0, scanned).findIndex((byte, i) => byte === 0x0a || (byte === 0x0d && i < scanned - 1));
  if (stray >= 0) return { kind: 'invalid', reason: 'v1 header with a stray CR or LF' };
  if (end < 0) return INCOMPLETE;
  const line = buffer.toString('latin1', 0, end);
  const length = end + 2;
  const parts = line.split(' ');
  const family = parts[1];
  if (family === 'UNKNOWN') {
    // The rest of the line is to be ignored (the balancer could not say who the client is).
    return { kind: 'header', length, header: { version: 1, command: 'PROXY', family: 'UNKNOWN', source: null, destination: null } };
  }
  if (family !== 'TCP4' && family !== 'TCP6') return { kind: 'invalid', reason: `v1 unknown family ${JSON.stringify(family ?? '')}` };
  if (parts.length !== 6) return { kind: 'invalid', reason: 'v1 header needs exactly two addresses and two ports' };
  const [, , src, dst, srcPort, dstPort] = parts as [string, string, string, string, string, string];
  const isIp = family === 'TCP4' ? isIPv4 : isIPv6;
  const version = family === 'TCP4' ? 'IPv4' : 'IPv6';
  if (!isIp(src)) return { kind: 'invalid', reason: `v1 ${family} source ${JSON.stringify(src)} is not an ${version} address` };
  if (!isIp(dst)) return { kind: 'invalid', reason: `v1 ${family} destination ${JSON.stringify(dst)} is not an ${version} address` };
  const sourcePort = parsePort(srcPort);
  const destinationPort = parsePort(dstPort);
  if (sourcePort === null || destinationPort === null) return { kind: 'invalid', reason: 'v1 port not 0..65535' };
  return {
    kind: 'header',
    length,
    header: {
      version: 1,
      command: 'PROXY',
      family,
      source: { address: src, port: sourcePort },
      destination: { address: dst, port: destinationPort },
    },
  };
}

/** Decimal 0..65535 without leading zeros, as the spec writes them. */
function parsePort(text: string): number | null {
  if (!/^(0|[1-9][0-9]{0,4})$/.test(text)) return null;
  const port = Number(text);
  return port <= 65535 ? port : null;
}

function parseV2(buffer: Buffer, maxLength: number): ProxyParse {
  if (buffer.length < 16) return INCOMPLETE;
  const versionCommand = buffer[12]!;
  if (versionCommand >> 4 !== 2) return { kind: 'invalid', reason: `v2 version ${versionCommand >> 4}` };
  const commandBits = versionCommand & 0x0f;
  if (commandBits > 1) return { kind: 'invalid', reason: `v2 command ${commandBits}` };
  const familyByte = buffer[13]!;
  const addressFamily = familyByte >> 4;
  const protocol = familyByte & 0x0f;
  const blockLength = buffer.readUInt16BE(14);
  const length = 16 + blockLength;
  if (length > maxLength) return { kind: 'invalid', reason: `v2 header of ${length} bytes, over ${maxLength}` };
  if (addressFamily > 3 || protocol > 2) return { kind: 'invalid', reason: `v2 family byte 0x${familyByte.toString(16)}` };
  const needed = addressFamily === 1 ? 12 : addressFamily === 2 ? 36 : addressFamily === 3 ? 216 : 0;
  if (blockLength < needed) return { kind: 'invalid', reason: `v2 address block of ${blockLength} bytes, needs ${needed}` };
  if (buffer.length < length) return INCOMPLETE;
  const local = commandBits === 0;
  // LOCAL, UNSPEC, UNIX, or a datagram protocol on a stream: the socket's own addresses stand.
  if (local || addressFamily === 0 || addressFamily === 3 || protocol !== 1) {
    const family = addressFamily === 3 ? 'UNIX' : 'UNKNOWN';
    if (!local && protocol === 2) return { kind: 'invalid', reason: 'v2 DGRAM on a stream listener' };
    if (!local && protocol === 0 && addressFamily !== 0) return { kind: 'invalid', reason: 'v2 UNSPEC protocol with an address family' };
    if (!local && family === 'UNKNOWN' && addressFamily !== 0) return { kind: 'invalid', reason: 'v2 unreadable family' };
    return {
      kind: 'header',
      length,
      header: { version: 2, command: local ? 'LOCAL' : 'PROXY', family: addressFamily === 1 ? 'TCP4' : addressFamily === 2 ? 'TCP6' : family, source: null, destination: null },
    };
  }
  // The address block: source address, destination address, source port, destination port.
  const block = buffer.subarray(16, length);
  const v4 = addressFamily === 1;
  const size = v4 ? 4 : 16;
  const address = (at: number) => (v4 ? block.subarray(at, at + size).join('.') : formatIPv6(block.subarray(at, at + size)));
  return {
    kind: 'header',
    length,
    header: {
      version: 2,
      command: 'PROXY',
      family: v4 ? 'TCP4' : 'TCP6',
      source: { address: address(0), port: block.readUInt16BE(2 * size) },
      destination: { address: address(size), port: block.readUInt16BE(2 * size + 2) },
    },
  };
}

/** Eight groups, each without leading zeros, the longest run of zero groups as `::` (RFC 5952). */
export function formatIPv6(bytes: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  // IPv4-mapped (::ffff:a.b.c.d): written as Node writes a mapped peer, so per-address limits agree.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return `::ffff:${[...bytes.subarray(12, 16)].join('.')}`;
  let bestStart = -1, bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength && j - i >= 2) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
