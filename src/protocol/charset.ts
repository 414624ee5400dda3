import { CHARSET, CHARSET_ACCEPTED, CHARSET_REJECTED, CHARSET_REQUEST } from './constants.js';
import { encodeSubnegotiation } from './encoder.js';

/** The encodings a session can speak: UTF-8, or an 8-bit set mapped byte for byte. */
export type SessionCharset = 'utf-8' | 'latin1' | 'ascii';

/** Names we offer, best first, and what each means for the session. */
const KNOWN: ReadonlyArray<readonly [string, SessionCharset]> = [
  ['UTF-8', 'utf-8'],
  ['ISO-8859-1', 'latin1'],
  ['ISO_8859-1', 'latin1'],
  ['LATIN1', 'latin1'],
  ['CP1252', 'latin1'],
  ['WINDOWS-1252', 'latin1'],
  ['US-ASCII', 'ascii'],
  ['ASCII', 'ascii'],
];

export function charsetFor(name: string): SessionCharset | null {
  const upper = name.trim().toUpperCase();
  return KNOWN.find(([known]) => known === upper)?.[1] ?? null;
}

/** SB CHARSET REQUEST ;UTF-8;ISO-8859-1;US-ASCII: UTF-8 first, the 8-bit fallbacks after. */
export function charsetRequest(): Uint8Array {
  return encodeSubnegotiation(CHARSET, [CHARSET_REQUEST, ...Buffer.from(';UTF-8;ISO-8859-1;US-ASCII', 'ascii')]);
}

export type CharsetMessage =
  | { kind: 'accepted'; name: string }
  | { kind: 'rejected' }
  | { kind: 'request'; names: string[] }
  | null;

export function parseCharset(data: Uint8Array): CharsetMessage {
  const text = Buffer.from(data.subarray(1)).toString('latin1').slice(0, 512);
  switch (data[0]) {
    case CHARSET_ACCEPTED:
      return { kind: 'accepted', name: text };
    case CHARSET_REJECTED:
      return { kind: 'rejected' };
    case CHARSET_REQUEST: {
      // "[TTABLE] " version marker is not supported; the first byte is the separator.
      if (text.startsWith('[TTABLE]') || text.length < 2) return { kind: 'request', names: [] };
      const separator = text[0]!;
      return { kind: 'request', names: text.slice(1).split(separator).filter((name) => name.length > 0) };
    }
    default:
      return null;
  }
}

/** Our answer to the peer's own REQUEST: UTF-8 if offered, else the first 8-bit set we know. */
export function answerCharsetRequest(names: readonly string[]): { reply: Uint8Array; charset: SessionCharset | null } {
  const pick = names.find((name) => charsetFor(name) === 'utf-8') ?? names.find((name) => charsetFor(name) !== null);
  if (!pick) return { reply: encodeSubnegotiation(CHARSET, [CHARSET_REJECTED]), charset: null };
  return { reply: encodeSubnegotiation(CHARSET, [CHARSET_ACCEPTED, ...Buffer.from(pick, 'latin1')]), charset: charsetFor(pick) };
}

const utf8 = new TextEncoder();

/** Text in the session's encoding; characters the 8-bit set lacks become `?`. */
export function encodeText(text: string, charset: SessionCharset): Uint8Array {
  if (charset === 'utf-8') return utf8.encode(text);
  const limit = charset === 'ascii' ? 0x7f : 0xff;
  const bytes = new Uint8Array(text.length);
  let length = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    bytes[length++] = code <= limit ? code : 0x3f;
  }
  return bytes.subarray(0, length);
}
