import type { ClusterSessionInfo } from '../serverFace.js';
import { CUT_NOTE_MAX_LENGTH } from '../text/messageCut.js';

// What processes say to one another, and the one small interface both transports (node:cluster IPC,
// Redis pub/sub) implement. The server never sees a transport: scaleOut.ts binds one to it.

export type { ClusterSessionInfo };

/** Messages between processes; each is addressed to one process or to all the others. */
export type ScaleMessage =
  | { t: 'sendTo'; id: string; text: string }
  | { t: 'broadcast'; text: string }
  | { t: 'deliver'; ids: string[]; text: string }
  | { t: 'disconnect'; id: string; message: string | null }
  /** Close this process's server (its sessions shown `message`): `close({ everywhere: true })` elsewhere. */
  | { t: 'close'; message: string };

/** Publish/subscribe of bounded messages between the processes of one deployment. */
export interface MessageBus {
  /** This process, unique among those on the bus; the prefix of its session ids. */
  readonly processId: string;
  /** Largest message (serialised, bytes) the bus takes. */
  readonly maxMessageBytes: number;
  /** Bytes `message` takes on the wire (what `maxMessageBytes` bounds). */
  sizeOf(message: ScaleMessage): number;
  /**
   * To one process or to every other ('*'). Throws MessageTooLargeError when it does not fit; never
   * throws for a transport fault (the message is dropped and the log says so).
   */
  publish(to: string, message: ScaleMessage): void;
  onMessage(handler: (message: ScaleMessage, from: string) => void): void;
  close(): Promise<void>;
}

/** Every process's sessions, each process writing its own part; a dead process's part goes away. */
export interface SessionDirectory {
  /** Writes what changed of this process's sessions since the last call. */
  update(changed: readonly ClusterSessionInfo[], removed: readonly string[]): Promise<void>;
  /** Every session of every live process. */
  list(): Promise<ClusterSessionInfo[]>;
  /** Called when the directory lost this process's part (a Redis restart): write all again. */
  onReset(handler: () => void): void;
}

export type ScaleBackend = MessageBus & SessionDirectory;

/**
 * The bus limit that carries any message a server with this `maxMessageLength` shows (sessions cut
 * longer ones, and the server cuts the same way before a message crosses): in JSON a UTF-16 unit
 * takes at most 6 bytes (a lone surrogate, `\udXXX`), plus the cut note, plus the envelope (a
 * `deliver` carries up to 500 session ids).
 */
export function busBytesFor(maxMessageLength: number): number {
  return 6 * (maxMessageLength + CUT_NOTE_MAX_LENGTH) + 16 * 1024;
}

/** Fits the server's default `maxMessageLength` (65,536 characters): 409,828 bytes. */
export const DEFAULT_MAX_MESSAGE_BYTES = busBytesFor(64 * 1024);

export class MessageTooLargeError extends Error {
  constructor(bytes: number, limit: number) {
    super(`message of ${bytes} bytes is over the ${limit}-byte limit of the cross-process bus`);
    this.name = 'MessageTooLargeError';
  }
}

/** The wire form of a message, refused when over `limit` bytes. */
export function encodeMessage(envelope: unknown, limit: number): string {
  const text = JSON.stringify(envelope);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limit) throw new MessageTooLargeError(bytes, limit);
  return text;
}

/** Bytes of a message's wire form. */
export function encodedSize(envelope: unknown): number {
  return Buffer.byteLength(JSON.stringify(envelope), 'utf8');
}

/**
 * Whether a payload read from another process is within `limit` before it is parsed: a string of
 * more than `limit` UTF-16 units is more than `limit` bytes, so the exact count is needed only below.
 */
export function withinLimit(payload: string, limit: number): boolean {
  return payload.length <= limit && Buffer.byteLength(payload, 'utf8') <= limit;
}

/** Reads a message from another process; null for anything malformed (dropped, never thrown). */
export function decodeMessage(value: unknown): ScaleMessage | null {
  if (typeof value !== 'object' || value === null) return null;
  const m = value as Record<string, unknown>;
  switch (m.t) {
    case 'sendTo':
      return typeof m.id === 'string' && typeof m.text === 'string' ? { t: 'sendTo', id: m.id, text: m.text } : null;
    case 'broadcast':
      return typeof m.text === 'string' ? { t: 'broadcast', text: m.text } : null;
    case 'deliver':
      return Array.isArray(m.ids) && m.ids.every((id) => typeof id === 'string') && typeof m.text === 'string'
        ? { t: 'deliver', ids: m.ids as string[], text: m.text }
        : null;
    case 'disconnect':
      return typeof m.id === 'string' && (m.message === null || typeof m.message === 'string')
        ? { t: 'disconnect', id: m.id, message: m.message }
        : null;
    case 'close':
      return typeof m.message === 'string' ? { t: 'close', message: m.message } : null;
    default:
      return null;
  }
}

/** Session info as JSON carries it (dates as ISO strings), and back. */
export function reviveSession(value: unknown): ClusterSessionInfo | null {
  if (typeof value !== 'object' || value === null) return null;
  const s = value as Record<string, unknown>;
  if (typeof s.id !== 'string' || typeof s.process !== 'string' || typeof s.connectedAt !== 'string') return null;
  return {
    id: s.id,
    process: s.process,
    username: typeof s.username === 'string' ? s.username : null,
    remoteAddress: String(s.remoteAddress ?? ''),
    transport: s.transport === 'ssh' ? 'ssh' : 'telnet',
    state: String(s.state ?? ''),
    connectedAt: new Date(s.connectedAt),
  };
}

/** How long a session list waits for the other processes before answering with this one's only. */
export const LIST_TIMEOUT_MS = 1500;

/** A fault that repeats (Redis away, a worker gone) is logged once per this long, with a count. */
export const SCALE_LOG_INTERVAL_MS = 10_000;
