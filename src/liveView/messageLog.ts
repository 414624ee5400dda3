import type { MessageTrace } from '../machines/supervisor.js';
import { neutralize } from '../text/sanitize.js';

/** Messages the page lists (the newest; older ones leave the list). */
export const MAX_MESSAGES_KEPT = 50;
/** Characters of a message's text the page shows; the rest is counted, not sent. */
export const MAX_TEXT_SHOWN = 200;
/** Sessions named per message; a broadcast to thousands is counted beyond these. */
export const MAX_SESSIONS_NAMED = 8;

/** What a viewer receives of one MESSAGE event: where it went, the states it met, its text (cut). */
export interface MessageView {
  id: number;
  /** When it was sent (ms since the epoch). */
  at: number;
  /** A session id (`sendTo`, a session's own `writeMessage`), or null: a broadcast. */
  to: string | null;
  /** A broadcast with a filter (only some sessions were meant). */
  filtered: boolean;
  /** Neutralised (controls shown, not acted on) and cut to MAX_TEXT_SHOWN characters. */
  text: string;
  /** Characters left out of `text`. */
  cut: number;
  /** Sessions the event reached so far. */
  reached: number;
  /** The first MAX_SESSIONS_NAMED of them. */
  sessions: string[];
  /** How many met each state of the chart (which says what the message did there: shown, held, dropped). */
  states: Record<string, number>;
}

class TracedMessage implements MessageTrace {
  readonly view: MessageView;
  /** New or changed since viewers were last sent the changes. */
  #changed = true;

  constructor(view: MessageView) {
    this.view = view;
  }

  reached(sessionId: string, state: string): void {
    const view = this.view;
    view.reached++;
    if (view.sessions.length < MAX_SESSIONS_NAMED) view.sessions.push(sessionId);
    // A Map-like record built with own properties only: a state named like an Object member is safe.
    view.states[state] = (Object.hasOwn(view.states, state) ? view.states[state]! : 0) + 1;
    this.#changed = true;
  }

  /** The view as JSON when it changed since the last call (then marked sent), else null. */
  takeChange(): string | null {
    if (!this.#changed) return null;
    this.#changed = false;
    return JSON.stringify(this.view);
  }
}

/**
 * The live view's record of MESSAGE events: the last MAX_MESSAGES_KEPT, each with the sessions it
 * reached and the state it met in each. Bounded whatever is sent: a broadcast to 10,000 sessions is
 * one entry with counts.
 */
export class MessageLog {
  #entries: TracedMessage[] = [];
  #nextId = 1;

  /** A new entry for a message being sent; the router reports each session it reaches to it. */
  trace(text: string, to: string | null, filtered = false): MessageTrace {
    const shown = neutralize(text.slice(0, MAX_TEXT_SHOWN), { lineBreaks: true });
    const entry = new TracedMessage({
      id: this.#nextId++,
      at: Date.now(),
      to,
      filtered,
      text: shown,
      cut: Math.max(0, text.length - MAX_TEXT_SHOWN),
      reached: 0,
      sessions: [],
      states: Object.create(null) as Record<string, number>,
    });
    this.#entries.push(entry);
    if (this.#entries.length > MAX_MESSAGES_KEPT) this.#entries.shift();
    return entry;
  }

  /** Entries new or changed since the last call, as JSON texts (oldest first). */
  changes(): string[] {
    const changed: string[] = [];
    for (const entry of this.#entries) {
      const json = entry.takeChange();
      if (json !== null) changed.push(json);
    }
    return changed;
  }

  /** Every entry kept, as JSON texts (oldest first): what a new viewer starts from. */
  all(): string[] {
    return this.#entries.map((entry) => JSON.stringify(entry.view));
  }
}
