export type Key =
  | { kind: 'text'; text: string }
  | { kind: 'enter' }
  | { kind: 'backspace' }
  | { kind: 'delete' }
  | { kind: 'left' }
  | { kind: 'right' }
  | { kind: 'up' }
  | { kind: 'down' }
  | { kind: 'home' }
  | { kind: 'end' }
  | { kind: 'wordLeft' }
  | { kind: 'wordRight' }
  | { kind: 'killWordLeft' }
  | { kind: 'killWordRight' }
  | { kind: 'tab' }
  | { kind: 'ctrl'; letter: string }
  | { kind: 'unknown'; sequence: string };

const ENTER: Key = { kind: 'enter' };
const BACKSPACE: Key = { kind: 'backspace' };
const TAB: Key = { kind: 'tab' };

const FINAL_KEYS: Record<string, Key> = {
  A: { kind: 'up' },
  B: { kind: 'down' },
  C: { kind: 'right' },
  D: { kind: 'left' },
  H: { kind: 'home' },
  F: { kind: 'end' },
};

/** Ctrl- or Alt-Left/Right (xterm's ESC [1;5D, ESC [1;3C, ...) move by words. */
const MODIFIED_ARROWS: Record<string, Key> = {
  D: { kind: 'wordLeft' },
  C: { kind: 'wordRight' },
};
const WORD_MODIFIERS = new Set(['3', '5']);

/** Alt + key, sent as ESC + key (readline's Meta keys); ESC DEL and ESC BS are Alt-Backspace. */
const ALT_KEYS: Record<string, Key> = {
  b: { kind: 'wordLeft' },
  f: { kind: 'wordRight' },
  d: { kind: 'killWordRight' },
  '\x7f': { kind: 'killWordLeft' },
  '\x08': { kind: 'killWordLeft' },
};

/** rxvt's Ctrl-Left/Right. */
const SS3_KEYS: Record<string, Key> = {
  ...FINAL_KEYS,
  d: { kind: 'wordLeft' },
  c: { kind: 'wordRight' },
};

const TILDE_KEYS: Record<string, Key> = {
  '1': { kind: 'home' },
  '7': { kind: 'home' },
  '4': { kind: 'end' },
  '8': { kind: 'end' },
  '3': { kind: 'delete' },
};

/** Longest escape sequence kept while waiting for its end; longer ones are junk. */
const MAX_SEQUENCE = 32;

/**
 * Terminal input to keys. Printable runs come out as one `text` key; ESC [ and ESC O sequences may
 * be split across calls; CR, LF and CR LF are each one Enter.
 */
export class KeyDecoder {
  #pending = '';
  #afterCr = false;

  feed(input: string, emit: (key: Key) => void): void {
    const text = this.#pending ? this.#pending + input : input;
    this.#pending = '';
    // The run of plain text so far (no closure per feed for it: this runs for every chunk typed).
    let runStart = -1;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0x20 && code !== 0x7f) {
        this.#afterCr = false;
        if (runStart < 0) runStart = i;
        continue;
      }
      if (runStart >= 0) {
        emit({ kind: 'text', text: text.slice(runStart, i) });
        runStart = -1;
      }
      const afterCr = this.#afterCr;
      this.#afterCr = code === 0x0d;
      if (code === 0x0d) emit(ENTER);
      else if (code === 0x0a) {
        if (!afterCr) emit(ENTER);
      } else if (code === 0x7f || code === 0x08) emit(BACKSPACE);
      else if (code === 0x09) emit(TAB);
      else if (code === 0x1b) {
        const end = this.#escape(text, i, emit);
        if (end < 0) {
          this.#pending = text.slice(i);
          return;
        }
        i = end;
      } else if (code !== 0) {
        emit({ kind: 'ctrl', letter: String.fromCharCode(code + 0x60) });
      }
    }
    if (runStart >= 0) emit({ kind: 'text', text: text.slice(runStart) });
  }

  /** Decodes the sequence starting at ESC `start`; returns its last index, or -1 when incomplete. */
  #escape(text: string, start: number, emit: (key: Key) => void): number {
    const introducer = text[start + 1];
    if (introducer === undefined) return -1;
    if (introducer === 'O') {
      const final = text[start + 2];
      if (final === undefined) return -1;
      // A control (another ESC) cannot end an SS3 key: the ESC O is junk, the control is read as itself.
      if (final < ' ') {
        emit({ kind: 'unknown', sequence: text.slice(start, start + 2) });
        return start + 1;
      }
      emit(SS3_KEYS[final] ?? { kind: 'unknown', sequence: text.slice(start, start + 3) });
      return start + 2;
    }
    if (introducer === ']') return this.#oscString(text, start, emit);
    if (introducer !== '[') {
      const alt = ALT_KEYS[introducer];
      if (alt) {
        emit(alt);
        return start + 1;
      }
      // Any other ESC + key (Alt-key) or a lone ESC: drop the ESC, the key is read as itself.
      return start;
    }
    for (let i = start + 2; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0x40 && code <= 0x7e) {
        const params = text.slice(start + 2, i);
        const final = text[i]!;
        const [first, modifier = ''] = params.split(';') as [string, string?];
        const key =
          final === '~' ? TILDE_KEYS[first] : (WORD_MODIFIERS.has(modifier) && MODIFIED_ARROWS[final]) || FINAL_KEYS[final];
        emit(key ?? { kind: 'unknown', sequence: text.slice(start, i + 1) });
        return i;
      }
      if (i - start > MAX_SEQUENCE || code < 0x20) {
        emit({ kind: 'unknown', sequence: text.slice(start, i) });
        return i - 1;
      }
    }
    return text.length - start > MAX_SEQUENCE ? text.length - 1 : -1;
  }

  /**
   * An OSC string (ESC ], a terminal's answer or one pasted): never keys; up to BEL or ESC \ it is
   * one unknown sequence. One longer than MAX_SEQUENCE is junk up to there, as a CSI. (ESC P, DCS,
   * is left as Alt-P: a user may type that, a terminal sends DCS only when asked.)
   */
  #oscString(text: string, start: number, emit: (key: Key) => void): number {
    for (let i = start + 2; i < text.length; i++) {
      if (i - start > MAX_SEQUENCE) {
        emit({ kind: 'unknown', sequence: text.slice(start, i) });
        return i - 1;
      }
      const code = text.charCodeAt(i);
      if (code === 0x07) {
        emit({ kind: 'unknown', sequence: text.slice(start, i + 1) });
        return i;
      }
      if (code === 0x1b) {
        const next = text[i + 1];
        if (next === undefined) break;
        if (next === '\\') {
          emit({ kind: 'unknown', sequence: text.slice(start, i + 2) });
          return i + 1;
        }
        // Another ESC ends the string, as terminals take it, and begins a sequence of its own.
        emit({ kind: 'unknown', sequence: text.slice(start, i) });
        return i - 1;
      }
    }
    return text.length - start > MAX_SEQUENCE ? text.length - 1 : -1;
  }
}
