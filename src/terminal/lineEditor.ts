import { DEFAULT_HISTORY_LIMITS, remember, type HistoryLimits } from './history.js';
import { advance } from './displayWidth.js';
import { KeyDecoder, type Key } from './keys.js';
import { columns } from './columns.js';
import type { TabOutcome } from '../shell/completion.js';

export interface LineEditorSink {
  /** Text to show: "\n" for a new line, "\r" for column 0, ANSI CSI for moves and erasing. */
  output(text: string): void;
  /** Enter: the finished line (`secret` when typed with echo off); idle until the next begin(). */
  line(text: string, secret: boolean): void;
  /** ^C: "^C ABORT" was shown and the line discarded. */
  interrupt(): void;
  /** ^D on an empty line. */
  endOfInput(): void;
  /** The line grew past the limit: discarded, and input up to the next Enter is dropped. */
  lineTooLong(limit: number): void;
}

export interface ReadOptions {
  prompt: string;
  echo: boolean;
  useHistory: boolean;
  /** The handler's own history array (not a copy: users may edit it). */
  history: string[];
  /** How much of it to keep; `DEFAULT_HISTORY_LIMITS` when absent. */
  historyLimits?: HistoryLimits;
  /** Tab completion for this line: given the text before the cursor and whether Tab came twice. */
  complete?: (before: string, secondTab: boolean) => TabOutcome | Promise<TabOutcome>;
}

export const DEFAULT_MAX_LINE_LENGTH = 128 * 1024;

const CTRL_C: Key = { kind: 'ctrl', letter: 'c' };
const CTRL_U: Key = { kind: 'ctrl', letter: 'u' };
const BACKSPACE: Key = { kind: 'backspace' };
const segmenter = new Intl.Segmenter();

const left = (columns: number) => (columns > 0 ? `\x1b[${columns}D` : '');
const right = (columns: number) => (columns > 0 ? `\x1b[${columns}C` : '');
const up = (rows: number) => (rows > 0 ? `\x1b[${rows}A` : '');
const down = (rows: number) => (rows > 0 ? `\x1b[${rows}B` : '');
/** Erases from the cursor to the end of the screen: an input wrapped over several rows goes too. */
const ERASE_BELOW = '\x1b[J';

/**
 * Server-side line editing, pure: keys in, screen output and line events out. One begin() reads one
 * line; keys that arrive while idle (type-ahead) wait in a bounded queue for the next begin().
 */
export class LineEditor {
  readonly #sink: LineEditorSink;
  readonly #maxLineLength: number;
  readonly #decoder = new KeyDecoder();
  #queue: Key[] = [];
  #queueHead = 0;
  #queuedChars = 0;
  #draining = false;
  #discarding = false;
  #active = false;
  #options: ReadOptions = { prompt: '', echo: true, useHistory: false, history: [] };
  #buffer = '';
  #cursor = 0;
  #historyIndex = 0;
  #savedLine = '';
  #width = 80;
  /**
   * Where the terminal's cursor is, in columns from the start of the prompt (rows are this divided by
   * the width): long input wraps, and moving back over a wrap needs rows, not just CSI D.
   */
  #at = 0;
  #lastKeyWasTab = false;
  #clientEchoes = false;
  /** A completion is being computed: keys wait in the queue until it is applied. */
  #completing = false;
  /** Counts begin() calls, so a completion that finishes after its line ended is dropped. */
  #generation = 0;

  constructor(sink: LineEditorSink, options: { maxLineLength?: number } = {}) {
    this.#sink = sink;
    this.#maxLineLength = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
  }

  get active(): boolean {
    return this.#active;
  }

  /** The client edits and echoes the line itself (MUD clients): typed text is never echoed back. */
  setClientEchoes(): void {
    this.#clientEchoes = true;
  }

  get clientEchoes(): boolean {
    return this.#clientEchoes;
  }

  /** Whether typed text is drawn by us: echo on, and the client does not draw it itself. */
  get #shows(): boolean {
    return this.#options.echo && !this.#clientEchoes;
  }

  get buffer(): string {
    return this.#buffer;
  }

  get cursor(): number {
    return this.#cursor;
  }

  setWidth(columns: number): void {
    if (columns > 0) this.#width = columns;
  }

  /** Shows the prompt and starts a new line; type-ahead is applied at once. */
  begin(options: ReadOptions): void {
    this.#options = options;
    this.#buffer = '';
    this.#cursor = 0;
    this.#historyIndex = options.history.length;
    this.#savedLine = '';
    this.#lastKeyWasTab = false;
    this.#generation++;
    this.#active = true;
    this.#at = 0;
    this.#sink.output(this.#print(options.prompt));
    this.#drain();
  }

  feed(text: string): void {
    this.#decoder.feed(text, (key) => this.#enqueue(key));
    this.#drain();
  }

  interrupt(): void {
    this.#enqueue(CTRL_C);
    this.#drain();
  }

  eraseCharacter(): void {
    this.#enqueue(BACKSPACE);
    this.#drain();
  }

  eraseLine(): void {
    this.#enqueue(CTRL_U);
    this.#drain();
  }

  /** An asynchronous message: on its own line, then the prompt and the half-typed input again. */
  writeAbove(text: string): void {
    if (!this.#active) {
      this.#sink.output(`${text}\n`);
      return;
    }
    // Back to the first row of a wrapped prompt+input, erase it, and draw it again below the text.
    const erase = `\r${up(Math.floor(this.#at / this.#width))}${ERASE_BELOW}${text}\n`;
    this.#at = 0;
    this.#sink.output(erase + this.#drawLine());
  }

  /**
   * The session ends under the input (shutdown, kick): the cursor goes after the last character, so
   * a closing message starts on a row of its own and never overwrites a wrapped input's tail.
   */
  leaveInput(): void {
    if (this.#active) this.#sink.output(this.#toEnd());
  }

  /** Prints the prompt and the input again where the cursor is (after ^L's clear). */
  redraw(): void {
    if (!this.#active) return;
    this.#at = 0;
    this.#sink.output(this.#drawLine());
  }

  /** The prompt and the input from the start of a row, the cursor put back where it belongs. */
  #drawLine(): string {
    return this.#print(this.#options.prompt + this.#shown(0, this.#buffer.length)) + this.#goto(this.#column(this.#cursor));
  }

  /** Output that advances the cursor; at the right margin a new row is begun at once, so every
   * position has a row to move to (terminals otherwise wait at the margin for the next character). */
  #print(text: string): string {
    const end = advance(this.#at, text, this.#width);
    if (end === this.#at) return text;
    this.#at = end;
    return end % this.#width === 0 ? `${text}\n` : text;
  }

  /** Moves the cursor to column `to` (counted from the start of the prompt) across rows. */
  #goto(to: number): string {
    const width = this.#width;
    const [fromRow, fromColumn] = [Math.floor(this.#at / width), this.#at % width];
    const [toRow, toColumn] = [Math.floor(to / width), to % width];
    this.#at = to;
    const rows = toRow < fromRow ? up(fromRow - toRow) : down(toRow - fromRow);
    return rows + (toColumn < fromColumn ? left(fromColumn - toColumn) : right(toColumn - fromColumn));
  }

  /** The column of buffer index `index`, counted from the start of the prompt. */
  #column(index: number): number {
    return advance(0, this.#options.prompt + this.#shown(0, index), this.#width);
  }

  /** Before output below the input (Enter, ^C, a candidate list): to the end of the input. */
  #toEnd(): string {
    return this.#shows ? this.#goto(this.#column(this.#buffer.length)) : '';
  }

  #enqueue(key: Key): void {
    // Type-ahead is bounded: a client typing into a busy session cannot grow memory without end.
    const size = key.kind === 'text' ? key.text.length : 1;
    if (!this.#active && this.#queuedChars + size > this.#maxLineLength) return;
    this.#queuedChars += size;
    this.#queue.push(key);
  }

  #drain(): void {
    if (this.#draining) return;
    this.#draining = true;
    try {
      while (this.#active && !this.#completing && this.#queueHead < this.#queue.length) {
        const key = this.#queue[this.#queueHead++]!;
        this.#queuedChars -= key.kind === 'text' ? key.text.length : 1;
        this.#handle(key);
      }
      if (this.#queueHead >= this.#queue.length) {
        this.#queue = [];
        this.#queueHead = 0;
        this.#queuedChars = 0;
      }
    } finally {
      this.#draining = false;
    }
    // Keys that came while idle and found no reader still wait, and are dropped while discarding.
    while (this.#discarding && this.#queueHead < this.#queue.length) {
      const key = this.#queue[this.#queueHead++]!;
      if (key.kind === 'enter') this.#discarding = false;
    }
  }

  #handle(key: Key): void {
    if (this.#discarding) {
      if (key.kind === 'enter') this.#discarding = false;
      return;
    }
    const secondTab = key.kind === 'tab' && this.#lastKeyWasTab;
    this.#lastKeyWasTab = key.kind === 'tab';
    switch (key.kind) {
      case 'text':
        this.#insert(key.text);
        return;
      case 'enter':
        this.#enter();
        return;
      case 'backspace':
        if (this.#cursor > 0) this.#deleteRange(this.#previousBoundary(this.#cursor), this.#cursor);
        return;
      case 'delete':
        if (this.#cursor < this.#buffer.length) this.#deleteRange(this.#cursor, this.#nextBoundary(this.#cursor));
        return;
      case 'left':
        if (this.#cursor > 0) this.#moveTo(this.#previousBoundary(this.#cursor));
        return;
      case 'right':
        if (this.#cursor < this.#buffer.length) this.#moveTo(this.#nextBoundary(this.#cursor));
        return;
      case 'home':
        this.#moveTo(0);
        return;
      case 'end':
        this.#moveTo(this.#buffer.length);
        return;
      case 'up':
        this.#walkHistory(-1);
        return;
      case 'down':
        this.#walkHistory(1);
        return;
      case 'ctrl':
        this.#control(key.letter);
        return;
      case 'tab':
        this.#tab(secondTab);
        return;
      case 'unknown':
        return;
    }
  }

  #control(letter: string): void {
    switch (letter) {
      case 'a':
        this.#moveTo(0);
        return;
      case 'e':
        this.#moveTo(this.#buffer.length);
        return;
      case 'b':
        this.#handle({ kind: 'left' });
        return;
      case 'f':
        this.#handle({ kind: 'right' });
        return;
      case 'u':
        this.#deleteRange(0, this.#cursor);
        return;
      case 'k':
        this.#deleteRange(this.#cursor, this.#buffer.length);
        return;
      case 'w': {
        let start = this.#cursor;
        while (start > 0 && this.#buffer[start - 1] === ' ') start--;
        while (start > 0 && this.#buffer[start - 1] !== ' ') start--;
        this.#deleteRange(start, this.#cursor);
        return;
      }
      case 'l':
        this.#sink.output('\x1b[H\x1b[2J');
        this.redraw();
        return;
      case 'c': {
        const toEnd = this.#toEnd();
        this.#active = false;
        this.#buffer = '';
        this.#cursor = 0;
        this.#sink.output(`${toEnd}^C ABORT\n`);
        this.#sink.interrupt();
        return;
      }
      case 'd':
        if (this.#buffer.length === 0) {
          this.#active = false;
          // A client that shows its own input (a pipe, a MUD client) has its own line end.
          if (!this.#clientEchoes) this.#sink.output('\n');
          this.#sink.endOfInput();
        } else if (this.#cursor < this.#buffer.length) {
          this.#deleteRange(this.#cursor, this.#nextBoundary(this.#cursor));
        }
        return;
      case 'p':
        this.#walkHistory(-1);
        return;
      case 'n':
        this.#walkHistory(1);
        return;
    }
  }

  #insert(text: string): void {
    if (this.#buffer.length + text.length > this.#maxLineLength) {
      const toEnd = this.#toEnd();
      this.#active = false;
      this.#discarding = true;
      this.#buffer = '';
      this.#cursor = 0;
      this.#sink.output(`${toEnd}\n`);
      this.#sink.lineTooLong(this.#maxLineLength);
      return;
    }
    const atEnd = this.#cursor === this.#buffer.length;
    this.#buffer = atEnd ? this.#buffer + text : this.#buffer.slice(0, this.#cursor) + text + this.#buffer.slice(this.#cursor);
    this.#cursor += text.length;
    if (!this.#shows) return;
    if (atEnd) {
      this.#sink.output(this.#print(text));
      return;
    }
    // Erased first: with wide characters the tail may land in other cells than before.
    const tail = this.#buffer.slice(this.#cursor);
    this.#sink.output(ERASE_BELOW + this.#print(text + tail) + this.#goto(this.#column(this.#cursor)));
  }

  #tab(secondTab: boolean): void {
    const complete = this.#options.complete;
    if (!complete || !this.#shows) return;
    const outcome = complete(this.#buffer.slice(0, this.#cursor), secondTab);
    if (!(outcome instanceof Promise)) {
      this.#applyTab(outcome);
      return;
    }
    const generation = this.#generation;
    this.#completing = true;
    void outcome
      .catch((): TabOutcome => ({ kind: 'none' }))
      .then((result) => {
        this.#completing = false;
        if (generation === this.#generation && this.#active) this.#applyTab(result);
        this.#drain();
      });
  }

  #applyTab(outcome: TabOutcome): void {
    if (outcome.kind === 'none') {
      this.#sink.output('\x07');
    } else if (outcome.kind === 'replace') {
      const start = Math.min(outcome.start, this.#cursor);
      this.#deleteRange(start, this.#cursor);
      this.#insert(outcome.text);
    } else {
      const list = `${this.#toEnd()}\n${columns(outcome.candidates, this.#width)}\n`;
      this.#at = 0;
      this.#sink.output(list + this.#drawLine());
    }
  }

  #enter(): void {
    const line = this.#buffer;
    const { useHistory, history, historyLimits } = this.#options;
    const toEnd = this.#toEnd();
    this.#active = false;
    this.#buffer = '';
    this.#cursor = 0;
    if (useHistory) remember(history, line, historyLimits ?? DEFAULT_HISTORY_LIMITS);
    // A client that echoes itself has already moved to the next line.
    if (!this.#clientEchoes) this.#sink.output(`${toEnd}\n`);
    this.#sink.line(line, !this.#options.echo);
  }

  /** Removes buffer[start, end) and redraws what follows it. */
  #deleteRange(start: number, end: number): void {
    if (end <= start) return;
    this.#buffer = this.#buffer.slice(0, start) + this.#buffer.slice(end);
    this.#cursor = start;
    if (!this.#shows) return;
    const at = this.#column(start);
    this.#sink.output(this.#goto(at) + ERASE_BELOW + this.#print(this.#buffer.slice(start)) + this.#goto(at));
  }

  #moveTo(position: number): void {
    if (position === this.#cursor) return;
    this.#cursor = position;
    if (this.#shows) this.#sink.output(this.#goto(this.#column(position)));
  }

  #walkHistory(step: -1 | 1): void {
    const { useHistory, history } = this.#options;
    if (!useHistory) return;
    const index = Math.min(this.#historyIndex, history.length);
    const next = index + step;
    if (next < 0 || next > history.length) return;
    if (index === history.length) this.#savedLine = this.#buffer;
    this.#historyIndex = next;
    this.#replaceLine(next === history.length ? this.#savedLine : (history[next] ?? ''));
  }

  #replaceLine(line: string): void {
    this.#buffer = line;
    this.#cursor = line.length;
    if (this.#shows) this.#sink.output(this.#goto(this.#column(0)) + ERASE_BELOW + this.#print(line));
  }

  #shown(start: number, end: number): string {
    return this.#shows ? this.#buffer.slice(start, end) : '';
  }

  /** The start of the character (grapheme) before `index`; only the neighbourhood is segmented. */
  #previousBoundary(index: number): number {
    const from = Math.max(0, index - 16);
    let last = from;
    for (const { index: at } of segmenter.segment(this.#buffer.slice(from, index))) last = from + at;
    return last;
  }

  #nextBoundary(index: number): number {
    const slice = this.#buffer.slice(index, index + 16);
    const first = segmenter.segment(slice)[Symbol.iterator]().next();
    return first.done ? this.#buffer.length : index + first.value.segment.length;
  }
}
