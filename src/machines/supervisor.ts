import { setup, type EventObject, type SnapshotFrom } from 'xstate';

/** What the supervisor needs of a session to route to it and to end it. */
export interface SupervisedSession {
  readonly id: string;
  readonly username: string | null;
  writeMessage(text: string): void;
  shutdown(message: string | null): void;
  kick(message: string | null): void;
}

export type BroadcastFilter = (session: { id: string; username: string | null }) => boolean;

export type SupervisorEvent =
  | { type: 'SESSION_OPENED'; session: SupervisedSession }
  | { type: 'SESSION_CLOSED'; id: string }
  | { type: 'SEND_TO'; id: string; text: string }
  | { type: 'BROADCAST'; text: string; filter?: BroadcastFilter }
  | { type: 'DISCONNECT'; id: string; message: string | null }
  | { type: 'SHUTDOWN'; message: string | null };

export interface SupervisorContext {
  /**
   * Live sessions by id. Mutated in place on purpose: copying a Map of 10,000 sessions on every
   * connect would make connecting quadratic. Nothing outside the supervisor's actions writes it.
   */
  sessions: Map<string, SupervisedSession>;
  shutdownMessage: string | null;
}

export const supervisorSetup = setup({
  types: {
    context: {} as SupervisorContext,
    events: {} as SupervisorEvent,
  },
  guards: {
    noSessionsLeft: ({ context }) => context.sessions.size === 0,
  },
  actions: {
    register: ({ context, event }) => {
      if (event.type === 'SESSION_OPENED') context.sessions.set(event.session.id, event.session);
    },
    unregister: ({ context, event }) => {
      if (event.type === 'SESSION_CLOSED') context.sessions.delete(event.id);
    },
    deliver: ({ context, event }) => {
      // A message for a session that has gone is dropped without error.
      if (event.type === 'SEND_TO') context.sessions.get(event.id)?.writeMessage(event.text);
    },
    kick: ({ context, event }) => {
      if (event.type === 'DISCONNECT') context.sessions.get(event.id)?.kick(event.message);
    },
    deliverToAll: ({ context, event }) => {
      if (event.type !== 'BROADCAST') return;
      for (const session of context.sessions.values()) {
        if (!event.filter || event.filter(session)) session.writeMessage(event.text);
      }
    },
    rememberShutdownMessage: ({ context, event }) => {
      if (event.type === 'SHUTDOWN') context.shutdownMessage = event.message;
    },
    shutDownAll: ({ context }) => {
      for (const session of [...context.sessions.values()]) session.shutdown(context.shutdownMessage);
    },
    shutDownNewcomer: ({ context, event }) => {
      if (event.type === 'SESSION_OPENED') event.session.shutdown(context.shutdownMessage);
    },
  },
});

/** Owns the registry of live sessions and routes messages and shutdown to them. */
export const supervisorMachine = supervisorSetup.createMachine({
  id: 'supervisor',
  context: () => ({ sessions: new Map(), shutdownMessage: null }),
  initial: 'running',
  on: {
    SEND_TO: { actions: 'deliver' },
    BROADCAST: { actions: 'deliverToAll' },
    DISCONNECT: { actions: 'kick' },
  },
  states: {
    running: {
      on: {
        SESSION_OPENED: { actions: 'register' },
        SESSION_CLOSED: { actions: 'unregister' },
        SHUTDOWN: { target: 'draining', actions: 'rememberShutdownMessage' },
      },
    },
    draining: {
      entry: 'shutDownAll',
      always: { guard: 'noSessionsLeft', target: 'stopped' },
      on: {
        SESSION_OPENED: { actions: ['register', 'shutDownNewcomer'] },
        SESSION_CLOSED: { actions: 'unregister' },
      },
    },
    stopped: { type: 'final' },
  },
});

type SupervisorSnapshot = SnapshotFrom<typeof supervisorMachine>;

/**
 * A session's end as the supervisor chart sees it: SESSION_CLOSED with the session's id, one event
 * type for all. Sessions are this actor's children (one actor system, one inspection), so XState
 * sends it `xstate.done.actor.<id>` (or `xstate.error.actor.<id>` when one fails) as each ends: a
 * new event type per session, and a machine keeps, per state node and per event type it is sent,
 * its candidate transitions for good, which grew the heap by about 270 bytes for every session that
 * ever came and went. Children of the chart's own (invoked or spawned) keep their events.
 */
export function sessionEndAsEvent(snapshot: SupervisorSnapshot, event: EventObject): SupervisorEvent | EventObject {
  if (!('actorId' in event) || typeof event.actorId !== 'string') return event;
  if (!event.type.startsWith('xstate.done.actor.') && !event.type.startsWith('xstate.error.actor.')) return event;
  if (event.actorId in snapshot.children) return event;
  // A failed session has logged its error itself and ended alone; for the supervisor it has left.
  return { type: 'SESSION_CLOSED', id: event.actorId };
}

/**
 * What the server runs: the supervisor chart, each session's end given to it as SESSION_CLOSED
 * (see `sessionEndAsEvent`). The chart itself, its states, its inspection are unchanged.
 */
export const supervisorLogic: typeof supervisorMachine = Object.create(supervisorMachine, {
  transition: {
    value: (...[snapshot, event, scope]: Parameters<typeof supervisorMachine.transition>) =>
      supervisorMachine.transition(snapshot, sessionEndAsEvent(snapshot, event) as SupervisorEvent, scope),
  },
});
