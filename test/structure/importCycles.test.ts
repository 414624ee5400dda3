// Imports flow one way: no file of src/ imports, by any path, a file that imports it (type-only
// imports count: a loop of types is a loop of design). The graph is TypeScript's own reading of each
// file's imports (test/structure/importGraph.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { importCycles, importGraph, type ImportGraph } from './importGraph.js';

const src = fileURLToPath(new URL('../../src', import.meta.url));

/** Known loops, each to be removed with its fix (the test fails when one is gone, so the list shrinks). */
const KNOWN: readonly string[] = [];

test('src/ has no import cycle but the known ones', () => {
  const cycles = importCycles(importGraph(src)).map((cycle) => cycle.join(' -> '));
  assert.equal(cycles.filter((cycle) => !KNOWN.includes(cycle)), [], 'import cycles in src/');
  for (const known of KNOWN) assert.ok(cycles.includes(known), `fixed, remove it from KNOWN: ${known}`);
});

test('the handler, the base class of every session, imports no server', () => {
  const graph = importGraph(src);
  const reach = (from: string, seen = new Set<string>()): Set<string> => {
    for (const next of graph.get(from) ?? []) if (!seen.has(next)) reach(next, seen.add(next));
    return seen;
  };
  const reached = reach('handler.ts');
  for (const file of ['server.ts', 'defaultServer.ts', 'actors/session.ts']) assert.not.ok(reached.has(file), `handler.ts reaches ${file}`);
});

test('the cycle finder finds loops of two, of three, a file importing itself, and none in a tree', () => {
  const graph = (edges: Record<string, string[]>): ImportGraph => new Map(Object.entries(edges));
  assert.equal(importCycles(graph({ a: ['b'], b: ['a'] })), [['a', 'b', 'a']]);
  assert.equal(importCycles(graph({ a: ['b'], b: ['c'], c: ['a'], d: ['a'] })), [['a', 'b', 'c', 'a']]);
  assert.equal(importCycles(graph({ a: ['a'] })), [['a', 'a']]);
  assert.equal(importCycles(graph({ a: ['b', 'c'], b: ['c'], c: [] })), []);
  assert.equal(importCycles(graph({ a: ['b'], b: ['a'], c: ['d'], d: ['c'] })), [['a', 'b', 'a'], ['c', 'd', 'c']]);
});

test.run();
