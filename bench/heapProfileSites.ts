// Sums a V8 sampling heap profile (.heapprofile) by allocation site: `npx tsx bench/heapProfileSites.ts
// file [N]`, per session with N. Each site is the allocating function with its caller chain
// (DEPTH frames, default 3), so `(anonymous)` closures can be told apart. Made by bench/memory.ts
// with BENCH_PROMOTED=dir (what reached the old generation while N sessions connected).
import { readFileSync } from 'node:fs';

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

const [file, nArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: tsx bench/heapProfileSites.ts <file.heapprofile> [sessions]');
  process.exit(2);
}
const n = Number(nArg ?? 1) || 1;
const depth = Number(process.env.DEPTH ?? 3);
const { head } = JSON.parse(readFileSync(file, 'utf8')) as { head: ProfileNode };
const sites = new Map<string, number>();
let total = 0;
const frame = (node: ProfileNode) => `${node.callFrame.functionName || '(anonymous)'}:${node.callFrame.lineNumber + 1}`;
function walk(node: ProfileNode, stack: string[]): void {
  const here = [frame(node), ...stack];
  if (node.selfSize > 0) {
    const site = here.slice(0, depth).join(' < ');
    sites.set(site, (sites.get(site) ?? 0) + node.selfSize);
    total += node.selfSize;
  }
  for (const child of node.children) walk(child, here);
}
walk(head, []);
console.log(`${(total / n).toFixed(0)} bytes${n > 1 ? ' per session' : ''}`);
for (const [site, bytes] of [...sites].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 40))) {
  console.log(`${(bytes / n).toFixed(0).padStart(8)} B  ${site}`);
}
