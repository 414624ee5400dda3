import { setup } from 'xstate';

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
    // Sessions are this actor's children: a session that fails reports it itself (and ends alone);
    // unhandled, its error event would put the supervisor, and with it every session, in error.
    'xstate.error.actor.*': {},
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
