// What the chart drawings (Mermaid text, the live view's tree) read of an XState machine's nodes.
/** The parts of an XState state node a drawing reads (XState's own types hide them). */
export interface NodeLike {
  id: string;
  key: string;
  type: string;
  initial?: { target: ReadonlyArray<{ id: string }> };
  states: Record<string, NodeLike>;
  transitions: Map<string, ReadonlyArray<TransitionLike>>;
  always?: ReadonlyArray<TransitionLike>;
}
export interface TransitionLike {
  target?: ReadonlyArray<{ id: string }>;
  guard?: unknown;
}

export function eventLabel(eventType: string): string {
  if (eventType.startsWith('xstate.done.actor.')) return 'done';
  if (eventType.startsWith('xstate.error.actor.')) return 'error';
  const after = /^xstate\.after\.([^.]+)\./.exec(eventType);
  if (after) return `after ${after[1]}`;
  return eventType;
}

export function guardLabel(guard: unknown): string {
  if (!guard) return '';
  if (typeof guard === 'string') return ` [${guard}]`;
  const type = (guard as { type?: unknown }).type;
  return typeof type === 'string' ? ` [${type}]` : ' [guard]';
}

