import { CR, IAC, LF, NUL, SB, SE } from './constants.js';

const utf8 = new TextEncoder();

/** Data for the wire: LF → CR LF, bare CR → CR NUL, CR LF kept, 0xFF doubled. */
export function encodeData(text: string | Uint8Array): Uint8Array {
  const bytes = typeof text === 'string' ? utf8.encode(text) : text;
  let extra = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === IAC) extra++;
    else if (b === LF && (i === 0 || bytes[i - 1] !== CR)) extra++;
    else if (b === CR && bytes[i + 1] !== LF) extra++;
  }
  if (extra === 0) return bytes;
  const out = new Uint8Array(bytes.length + extra);
  let o = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === LF) {
      if (i === 0 || bytes[i - 1] !== CR) out[o++] = CR;
      out[o++] = LF;
    } else if (b === CR) {
      out[o++] = CR;
      if (bytes[i + 1] !== LF) out[o++] = NUL;
    } else if (b === IAC) {
      out[o++] = IAC;
      out[o++] = IAC;
    } else {
      out[o++] = b;
    }
  }
  return out;
}

export function encodeNegotiation(verb: number, option: number): Uint8Array {
  return Uint8Array.of(IAC, verb, option);
}

export function encodeCommand(command: number): Uint8Array {
  return Uint8Array.of(IAC, command);
}

export function encodeSubnegotiation(option: number, payload: Uint8Array | readonly number[]): Uint8Array {
  const out: number[] = [IAC, SB, option];
  for (const b of payload) {
    out.push(b);
    if (b === IAC) out.push(IAC);
  }
  out.push(IAC, SE);
  return Uint8Array.from(out);
}
