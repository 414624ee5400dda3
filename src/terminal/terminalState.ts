import type { SessionCharset } from '../protocol/charset.js';
import { showsColour } from './colour.js';
import type { EchoFacts } from './echo.js';
import { TERMINAL_LIMITS } from './terminalLimits.js';

/**
 * What a transport learned about the terminal, all at once or a fact at a time (telnet: TTYPE, NAWS,
 * NEW-ENVIRON, CHARSET; SSH: pty-req, window-change, env). Absent fields are unchanged.
 */
export interface TerminalChange {
  /** The best terminal name so far. */
  term?: string;
  /** Every name a telnet client gave while TTYPE cycled, in order. */
  terminalTypes?: readonly string[];
  width?: number;
  height?: number;
  environment?: ReadonlyMap<string, string>;
  charset?: SessionCharset;
  /** The client shows what is typed itself (telnet: it refused our ECHO). */
  clientEchoes?: true;
}

/** What an applied change changed that others must act on. */
export interface TerminalChanged {
  /** Width or height: the chart hears RESIZE. */
  size: boolean;
  term: boolean;
  /** The client turned out to echo itself: the echo decision is taken again. */
  clientEchoes: boolean;
}

/** Terminal types of MUD clients: they edit lines themselves and take WILL ECHO as "hide the input". */
const MUD_CLIENT = /^(mudlet|tintin\+*|mushclient|zmud|cmud|tinyfugue|blowtorch|mudrammer|kbtin|axmud|atlantis|beip|mudmaster)/i;

const NO_TYPES: readonly string[] = Object.freeze([]);
const NO_VARIABLES: Readonly<Record<string, string>> = Object.freeze({});
const UNCHANGED: TerminalChanged = Object.freeze({ size: false, term: false, clientEchoes: false });

/** A name as a terminal name may be: printable ASCII, trimmed, within the limit. */
function cleanName(name: string): string {
  return shared(KNOWN_NAMES, name.replace(/[^\x20-\x7e]/g, '').trim().slice(0, TERMINAL_LIMITS.nameLength));
}

/**
 * Terminal names and TTYPE lists repeat from session to session (most clients send one of a few):
 * each is kept once and shared (the lists are frozen), instead of a copy in every session. Bounded:
 * a client sending ever new names only makes the table start over.
 */
const KNOWN_NAMES = new Map<string, string>();
const KNOWN_LISTS = new Map<string, readonly string[]>();
const KNOWN_MAX = 256;
function shared(names: Map<string, string>, name: string): string {
  const known = names.get(name);
  if (known !== undefined) return known;
  if (names.size >= KNOWN_MAX) names.clear();
  names.set(name, name);
  return name;
}
function sharedList(names: readonly string[]): readonly string[] {
  if (names.length === 0) return NO_TYPES;
  const key = names.join('\n');
  const known = KNOWN_LISTS.get(key);
  if (known !== undefined) return known;
  if (KNOWN_LISTS.size >= KNOWN_MAX) KNOWN_LISTS.clear();
  // A copy of its own length: an array grown by push keeps room for 17 names.
  const list = Object.freeze(names.slice());
  KNOWN_LISTS.set(key, list);
  return list;
}

function cleanDimension(value: number | undefined): number | null {
  if (value === undefined || !Number.isFinite(value)) return null;
  const whole = Math.floor(value);
  return whole >= 1 ? Math.min(whole, TERMINAL_LIMITS.dimension) : null;
}

/**
 * One session's terminal facts, with one owner: the transports fill it through `apply` (the only
 * way a fact changes, bounded by TERMINAL_LIMITS), the handler (`term`, `width`, ...), the line
 * editor (width, echo) and the echo decision read it.
 */
export class TerminalState implements EchoFacts {
  #term = 'ansi';
  #terminalTypes = NO_TYPES;
  #width = 80;
  #height = 24;
  #environment = NO_VARIABLES;
  #charset: SessionCharset = 'utf-8';
  #clientEchoes = false;
  readonly lineMode: boolean;

  constructor(options: { lineMode?: boolean } = {}) {
    this.lineMode = options.lineMode ?? false;
  }

  get term(): string {
    return this.#term;
  }

  get terminalTypes(): readonly string[] {
    return this.#terminalTypes;
  }

  get width(): number {
    return this.#width;
  }

  get height(): number {
    return this.#height;
  }

  /** Frozen: a new object on each change, so a reader's copy never changes under it. */
  get environment(): Readonly<Record<string, string>> {
    return this.#environment;
  }

  get charset(): SessionCharset {
    return this.#charset;
  }

  /** Whether the terminal type shows ANSI colour (see `showsColour`). */
  get colour(): boolean {
    return showsColour(this.#term);
  }

  /** Once a client is known to echo itself, it stays so (a later TTYPE name does not undo it). */
  get clientEchoes(): boolean {
    return this.#clientEchoes;
  }

  apply(change: TerminalChange): TerminalChanged {
    let size = false;
    let term = false;
    const echoedBefore = this.#clientEchoes;
    if (change.terminalTypes !== undefined) {
      const names: string[] = [];
      for (const raw of change.terminalTypes) {
        if (names.length >= TERMINAL_LIMITS.terminalTypes) break;
        const name = cleanName(raw);
        if (name.length > 0 && !names.includes(name)) names.push(name);
      }
      this.#terminalTypes = sharedList(names);
      if (names.some((name) => MUD_CLIENT.test(name))) this.#clientEchoes = true;
    }
    if (change.term !== undefined) {
      const name = cleanName(change.term);
      if (name.length > 0 && name !== this.#term) {
        this.#term = name;
        term = true;
      }
      if (MUD_CLIENT.test(name)) this.#clientEchoes = true;
    }
    const width = cleanDimension(change.width);
    const height = cleanDimension(change.height);
    if (width !== null && width !== this.#width) {
      this.#width = width;
      size = true;
    }
    if (height !== null && height !== this.#height) {
      this.#height = height;
      size = true;
    }
    if (change.environment !== undefined) {
      // USER is never kept: identity comes from the login only.
      const entries: [string, string][] = [];
      for (const [name, value] of change.environment) {
        if (entries.length >= TERMINAL_LIMITS.variables) break;
        if (name.length === 0 || name.length > TERMINAL_LIMITS.variableName || name === 'USER') continue;
        entries.push([name, value.slice(0, TERMINAL_LIMITS.variableValue)]);
      }
      // fromEntries defines own properties: a variable named __proto__ is a name like any other.
      this.#environment = Object.freeze(Object.fromEntries(entries));
    }
    if (change.charset !== undefined) this.#charset = change.charset;
    if (change.clientEchoes) this.#clientEchoes = true;
    const clientEchoes = this.#clientEchoes !== echoedBefore;
    return size || term || clientEchoes ? { size, term, clientEchoes } : UNCHANGED;
  }
}
