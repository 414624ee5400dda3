// What a heap snapshot holds, by class: `npx tsx bench/heapByClass.ts idle.heapsnapshot [N] [empty.heapsnapshot]`.
// Counts nodes and sums their own (shallow) sizes per constructor name (closures by function name,
// arrays, strings, code and system objects by kind); with N, per session; with a second snapshot
// (the same server with no session), the difference. Made with BENCH_HEAP=dir BENCH_ONLY=library npm run bench.
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

function byClass(file: string): Map<string, { count: number; size: number }> {
  const heap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = heap.snapshot.meta.node_fields;
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const types = heap.snapshot.meta.node_types[0];
  const out = new Map<string, { count: number; size: number }>();
  for (let i = 0; i < heap.nodes.length; i += width) {
    const type = types[heap.nodes[i + typeAt]!]!;
    const name = heap.strings[heap.nodes[i + nameAt]!]!;
    // Objects by constructor; closures by function; the rest by kind (strings, arrays, code, hidden).
    const label = type === 'object' ? name : type === 'closure' ? `closure ${name || '(anonymous)'}` : `(${type})${type === 'native' || type === 'hidden' || type === 'array' ? ` ${name.slice(0, 40)}` : ''}`;
    const entry = out.get(label) ?? { count: 0, size: 0 };
    entry.count++;
    entry.size += heap.nodes[i + sizeAt]!;
    out.set(label, entry);
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
