// What a heap snapshot holds, by class: `npx tsx bench/heapByClass.ts idle.heapsnapshot [N] [empty.heapsnapshot]`.
// Counts nodes and sums their own (shallow) sizes per constructor name (closures by function name,
// arrays, strings, code and system objects by kind); with N, per session; with a second snapshot
// (the same server with no session), the difference. Made with BENCH_HEAP=dir BENCH_ONLY=library npm
// run bench (or `npx tsx bench/memory.ts`). BY_RETAINER=1 names each node also by what holds it
// (`Object <- SessionActor._snapshot`): which plain object, array or closure is whose.
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]]; edge_fields: string[]; edge_types: [string[], ...unknown[]] } };
  nodes: number[];
  edges: Array<number>;
  strings: string[];
}

/** BY_RETAINER=2 (or more) follows retainers that far up (`Array <- Object.lines <- SessionActor._snapshot`). */
const byRetainer = Number(process.env.BY_RETAINER ?? 0);
/**
 * BY_OWNER=LiveSession,SessionActor,Socket,...: each node counted under the first of these classes
 * found up its chain of first retainers (else `(other)`): what each part of a session holds in all.
 */
const owners = process.env.BY_OWNER ? new Set(process.env.BY_OWNER.split(',')) : null;

function byClass(file: string): Map<string, { count: number; size: number }> {
  const heap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const { node_fields: fields, node_types: nodeTypes, edge_fields: edgeFields, edge_types: edgeTypes } = heap.snapshot.meta;
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const edgeCountAt = fields.indexOf('edge_count');
  const types = nodeTypes[0];
  const nodeCount = heap.nodes.length / width;
  const label = (node: number): string => {
    const i = node * width;
    const type = types[heap.nodes[i + typeAt]!]!;
    const name = heap.strings[heap.nodes[i + nameAt]!]!;
    // Objects by constructor; closures by function; the rest by kind (strings, arrays, code, hidden).
    if (type === 'object') return name;
    if (type === 'closure') return `closure ${name || '(anonymous)'}`;
    return `(${type})${type === 'native' || type === 'hidden' || type === 'array' ? ` ${name.slice(0, 40)}` : ''}`;
  };
  // The first strong retainer of each node, with the name of its edge.
  const retainer = new Int32Array(nodeCount).fill(-1);
  const retainerEdge = new Array<string>(nodeCount);
  if (byRetainer || owners) {
    const edgeWidth = edgeFields.length;
    const edgeTypeAt = edgeFields.indexOf('type');
    const edgeNameAt = edgeFields.indexOf('name_or_index');
    const toAt = edgeFields.indexOf('to_node');
    const kinds = edgeTypes[0];
    let edge = 0;
    for (let node = 0; node < nodeCount; node++) {
      const count = heap.nodes[node * width + edgeCountAt]!;
      const fromType = types[heap.nodes[node * width + typeAt]!]!;
      for (let k = 0; k < count; k++, edge += edgeWidth) {
        const kind = kinds[heap.edges[edge + edgeTypeAt]!]!;
        if (kind === 'weak' || kind === 'shortcut' || fromType === 'synthetic') continue;
        const to = heap.edges[edge + toAt]! / width;
        if (retainer[to] !== -1) continue;
        retainer[to] = node;
        const nameOrIndex = heap.edges[edge + edgeNameAt]!;
        retainerEdge[to] = kind === 'element' || kind === 'hidden' ? `[${nameOrIndex}]` : heap.strings[nameOrIndex]!;
      }
    }
  }
  const out = new Map<string, { count: number; size: number }>();
  for (let node = 0; node < nodeCount; node++) {
    let name = label(node);
    if (owners) {
      let up = node;
      for (let depth = 0; up !== -1 && depth < 64 && !owners.has(label(up)); depth++) up = retainer[up]!;
      const owner = up !== -1 && owners.has(label(up)) ? label(up) : '(other)';
      // OWNER_DETAIL=1: by owner and class of each node it holds.
      name = process.env.OWNER_DETAIL ? `${owner} > ${name}` : `${owner} (all it holds)`;
    }
    for (let up = node, depth = 0; depth < byRetainer && retainer[up] !== -1; depth++, up = retainer[up]!) {
      name += ` <- ${label(retainer[up]!)}.${retainerEdge[up]}`;
    }
    const entry = out.get(name) ?? { count: 0, size: 0 };
    entry.count++;
    entry.size += heap.nodes[node * width + sizeAt]!;
    out.set(name, entry);
  }
  return out;
}

const [file, nArg, baseFile] = process.argv.slice(2);
if (!file) {
  console.error('usage: tsx bench/heapByClass.ts <snapshot> [sessions] [base snapshot]');
  process.exit(2);
}
const n = Number(nArg ?? 1) || 1;
const idle = byClass(file);
const base = baseFile ? byClass(baseFile) : new Map<string, { count: number; size: number }>();
const rows = [...idle].map(([label, { count, size }]) => {
  const before = base.get(label) ?? { count: 0, size: 0 };
  return { label, count: (count - before.count) / n, bytes: (size - before.size) / n };
});
rows.sort((a, b) => b.bytes - a.bytes);
const total = rows.reduce((sum, row) => sum + row.bytes, 0);
console.log(`${n > 1 ? 'per session' : 'total'}: ${total.toFixed(0)} bytes in ${rows.reduce((s, r) => s + r.count, 0).toFixed(1)} objects`);
for (const row of rows.slice(0, Number(process.env.TOP ?? 45))) {
  console.log(`${row.bytes.toFixed(0).padStart(8)} B ${row.count.toFixed(2).padStart(8)}  ${row.label}`);
}
