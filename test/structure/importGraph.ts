// The import graph of src/ as TypeScript sees it (every `import`, `import type`, `export ... from`
// and `import()` of a relative path), and the import cycles in it.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** File (relative to `root`, with /) -> the files it imports. */
export type ImportGraph = Map<string, string[]>;

export function importGraph(root: string): ImportGraph {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(ts|tsx|mts)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) files.push(full);
    }
  };
  walk(root);
  const name = (file: string) => path.relative(root, file).split(path.sep).join('/');
  const known = new Set(files.map(name));
  const graph: ImportGraph = new Map();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles
      .map((imported) => imported.fileName)
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => {
        const resolved = name(path.resolve(path.dirname(file), specifier));
        const candidates = [resolved.replace(/\.(m?js)$/, (_, ext: string) => (ext === 'mjs' ? '.mts' : '.ts')), resolved, `${resolved}.ts`, `${resolved}/index.ts`];
        const found = candidates.find((candidate) => known.has(candidate));
        if (!found) throw new Error(`${name(file)} imports ${specifier}, which is no file in ${root}`);
        return found;
      });
    graph.set(name(file), [...new Set(targets)]);
  }
  return graph;
}

/**
 * Every strongly connected group of files (Tarjan), each as one cycle through it: a path of files
 * that leads back to its first. Sorted, so a report reads the same from run to run.
 */
export function importCycles(graph: ImportGraph): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const lowLinks = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const connect = (file: string): void => {
    indices.set(file, index);
    lowLinks.set(file, index);
    index++;
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!indices.has(next)) {
        connect(next);
        lowLinks.set(file, Math.min(lowLinks.get(file)!, lowLinks.get(next)!));
      } else if (onStack.has(next)) {
        lowLinks.set(file, Math.min(lowLinks.get(file)!, indices.get(next)!));
      }
    }
    if (lowLinks.get(file) === indices.get(file)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== file);
      const selfLoop = (graph.get(file) ?? []).includes(file);
      if (group.length > 1 || selfLoop) groups.push(group);
    }
  };
  for (const file of [...graph.keys()].sort()) if (!indices.has(file)) connect(file);
  return groups.map((group) => cycleThrough(graph, new Set(group))).sort((a, b) => a.join().localeCompare(b.join()));
}

/** A shortest path from the group's first file (by name) back to itself, inside the group. */
function cycleThrough(graph: ImportGraph, group: Set<string>): string[] {
  const start = [...group].sort()[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  for (let at = 0; at < queue.length; at++) {
    const file = queue[at]!;
    for (const next of graph.get(file) ?? []) {
      if (!group.has(next)) continue;
      if (next === start) {
        const path = [file];
        while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
        return [...path, start];
      }
      if (!previous.has(next)) {
        previous.set(next, file);
        queue.push(next);
      }
    }
  }
  return [start, start];
}
