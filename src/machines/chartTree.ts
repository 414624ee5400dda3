import type { AnyStateMachine } from 'xstate';
import { eventLabel, guardLabel, type NodeLike } from './machineNodes.js';

/** One state of a chart as plain data, for drawings outside XState (the live view's page). */
export interface ChartNode {
  /** Dotted path from the root (`shell.awaitingLine`), as `server.sessions` reports states. */
  path: string;
  key: string;
  final: boolean;
  /** Key of the child entered first, for compound states. */
  initial: string | null;
  children: ChartNode[];
  /** Outgoing transitions: event (or `always`, `done`, `after X`), guard, target path. */
  transitions: Array<{ event: string; target: string }>;
}

/** The state tree of a machine with its transitions, generated from the definition. */
export function chartTree(machine: AnyStateMachine): ChartNode {
  const root = machine.root as unknown as NodeLike;
  const pathOf = new Map<string, string>();
  const index = (node: NodeLike, path: string) => {
    pathOf.set(node.id, path);
    for (const child of Object.values(node.states)) index(child, path ? `${path}.${child.key}` : child.key);
  };
  index(root, '');
  const build = (node: NodeLike): ChartNode => {
    const transitions: ChartNode['transitions'] = [];
    for (const [eventType, list] of node.transitions) {
      for (const t of list) for (const target of t.target ?? []) transitions.push({ event: `${eventLabel(eventType)}${guardLabel(t.guard)}`, target: pathOf.get(target.id) ?? target.id });
    }
    for (const t of node.always ?? []) {
      for (const target of t.target ?? []) transitions.push({ event: `always${guardLabel(t.guard)}`, target: pathOf.get(target.id) ?? target.id });
    }
    const initial = node.initial?.target[0];
    return {
      path: pathOf.get(node.id) ?? '',
      key: node.key,
      final: node.type === 'final',
      initial: initial ? (pathOf.get(initial.id)?.split('.').pop() ?? null) : null,
      children: Object.values(node.states).map(build),
      transitions,
    };
  };
  return build(root);
}
