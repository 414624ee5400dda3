import { TTYPE, TTYPE_IS, TTYPE_SEND } from './constants.js';
import { encodeSubnegotiation } from './encoder.js';
import { TERMINAL_LIMITS } from '../terminal/terminalLimits.js';

/** NAWS payload (RFC 1073): width and height as 16-bit big-endian; 0 means "unknown" → null. */
export function parseNaws(data: Uint8Array): { width: number; height: number } | null {
  if (data.length !== 4) return null;
  const width = (data[0]! << 8) | data[1]!;
  const height = (data[2]! << 8) | data[3]!;
  if (width === 0 || height === 0) return null;
  return { width, height };
}

/** TTYPE IS payload (RFC 1091): the terminal name as the client spells it, trimmed; printable ASCII only (MTTS names have a space). */
export function parseTerminalType(data: Uint8Array): string | null {
  if (data.length < 2 || data[0] !== TTYPE_IS) return null;
  let name = '';
  for (let i = 1; i < data.length && name.length < TERMINAL_LIMITS.nameLength; i++) {
    const b = data[i]!;
    if (b >= 0x20 && b <= 0x7e) name += String.fromCharCode(b);
  }
  name = name.trim();
  return name.length > 0 ? name : null;
}

export function ttypeSendRequest(): Uint8Array {
  return encodeSubnegotiation(TTYPE, [TTYPE_SEND]);
}
