// Which of the terminal notices (RESIZE, TERMINAL_TYPE) a session chart does anything with, decided
// once per machine from its state nodes: a notice no transition acts on is not sent at all.
import type { AnyStateMachine } from 'xstate';

/** The chart events that only tell of a terminal fact already in the session's terminal state. */
export type NoticeType = 'RESIZE' | 'TERMINAL_TYPE';

/** Whether each notice is sent to the session actor. */
export type NoticesHeard = Readonly<Record<NoticeType, boolean>>;

/** Every notice sent: what an inspector watches, and what a chart whose nodes cannot be read gets. */
export const ALL_NOTICES_HEARD: NoticesHeard = Object.freeze({ RESIZE: true, TERMINAL_TYPE: true });

/** What this module reads of an XState state node (XState's own types hide `transitions`). */
interface StateNodeLike {
  states: Record<string, StateNodeLike>;
  transitions: ReadonlyMap<string, ReadonlyArray<{ target?: readonly unknown[]; actions: readonly unknown[] }>>;
}

/** XState's event descriptors: the type itself, `*`, or a dotted prefix ending in `.*`. */
function descriptorMatches(descriptor: string, type: string): boolean {
  if (descriptor === type || descriptor === '*') return true;
  if (!descriptor.endsWith('.*')) return false;
  return type.startsWith(descriptor.slice(0, -1));
}

/**
 * A transition for `type` anywhere in the machine that goes somewhere or does something. One with
 * neither (the default chart's `RESIZE: {}` on the root) changes nothing: its macrostep only costs.
 */
export function machineActsOn(machine: AnyStateMachine, type: string): boolean {
  const visit = (node: StateNodeLike): boolean => {
    for (const [descriptor, transitions] of node.transitions) {
      if (!descriptorMatches(descriptor, type)) continue;
      if (transitions.some((t) => (t.target?.length ?? 0) > 0 || t.actions.length > 0)) return true;
    }
    return Object.values(node.states).some(visit);
  };
  return visit(machine.root as unknown as StateNodeLike);
}

const decided = new WeakMap<AnyStateMachine, NoticesHeard>();

/**
 * The notices to send to sessions running `machine`: all of them while an inspector watches (it sees
 * every event), else only those some transition of the chart acts on (decided once per machine).
 */
export function noticesHeard(machine: AnyStateMachine, inspected: boolean): NoticesHeard {
  if (inspected) return ALL_NOTICES_HEARD;
  let heard = decided.get(machine);
  if (!heard) {
    heard = Object.freeze({ RESIZE: machineActsOn(machine, 'RESIZE'), TERMINAL_TYPE: machineActsOn(machine, 'TERMINAL_TYPE') });
    decided.set(machine, heard);
  }
  return heard;
}
