import type { ActorRef, Snapshot } from 'xstate';
import type { SessionEvent } from '../machines/session.js';
import type { LineEditorSink } from '../terminal/lineEditor.js';

/** The session as the editor's results reach it: its chart, and its log for what the chart need not hear. */
interface ChartSide {
  readonly actor: ActorRef<Snapshot<unknown>, SessionEvent>;
  warnRepeatable(cause: 'type-ahead dropped', message: string): void;
  /** The editor's keys wait for the next turn (its input budget is spent). */
  holdKeys(): void;
}

/**
 * The line editor's results, passed on: keys become events of the session chart, drawing goes to the
 * terminal. One small object per session instead of a closure for each kind of result.
 */
export class EditorToChart implements LineEditorSink {
  readonly #session: ChartSide;
  readonly #terminal: { write(text: string): void };

  constructor(session: ChartSide, terminal: { write(text: string): void }) {
    this.#session = session;
    this.#terminal = terminal;
  }

  output(text: string): void {
    this.#terminal.write(text);
  }

  line(line: string, secret: boolean): void {
    this.#session.actor.send(secret ? { type: 'LINE', line, secret } : { type: 'LINE', line });
  }

  interrupt(): void {
    this.#session.actor.send({ type: 'INTERRUPT' });
  }

  interruptCommand(): void {
    this.#session.actor.send({ type: 'INTERRUPT_COMMAND' });
  }

  endOfInput(): void {
    this.#session.actor.send({ type: 'END_OF_INPUT' });
  }

  lineTooLong(limit: number): void {
    this.#session.actor.send({ type: 'LINE_TOO_LONG', limit });
  }

  keysWaiting(): void {
    this.#session.holdKeys();
  }

  typeAheadDropped(limit: number): void {
    this.#session.warnRepeatable('type-ahead dropped', `type-ahead over ${limit} characters dropped`);
  }
}
