import { DEFAULT_HISTORY_LIMITS, remember, type HistoryLimits } from './history.js';
import { advance } from './displayWidth.js';
import { CellLine, cellWork, measureCells, NO_CELLS, type Cells } from './graphemeCells.js';
import { KeyDecoder, type Key } from './keys.js';
import { wordEndAfter, wordStartBefore } from './words.js';
import { columns } from './columns.js';
import type { TabOutcome } from '../shell/completion.js';
import { decideEcho, type EchoDecision, type EchoFacts } from './echo.js';

export interface TabCompleter {
  tabComplete(before: string, secondTab: boolean): TabOutcome | Promise<TabOutcome>;
}

export interface LineEditorSink {
  /** Text to show: "\n" for a new line, "\r" for column 0, ANSI CSI for moves and erasing. */
  output(text: string): void;
  /** Enter: the finished line (`secret` when typed with echo off); idle until the next begin(). */
  line(text: string, secret: boolean): void;
  /** ^C: "^C ABORT" was shown and the line discarded. */
  interrupt(): void;
  /**
   * ^C while no line is read: a running command is to be stopped. Not `interrupt`, which abandons a
   * prompt's line: between two login prompts (a check running) it must not restart the login.
   */
  interruptCommand(): void;
  /** ^D on an empty line. */
  endOfInput(): void;
  /** The line grew past the limit: discarded, and input up to the next Enter is dropped. */
  lineTooLong(limit: number): void;
  /** Keys typed while no line is read went past the bound (`limit` characters): the rest is dropped. Once per spell. */
  typeAheadDropped?(limit: number): void;
  /**
   * The editor stopped part-way through the keys it was given: `budgetSpent` said this turn's input
   * budget is spent. The rest wait in order for `resume()`, on a later turn; input should wait too.
   */
  keysWaiting?(): void;
}

export interface LineEditorOptions {
  maxLineLength?: number;
  wrapLimit?: number;
  terminal?: EditorTerminal;
  /**
   * Asked between keys (never before the first key of a drain, so each drain moves on): true stops
   * the editor until `resume()`. Keys cost O(line) at worst (a delete mid-way through a 128 Ki line),
   * and a chunk of input holds thousands: the clock is the caller's, the editor stays pure.
   */
  budgetSpent?: () => boolean;
}

export interface ReadOptions {
  prompt: string;
  echo: boolean;
  useHistory: boolean;
  /** The handler's own history array (not a copy: users may edit it). */
  history: string[];
  /** How much of it to keep; `DEFAULT_HISTORY_LIMITS` when absent. */
  historyLimits?: HistoryLimits;
  /**
   * Tab completion for this line: given the text before the cursor and whether Tab came twice. An
   * object with `tabComplete` (a session) lets the owner make its completer at the first Tab.
   */
  complete?: TabCompleter['tabComplete'] | TabCompleter;
  /**
   * False: Up and Down walk the history but Enter does not add the line to it (the shell adds a
   * command typed over continuation lines as one entry when it is complete). True when absent.
   */
  remember?: boolean;
  /** Longest line for this read (the prompts before login take a smaller one); the editor's own when absent. */
  maxLineLength?: number;
}

export const DEFAULT_MAX_LINE_LENGTH = 128 * 1024;

/** What the editor reads of the terminal: its width, and who shows typed text (see `decideEcho`). */
export interface EditorTerminal extends EchoFacts {
  readonly width: number;
}

/**
 * Prompt + input up to this many cells (and code units) is drawn wrapped over rows, as typed: about
 * a 80x24 screen. A longer input is shown in one row that scrolls sideways around the cursor, so
 * that no key costs more than a screen of work however long the line (a wrapped line longer than
 * the screen cannot be shown whole anyway: the terminal cannot move the cursor above its top row).
 * Back to wrapped at half of it, so a line at the edge does not flip at every key.
 */
export const WRAP_LIMIT = 2048;
/** Most code units walked to find what one scrolled row shows (zero-width text takes no cells). */
const ROW_UNITS = 4096;
/** Tab with more than this before the cursor rings the bell: completion parses the whole line. */
export const MAX_COMPLETION_INPUT = 4096;
/** Recalled history lines whose cells are kept, so walking up and down measures nothing again. */
const RECALLED_KEPT = 8;
/**
 * Most code units typed at the end of the line kept apart from the rest (`#tail`): typing or erasing
 * there touches only them, not a copy of the whole line. V8 copies a string built by `+` whole at its
 * next slice: a 128 Ki line copied at every key was 50 us a key, and 128 KiB of large-object space.
 */
const TAIL_UNITS = 512;

const CTRL_C: Key = { kind: 'ctrl', letter: 'c' };
const CTRL_U: Key = { kind: 'ctrl', letter: 'u' };
const BACKSPACE: Key = { kind: 'backspace' };

const left = (columns: number) => (columns > 0 ? `\x1b[${columns}D` : '');
const right = (columns: number) => (columns > 0 ? `\x1b[${columns}C` : '');
const up = (rows: number) => (rows > 0 ? `\x1b[${rows}A` : '');
const down = (rows: number) => (rows > 0 ? `\x1b[${rows}B` : '');
/** Home, then erase the whole screen (^L). */
const CLEAR_SCREEN = '\x1b[H\x1b[2J';
/** Erases from the cursor to the end of the screen: an input wrapped over several rows goes too. */
const ERASE_BELOW = '\x1b[J';

/**
 * The last message drawn above an input, and the text that drew it: a broadcast draws the same
 * for every session at the same prompt (the same strings: the message, the handler's prompt), so
 * the text is made once per message, not once per session.
 */
let lastAbove = { rows: '', text: '', below: '', drawn: '' };
function drawAbove(rows: string, text: string, below: string): string {
  const last = lastAbove;
  if (last.text === text && last.below === below && last.rows === rows) return last.drawn;
  const drawn = `\r${rows}${ERASE_BELOW}${text}\n${below}`;
  lastAbove = { rows, text, below, drawn };
  return drawn;
}

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
  /** Queue index of the last ^C typed, or -1: while no line is read it acts at once (see #drain). */
  #interruptAt = -1;
  #draining = false;
  #discarding = false;
  #active = false;
  #options: ReadOptions = { prompt: '', echo: true, useHistory: false, history: [] };
  /** The line is `#head + #tail`: the tail holds what was typed last at the end (see TAIL_UNITS). */
  #head = '';
  #tail = '';
  /** Stopped for the turn's budget with keys left (`resume()` goes on). */
  #held = false;
  readonly #budgetSpent: (() => boolean) | undefined;
  /** One byte per code unit of the buffer: where characters start and their widths. */
  readonly #cells = new CellLine();
  #cursor = 0;
  /** Column after the prompt (printed from column 0), measured once per prompt and width. */
  #promptEnd = 0;
  #promptMeasured: { prompt: string; width: number } | null = null;
  /** Drawn wrapped over rows (short input) or in one row scrolled sideways (long input). */
  #wrapped = true;
  /** Scrolled: the first buffer index the row shows. */
  #viewStart = 0;
  /** The connection is gone: keys still arriving are dropped. */
  #closed = false;
  #savedCells: Cells = NO_CELLS;
  /** Made at the first history recall. */
  #recalled: Map<string, Cells> | null = null;
  #historyIndex = 0;
  #savedLine = '';
  /** The session's terminal state (read at each use: one owner), or the editor's own when alone. */
  readonly #terminal: EditorTerminal;
  /** Alone (no terminal given): an 80-column terminal that leaves echo to us; `setWidth` changes it. */
  #own: { clientEchoes: boolean; lineMode: boolean; width: number } | null = null;
  /**
   * Where the terminal's cursor is, in columns from the start of the prompt (rows are this divided by
   * the width): long input wraps, and moving back over a wrap needs rows, not just CSI D. Read only
   * while wrapped (the scrolled row is always drawn from its start).
   */
  #at = 0;
  #lastKeyWasTab = false;
  /** A completion is being computed: keys wait in the queue until it is applied. */
  #completing = false;
  /** Counts begin() calls, so a completion that finishes after its line ended is dropped. */
  #generation = 0;

  /** Cells of prompt + input drawn wrapped; past it, one scrolled row. */
  readonly #wrapLimit: number;

  constructor(sink: LineEditorSink, options: LineEditorOptions = {}) {
    this.#sink = sink;
    this.#budgetSpent = options.budgetSpent;
    this.#terminal = options.terminal ?? (this.#own = { clientEchoes: false, lineMode: false, width: 80 });
    this.#maxLineLength = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
    this.#wrapLimit = options.wrapLimit ?? WRAP_LIMIT;
  }

  get active(): boolean {
    return this.#active;
  }

  /** Who shows what for the line being read: the one echo decision, on the terminal's facts. */
  get #echo(): EchoDecision {
    return decideEcho(this.#terminal, !this.#options.echo);
  }

  /** Whether typed text is drawn by us. */
  get #shows(): boolean {
    return this.#echo.drawTyped;
  }

  get #width(): number {
    return this.#terminal.width;
  }

  get buffer(): string {
    return this.#buffer;
  }

  /** The whole line as one string (the tail joined to the head). */
  get #buffer(): string {
    if (this.#tail === '') return this.#head;
    this.#head += this.#tail;
    this.#tail = '';
    return this.#head;
  }

  set #buffer(line: string) {
    this.#head = line;
    this.#tail = '';
  }

  get #length(): number {
    return this.#head.length + this.#tail.length;
  }

  /** buffer[start, end) without joining the tail to the head. */
  #slice(start: number, end: number): string {
    const head = this.#head;
    const split = head.length;
    if (end <= split) return head.slice(start, end);
    if (start >= split) return this.#tail.slice(start - split, end - split);
    return head.slice(start) + this.#tail.slice(0, end - split);
  }

  /** Keys wait for `resume()`: the turn's budget stopped the editor part-way. */
  get keysWaiting(): boolean {
    return this.#held;
  }

  /** Goes on with the keys that waited for the next turn's budget. */
  resume(): void {
    if (this.#closed || !this.#held) return;
    this.#held = false;
    this.#drain();
  }

  get cursor(): number {
    return this.#cursor;
  }

  /** The input is longer than a screenful and shown in one row scrolled sideways. */
  get scrolled(): boolean {
    return !this.#wrapped;
  }

  /** The width of an editor's own terminal (one made without a terminal state: tests, tools). */
  setWidth(columns: number): void {
    if (columns > 0 && this.#own) this.#own.width = columns;
  }

  /** The connection closed: nothing more is read, queued keys are dropped. */
  close(): void {
    this.#closed = true;
    this.#active = false;
    this.#held = false;
    this.#queue = [];
    this.#queueHead = 0;
    this.#queuedChars = 0;
  }

  /** Shows the prompt and starts a new line; type-ahead is applied at once. */
  begin(options: ReadOptions): void {
    if (this.#closed) return;
    this.#options = options;
    this.#buffer = '';
    this.#cells.clear();
    this.#cursor = 0;
    this.#wrapped = true;
    this.#viewStart = 0;
    this.#historyIndex = options.history.length;
    this.#savedLine = '';
    this.#savedCells = NO_CELLS;
    this.#lastKeyWasTab = false;
    this.#generation++;
    this.#active = true;
    this.#at = 0;
    const dropped = this.#droppedTypeAhead ? `Typed ahead past ${this.#maxLineLength} characters: the rest was dropped.\n` : '';
    this.#droppedTypeAhead = false;
    this.#emit(dropped + this.#printPrompt());
    this.#drain();
  }

  feed(text: string): void {
    if (this.#closed) return;
    this.#decoder.feed(text, (key) => this.#enqueue(key));
    this.#drain();
  }

  interrupt(): void {
    if (this.#closed) return;
    this.#enqueue(CTRL_C);
    this.#drain();
  }

  eraseCharacter(): void {
    if (this.#closed) return;
    this.#enqueue(BACKSPACE);
    this.#drain();
  }

  eraseLine(): void {
    if (this.#closed) return;
    this.#enqueue(CTRL_U);
    this.#drain();
  }

  /** An asynchronous message: on its own line, then the prompt and the half-typed input again. */
  writeAbove(text: string): void {
    this.#flush();
    if (!this.#active) {
      this.#sink.output(`${text}\n`);
      return;
    }
    // Back to the first row of a wrapped prompt+input, erase it, and draw it again below the text.
    const rows = this.#wrapped ? up(Math.floor(this.#at / this.#width)) : '';
    this.#at = 0;
    this.#sink.output(drawAbove(rows, text, this.#render()));
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
    this.#emit(this.#render());
  }

  /** The prompt and the input from the start of a row, as the display mode draws them. */
  #render(): string {
    return this.#wrapped ? this.#drawLine() : this.#drawRow();
  }

  /** Wrapped: the prompt and the input from the start of a row, the cursor put back where it belongs. */
  #drawLine(): string {
    if (!this.#shows) return this.#printPrompt();
    return this.#printPrompt() + this.#printRange(0, this.#length) + this.#goto(this.#column(this.#cursor));
  }

  /** The prompt, printed from column 0. */
  #printPrompt(): string {
    const end = this.#measurePrompt();
    this.#at = end;
    const prompt = this.#options.prompt;
    return end > 0 && end % this.#width === 0 ? `${prompt}\n` : prompt;
  }

  #measurePrompt(): number {
    const { prompt } = this.#options;
    const measured = this.#promptMeasured;
    if (measured === null || measured.prompt !== prompt || measured.width !== this.#width) {
      this.#promptEnd = advance(0, prompt, this.#width);
      this.#promptMeasured = { prompt, width: this.#width };
    }
    return this.#promptEnd;
  }

  /** Output that prints buffer[start, end) from the cursor; at the right margin a new row is begun
   * at once, so every position has a row to move to (terminals otherwise wait at the margin). */
  #printRange(start: number, end: number): string {
    const text = this.#slice(start, end);
    const to = this.#advance(this.#at, start, end);
    if (to === this.#at) return text;
    this.#at = to;
    return to % this.#width === 0 ? `${text}\n` : text;
  }

  /** The column reached printing buffer[start, end) from `column`: a wide character that would
   * straddle the right margin goes to the next row, as terminals print it. */
  #advance(column: number, start: number, end: number): number {
    const width = this.#width;
    const cells = this.#cells;
    let at = column;
    for (let i = start; i < end; i++) {
      const cell = cells.at(i);
      if (cell === 0) continue;
      if (cell === 3 && at % width === width - 1) at++;
      at += cell - 1;
    }
    cellWork.scanned += end - start;
    return at;
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

  /** Wrapped: the column of buffer index `index`, counted from the start of the prompt. */
  #column(index: number): number {
    return this.#advance(this.#measurePrompt(), 0, index);
  }

  /** Before output below the input (Enter, ^C, a candidate list): to the end of the input. */
  #toEnd(): string {
    if (!this.#shows || !this.#wrapped) return '';
    return this.#goto(this.#column(this.#length));
  }

  /**
   * After `#toEnd()`: the line end before output below the input, none when the input (or the
   * prompt) filled its last row to the margin, where a new row was already begun: else that row
   * would stay blank between the input and what follows.
   */
  #newRow(): string {
    return this.#wrapped && this.#at > 0 && this.#at % this.#width === 0 ? '' : '\n';
  }

  /** Prompt + input small enough to be drawn wrapped (`half`: the lower mark, to come back to it). */
  #fitsWrapped(half = false): boolean {
    const size = this.#measurePrompt() + Math.max(this.#length, this.#cells.width);
    return size <= (half ? this.#wrapLimit / 2 : this.#wrapLimit);
  }

  /**
   * After an edit: draws it where no wrapped redraw applies (hidden input, a mode switch, the
   * one-row view) and says so; false leaves the wrapped redraw to the caller.
   */
  #drewUnwrapped(): boolean {
    if (!this.#shows) return true;
    const switched = this.#switchMode();
    if (switched !== null) {
      this.#emit(switched);
      return true;
    }
    if (!this.#wrapped) {
      this.#emit(this.#drawRow());
      return true;
    }
    return false;
  }

  /** After the buffer changed: the display mode it needs; the output of a switch, or null. */
  #switchMode(): string | null {
    if (this.#wrapped && !this.#fitsWrapped()) {
      // From the first row of the wrapped input (as far up as the screen goes), erased.
      const erase = this.#goto(0) + ERASE_BELOW;
      this.#wrapped = false;
      // From the start: the view settles around the cursor with the text before it in view (a long
      // paste shows its end, not an empty row after the prompt).
      this.#viewStart = 0;
      this.#at = 0;
      return erase + this.#drawRow();
    }
    if (!this.#wrapped && this.#fitsWrapped(true)) {
      this.#wrapped = true;
      this.#at = 0;
      return `\r${ERASE_BELOW}${this.#drawLine()}`;
    }
    return null;
  }

  /**
   * Scrolled: the row from its start: the prompt when it takes at most half the row, then as much
   * of the input from `#viewStart` as fits before the last column, the cursor put where it belongs.
   */
  #drawRow(): string {
    const width = this.#width;
    const promptEnd = this.#measurePrompt();
    const prompt = promptEnd * 2 <= width ? this.#options.prompt : '';
    const shown = prompt === '' ? 0 : promptEnd;
    const room = Math.max(2, width - 1 - shown);
    const cursorAt = this.#settleView(room);
    const cells = this.#cells;
    let end = this.#viewStart;
    let used = 0;
    while (end < this.#length && end - this.#viewStart < ROW_UNITS) {
      const cell = cells.at(end);
      if (cell > 0 && used + cell - 1 > room) break;
      if (cell > 0) used += cell - 1;
      end++;
    }
    // Never a character cut in two at the end.
    if (end < this.#length) end = cells.startOf(end);
    cellWork.scanned += end - this.#viewStart;
    const row = `\r${prompt}${this.#slice(this.#viewStart, end)}\x1b[K`;
    return row + left(this.#advance(0, this.#viewStart, end) - cursorAt);
  }

  /** Moves the scrolled view so that the cursor is in it; returns the cursor's cells from its start. */
  #settleView(room: number): number {
    const cells = this.#cells;
    const cursor = this.#cursor;
    if (this.#viewStart > cursor) {
      // Moving left out of view: the cursor a third of the way in, so there is text to its left.
      this.#viewStart = this.#back(cursor, Math.floor(room / 3));
    } else {
      this.#viewStart = cells.startOf(Math.min(this.#viewStart, this.#length));
    }
    const before = this.#cellsBetween(this.#viewStart, cursor, room);
    if (before <= room) return before;
    // Moving right out of view: typing at the end shows all the row can; else the cursor two thirds in.
    this.#viewStart = this.#back(cursor, cursor === this.#length ? room : Math.floor((room * 2) / 3));
    return this.#cellsBetween(this.#viewStart, cursor, room);
  }

  /** Cells from `start` to `end`, or more than `most` as soon as that is clear. */
  #cellsBetween(start: number, end: number, most: number): number {
    const cells = this.#cells;
    let used = 0;
    let i = start;
    for (; i < end; i++) {
      const cell = cells.at(i);
      if (cell > 0) used += cell - 1;
      if (used > most || i - start >= ROW_UNITS) {
        used = most + 1;
        break;
      }
    }
    cellWork.scanned += i - start;
    return used;
  }

  /** The character start up to `most` cells (and ROW_UNITS code units) before `index`. */
  #back(index: number, most: number): number {
    const cells = this.#cells;
    let at = index;
    let used = 0;
    while (at > 0 && index - at < ROW_UNITS) {
      const previous = cells.previousStart(at);
      const width = Math.max(0, cells.at(previous) - 1);
      if (used + width > most) break;
      used += width;
      at = previous;
    }
    return at;
  }

  /** Type-ahead went past its bound since the last prompt: the user is told at the next one. */
  #droppedTypeAhead = false;

  #enqueue(key: Key): void {
    // Type-ahead is bounded: a client typing into a busy session cannot grow memory without end.
    const size = key.kind === 'text' ? key.text.length : 1;
    if (key.kind === 'ctrl' && key.letter === 'c') this.#interruptAt = this.#queue.length;
    // Past the bound, everything up to the next prompt goes, Enter too: a line cut short must not run.
    else if (!this.#active && (this.#droppedTypeAhead || this.#queuedChars + size > this.#maxLineLength)) {
      if (!this.#droppedTypeAhead) this.#sink.typeAheadDropped?.(this.#maxLineLength);
      this.#droppedTypeAhead = true;
      return;
    }
    this.#queuedChars += size;
    this.#queue.push(key);
  }

  /** Output of the keys of one drain, sent as one write when it ends (or before a line event). */
  #batch: string[] | null = null;
  /** ^L came in this batch: clear and redraw before anything else is drawn or sent. */
  #redrawPending = false;

  #emit(text: string): void {
    if (text === '') return;
    if (this.#batch) this.#batch.push(text);
    else this.#sink.output(text);
  }

  /** A ^L of this batch: the clear and the line drawn again, now. */
  #settleRedraw(): void {
    if (!this.#redrawPending) return;
    this.#redrawPending = false;
    this.#emit(CLEAR_SCREEN);
    this.redraw();
  }

  #flush(): void {
    this.#settleRedraw();
    const batch = this.#batch;
    if (batch === null || batch.length === 0) return;
    this.#batch = [];
    this.#sink.output(batch.join(''));
  }

  #drain(): void {
    // Held: keys that come meanwhile wait behind those held, for `resume()`.
    if (this.#draining || this.#held) return;
    this.#draining = true;
    const outer = this.#batch === null;
    if (outer) this.#batch = [];
    const budgetSpent = this.#budgetSpent;
    let handled = false;
    try {
      while (this.#active && !this.#completing && this.#queueHead < this.#queue.length) {
        // Asked between keys only: one key typed at a time reads no clock.
        if (handled && budgetSpent?.()) {
          this.#held = true;
          break;
        }
        handled = true;
        const key = this.#queue[this.#queueHead++]!;
        this.#queuedChars -= key.kind === 'text' ? key.text.length : 1;
        this.#handle(key);
      }
      if (!this.#active && this.#interruptAt >= this.#queueHead) this.#interruptWhileIdle();
      if (this.#queueHead >= this.#queue.length) {
        this.#queue = [];
        this.#queueHead = 0;
        this.#queuedChars = 0;
        this.#interruptAt = -1;
      }
    } finally {
      this.#draining = false;
      if (outer) {
        this.#flush();
        this.#batch = null;
      }
    }
    if (this.#held) {
      this.#sink.keysWaiting?.();
      return;
    }
    // Keys that came while idle and found no reader still wait, and are dropped while discarding:
    // no longer counted against the type-ahead bound (else the Enter ending a long paste, and the
    // next line after it, were dropped too), and their room given back.
    while (this.#discarding && this.#queueHead < this.#queue.length) {
      const key = this.#queue[this.#queueHead++]!;
      this.#queuedChars -= key.kind === 'text' ? key.text.length : 1;
      if (key.kind === 'enter') this.#discarding = false;
      if (this.#queueHead === this.#queue.length) {
        this.#queue = [];
        this.#queueHead = 0;
      }
    }
  }

  /**
   * ^C while no line is read (a command runs) acts at once, as a terminal's ISIG makes it: the keys
   * typed ahead of it are dropped, and the session is told, so the command can be stopped.
   */
  #interruptWhileIdle(): void {
    const upTo = this.#interruptAt;
    this.#interruptAt = -1;
    for (let index = this.#queueHead; index <= upTo; index++) {
      const key = this.#queue[index]!;
      this.#queuedChars -= key.kind === 'text' ? key.text.length : 1;
    }
    this.#queueHead = upTo + 1;
    this.#sink.output('^C\n');
    this.#sink.interruptCommand();
  }

  #handle(key: Key): void {
    if (this.#discarding) {
      if (key.kind === 'enter') this.#discarding = false;
      return;
    }
    if (!(key.kind === 'ctrl' && key.letter === 'l')) this.#settleRedraw();
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
        if (this.#cursor > 0) this.#deleteRange(this.#cells.previousStart(this.#cursor), this.#cursor);
        return;
      case 'delete':
        if (this.#cursor < this.#length) this.#deleteRange(this.#cursor, this.#cells.nextStart(this.#cursor));
        return;
      case 'left':
        if (this.#cursor > 0) this.#moveTo(this.#cells.previousStart(this.#cursor));
        return;
      case 'right':
        if (this.#cursor < this.#length) this.#moveTo(this.#cells.nextStart(this.#cursor));
        return;
      case 'home':
        this.#moveTo(0);
        return;
      case 'end':
        this.#moveTo(this.#length);
        return;
      case 'wordLeft':
        this.#moveTo(this.#cells.startOf(wordStartBefore(this.#buffer, this.#cursor)));
        return;
      case 'wordRight':
        this.#moveTo(this.#wordEnd());
        return;
      case 'killWordLeft':
        this.#deleteRange(this.#cells.startOf(wordStartBefore(this.#buffer, this.#cursor)), this.#cursor);
        return;
      case 'killWordRight':
        this.#deleteRange(this.#cursor, this.#wordEnd());
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
        this.#moveTo(this.#length);
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
        this.#deleteRange(this.#cursor, this.#length);
        return;
      case 'w': {
        // Erases what it walks over, so the walk costs no more than the characters it removes.
        const buffer = this.#buffer;
        let start = this.#cursor;
        while (start > 0 && buffer[start - 1] === ' ') start--;
        while (start > 0 && buffer[start - 1] !== ' ') start--;
        this.#deleteRange(this.#cells.startOf(start), this.#cursor);
        return;
      }
      case 'l':
        // What is still to be sent would be cleared at once, and the line is drawn when the batch is
        // sent or another key comes: 60,000 ^L in a row clear and draw once.
        if (this.#batch) {
          this.#batch.length = 0;
          this.#redrawPending = true;
          return;
        }
        this.#emit(CLEAR_SCREEN);
        this.redraw();
        return;
      case 'c': {
        const toEnd = this.#toEnd();
        this.#active = false;
        this.#clearLine();
        this.#emit(`${toEnd}^C ABORT\n`);
        this.#flush();
        this.#sink.interrupt();
        return;
      }
      case 'd':
        if (this.#length === 0) {
          this.#active = false;
          // A client that shows its own input (a pipe, a MUD client) has its own line end.
          if (this.#echo.drawLineEnd) this.#emit(this.#newRow());
          this.#flush();
          this.#sink.endOfInput();
        } else if (this.#cursor < this.#length) {
          this.#deleteRange(this.#cursor, this.#cells.nextStart(this.#cursor));
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

  /** Where Alt-f stops: the end of the next word, on a character's start and past the cursor. */
  #wordEnd(): number {
    if (this.#cursor === this.#length) return this.#cursor;
    const end = this.#cells.startOf(wordEndAfter(this.#buffer, this.#cursor));
    return end > this.#cursor ? end : this.#cells.nextStart(this.#cursor);
  }

  #insert(text: string): void {
    const limit = this.#lineLimit;
    if (this.#length + text.length > limit) {
      const toEnd = this.#toEnd();
      this.#active = false;
      this.#discarding = true;
      this.#clearLine();
      this.#emit(toEnd + this.#newRow());
      this.#flush();
      this.#sink.lineTooLong(limit);
      return;
    }
    const at = this.#cursor;
    const atEnd = at === this.#length;
    if (!atEnd) this.#buffer = this.#slice(0, at) + text + this.#slice(at, this.#length);
    else if (this.#tail.length + text.length <= TAIL_UNITS) this.#tail += text;
    else this.#buffer += text;
    this.#cursor += text.length;
    this.#cells.insert(at, new Uint8Array(text.length));
    const from = this.#measureAround(at, at + text.length);
    if (this.#drewUnwrapped()) return;
    // From where measuring began: a mark typed after a letter may change how the letter is drawn.
    const back = from < at ? this.#goto(this.#column(from)) : '';
    if (atEnd) {
      this.#emit(back + this.#printRange(from, this.#length));
      return;
    }
    // Erased first: with wide characters the tail may land in other cells than before.
    const redraw = this.#printRange(from, this.#length);
    this.#emit(back + ERASE_BELOW + redraw + this.#goto(this.#column(this.#cursor)));
  }

  get #lineLimit(): number {
    return this.#options.maxLineLength ?? this.#maxLineLength;
  }

  /**
   * Measures buffer[start, end) again with the characters either side of it (a mark joins the letter
   * before it; a letter may take the mark after it); returns where the screen must be redrawn from:
   * `start`, or the character before it when that one changed.
   */
  #measureAround(start: number, end: number): number {
    const cells = this.#cells;
    const from = start > 0 ? cells.startOf(start - 1) : 0;
    const to = end < this.#length ? cells.nextStart(end) : this.#length;
    if (to <= from) return start;
    const measured = measureCells(this.#slice(from, to));
    // Redrawn from the character before only when it changed (a mark joined it, say).
    let same = from;
    while (same < start && measured[same - from] === cells.at(same)) same++;
    cells.overwrite(from, measured);
    return same < start ? from : start;
  }

  #clearLine(): void {
    this.#buffer = '';
    this.#cells.clear();
    this.#cursor = 0;
  }

  #tab(secondTab: boolean): void {
    const complete = this.#options.complete;
    if (!complete || !this.#shows) return;
    // Completion parses the whole line before the cursor: past a screenful or so, the bell.
    if (this.#cursor > MAX_COMPLETION_INPUT) {
      this.#emit('\x07');
      return;
    }
    const before = this.#slice(0, this.#cursor);
    const outcome = typeof complete === 'function' ? complete(before, secondTab) : complete.tabComplete(before, secondTab);
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
      this.#emit('\x07');
    } else if (outcome.kind === 'replace') {
      const start = Math.min(outcome.start, this.#cursor);
      this.#deleteRange(start, this.#cursor);
      this.#insert(outcome.text);
    } else {
      const toEnd = this.#toEnd();
      const list = `${toEnd}${this.#newRow()}${columns(outcome.candidates, this.#width)}\n`;
      this.#at = 0;
      this.#emit(list + this.#render());
    }
  }

  #enter(): void {
    const line = this.#buffer;
    const { useHistory, history, historyLimits } = this.#options;
    const toEnd = this.#toEnd();
    this.#active = false;
    this.#clearLine();
    // Echo-off input (a password, a PIN) never enters history, whatever the options say.
    if (useHistory && this.#options.echo && this.#options.remember !== false) remember(history, line, historyLimits ?? DEFAULT_HISTORY_LIMITS);
    // A client that echoes itself has already moved to the next line.
    if (this.#echo.drawLineEnd) this.#emit(toEnd + this.#newRow());
    this.#flush();
    this.#sink.line(line, !this.#options.echo);
  }

  /** Removes buffer[start, end) and redraws what follows it. */
  #deleteRange(start: number, end: number): void {
    if (end <= start) return;
    this.#cut(start, end);
    this.#cells.remove(start, end);
    this.#cursor = start;
    const from = this.#measureAround(start, start);
    if (this.#drewUnwrapped()) return;
    const at = this.#column(from);
    const redraw = this.#goto(at) + ERASE_BELOW + this.#printRange(from, this.#length);
    this.#emit(redraw + this.#goto(this.#column(start)));
  }

  /**
   * Removes buffer[start, end). At the end of the line (Backspace there, the common case) nothing is
   * copied: the tail is cut, or the head becomes a slice of itself (V8 keeps a slice as a view).
   */
  #cut(start: number, end: number): void {
    const length = this.#length;
    const split = this.#head.length;
    if (end < length) this.#buffer = this.#slice(0, start) + this.#slice(end, length);
    else if (start >= split) this.#tail = this.#tail.slice(0, start - split);
    else this.#buffer = this.#head.slice(0, start);
  }

  #moveTo(position: number): void {
    if (position === this.#cursor) return;
    this.#cursor = position;
    if (!this.#shows) return;
    this.#emit(this.#wrapped ? this.#goto(this.#column(position)) : this.#drawRow());
  }

  #walkHistory(step: -1 | 1): void {
    const { useHistory, history } = this.#options;
    if (!useHistory) return;
    const index = Math.min(this.#historyIndex, history.length);
    const next = index + step;
    if (next < 0 || next > history.length) return;
    if (index === history.length) {
      this.#savedLine = this.#buffer;
      this.#savedCells = this.#cells.snapshot();
    }
    this.#historyIndex = next;
    if (next === history.length) this.#replaceLine(this.#savedLine, this.#savedCells);
    else {
      const line = history[next] ?? '';
      this.#replaceLine(line, this.#recall(line));
    }
  }

  /** The cells of a history line, kept for the last few recalled so walking back and forth is free. */
  #recall(line: string): Cells {
    const recalled = (this.#recalled ??= new Map());
    const kept = recalled.get(line);
    if (kept) return kept;
    const cells = measureCells(line);
    if (recalled.size >= RECALLED_KEPT) recalled.delete(recalled.keys().next().value!);
    recalled.set(line, cells);
    return cells;
  }

  #replaceLine(line: string, cells: Cells): void {
    const wasWrapped = this.#wrapped;
    const erase = this.#shows && wasWrapped ? this.#goto(this.#column(0)) + ERASE_BELOW : '';
    this.#buffer = line;
    this.#cells.replace(cells);
    this.#cursor = line.length;
    // A new line: its view settles from the start (a long one shows its end, as a paste does).
    this.#viewStart = 0;
    if (!this.#shows) return;
    if (wasWrapped && this.#fitsWrapped()) {
      this.#emit(erase + this.#printRange(0, line.length));
      return;
    }
    const switched = this.#switchMode();
    this.#emit(erase + (switched ?? this.#drawRow()));
  }
}
