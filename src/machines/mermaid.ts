import type { AnyStateMachine } from 'xstate';
import { eventLabel, guardLabel, type NodeLike } from './machineNodes.js';

const name = (node: { id: string }) => node.id.replace(/[^A-Za-z0-9_]/g, '_');

/**
 * A Mermaid `stateDiagram-v2` of a machine, generated from its definition (never drawn by hand), so
 * the docs follow the chart as it is.
 */
export function toMermaid(machine: AnyStateMachine): string {
  const lines: string[] = ['stateDiagram-v2'];
  const edges: string[] = [];
  const visit = (node: NodeLike, indent: string) => {
    const children = Object.values(node.states);
    for (const child of children) {
      const id = name(child);
      if (Object.keys(child.states).length > 0) {
        lines.push(`${indent}state "${child.key}" as ${id} {`);
        visit(child, `${indent}  `);
        lines.push(`${indent}}`);
      } else {
        lines.push(`${indent}state "${child.key}" as ${id}`);
      }
      if (child.type === 'final') lines.push(`${indent}${id} --> [*]`);
    }
    const initial = node.initial?.target[0];
    if (initial) lines.push(`${indent}[*] --> ${name(initial)}`);
    for (const child of children) {
      for (const [eventType, transitions] of child.transitions) {
        for (const t of transitions) {
          for (const target of t.target ?? []) edges.push(`${name(child)} --> ${name(target)} : ${eventLabel(eventType)}${guardLabel(t.guard)}`);
        }
      }
      for (const t of child.always ?? []) {
        for (const target of t.target ?? []) edges.push(`${name(child)} --> ${name(target)} : always${guardLabel(t.guard)}`);
      }
    }
  };
  const root = machine.root as unknown as NodeLike;
  visit(root, '  ');
  for (const [eventType, transitions] of root.transitions) {
    for (const t of transitions) for (const target of t.target ?? []) edges.push(`${name(root)} --> ${name(target)} : ${eventLabel(eventType)}`);
  }
  return [...lines, ...edges.map((edge) => `  ${edge}`)].join('\n');
}

/** Every state path of a machine (`login.askingUsername`, ...), for checks. */
export function statePaths(machine: AnyStateMachine): string[] {
  const paths: string[] = [];
  const visit = (node: NodeLike, prefix: string) => {
    for (const child of Object.values(node.states)) {
      const path = prefix ? `${prefix}.${child.key}` : child.key;
      paths.push(path);
      visit(child, path);
    }
  };
  visit(machine.root as unknown as NodeLike, '');
  return paths;
}
