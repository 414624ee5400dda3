import type { AnyActorRef } from 'xstate';
import { stateToString } from './stateValue.js';

/** Time one turn of the event loop may spend delivering messages (ms); the rest waits a turn. */
export const DELIVERY_MS_PER_TURN = 2;
/**
 * Deliveries (one message to one session) waiting at most: past it a new message is refused, so a
 * client repeating `say` cannot queue unbounded memory and minutes of delivery for everyone.
 */
export const MAX_PENDING_DELIVERIES = 200_000;
/** Sessions delivered to between two reads of the clock. */
const CLOCK_EVERY = 16;

/** What the outbox needs of a session: its id and its actor. */
export interface MessageRecipient {
  readonly id: string;
  readonly actor: AnyActorRef;
}

/**
 * Told of each session a message reaches, with the state it met there (the live view's record of
 * the MESSAGE event); absent when no one watches, so delivery then costs nothing more.
 */
export interface MessageTrace {
  reached(sessionId: string, state: string): void;
}

interface Delivery {
  /** One event object for every session it goes to: the actors only read it. */
  readonly event: { readonly type: 'MESSAGE'; readonly text: string };
  readonly sessions: (MessageRecipient | undefined)[];
  next: number;
  readonly trace: MessageTrace | undefined;
}

/**
 * Messages on their way to session actors, in the order they were sent: a broadcast to thousands of
 * sessions is delivered a slice per turn of the event loop (DELIVERY_MS_PER_TURN), so it never
 * holds the loop (input, timers, other sessions) for the whole of it. A message sent while others
 * are still on their way waits behind them, so each session gets its messages in order; a session
 * that ends meanwhile is skipped.
 */
export class MessageOutbox {
  readonly #queue: Delivery[] = [];
  readonly #msPerTurn: number;
  readonly #maxPending: number;
  /** Deliveries queued and not yet made (or skipped). */
  #pendingDeliveries = 0;
  #scheduled = false;
  #running = false;
  #stopped = false;

  constructor(msPerTurn = DELIVERY_MS_PER_TURN, maxPending = MAX_PENDING_DELIVERIES) {
    this.#msPerTurn = msPerTurn;
    this.#maxPending = maxPending;
  }

  /** Messages not yet delivered to every session they were sent to. */
  get pending(): number {
    return this.#queue.length;
  }

  /**
   * Sends `text` to `sessions` (chosen now), at once as far as this turn's budget goes, the rest on
   * the next turns. False when refused: more than `maxPending` deliveries would wait (a message
   * finding nothing ahead of it is always taken, however many sessions it goes to).
   */
  send(text: string, sessions: MessageRecipient[], trace?: MessageTrace): boolean {
    if (this.#stopped) return false;
    if (sessions.length === 0) return true;
    if (this.#queue.length > 0 && this.#pendingDeliveries + sessions.length > this.#maxPending) return false;
    this.#pendingDeliveries += sessions.length;
    this.#queue.push({ event: { type: 'MESSAGE', text }, sessions, next: 0, trace });
    // Behind messages still on their way (or sent from inside a delivery): their turn comes.
    if (!this.#scheduled && !this.#running) this.#run();
    return true;
  }

  /** Nothing more is delivered (the server is closed). */
  stop(): void {
    this.#stopped = true;
    this.#queue.length = 0;
    this.#pendingDeliveries = 0;
  }

  static #resume(outbox: MessageOutbox): void {
    outbox.#scheduled = false;
    outbox.#run();
  }

  #run(): void {
    const queue = this.#queue;
    const deadline = performance.now() + this.#msPerTurn;
    this.#running = true;
    try {
      let sinceClock = 0;
      while (queue.length > 0) {
        const delivery = queue[0]!;
        const { sessions, event, trace } = delivery;
        while (delivery.next < sessions.length) {
          if (this.#stopped) return;
          const session = sessions[delivery.next]!;
          sessions[delivery.next++] = undefined; // a session that left is not kept alive by a broadcast
          this.#pendingDeliveries--;
          const snapshot = session.actor.getSnapshot();
          if (snapshot.status === 'active') {
            trace?.reached(session.id, stateToString(snapshot.value));
            session.actor.send(event);
          }
          if (++sinceClock >= CLOCK_EVERY) {
            sinceClock = 0;
            if (performance.now() >= deadline && !this.#stopped) {
              if (delivery.next >= sessions.length) queue.shift();
              this.#scheduled = true;
              setImmediate(MessageOutbox.#resume, this);
              return;
            }
          }
        }
        queue.shift();
      }
    } finally {
      this.#running = false;
    }
  }
}
