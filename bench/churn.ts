// `npm run bench:churn`: 100,000 sessions connect to a real server and hang up, 20 at a time; the
// server's heap after a full GC must come back to within 1 MB of where it was before them (after a
// warm-up of 1,000). CHURN_N sets the count. Prints the figures; exit status 1 when over the bound.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const sessions = Number(process.env.CHURN_N ?? 100_000);
const BOUND_BYTES = 1024 * 1024;

const run = spawnSync(
  process.execPath,
  ['--expose-gc', '--import', 'tsx', path.join(root, 'test', 'actors', 'churnProbe.ts'), 'server', String(sessions), '1000'],
  { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
);
const line = run.stdout.trim().split('\n').pop() ?? '';
if (run.status !== 0 || !line.startsWith('{')) {
  console.error(`churn probe failed (exit ${run.status}): ${run.stdout}`);
  process.exit(1);
}
const result = JSON.parse(line) as { heapBefore: number; heapAfter: number; bytesPerSession: number; seconds: number };
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(2);
const growth = result.heapAfter - result.heapBefore;
console.log(`${sessions} sessions came and went in ${result.seconds.toFixed(1)} s`);
console.log(`heap after GC: ${mib(result.heapBefore)} MiB before, ${mib(result.heapAfter)} MiB after`);
console.log(`growth: ${(growth / 1024).toFixed(1)} KiB (${result.bytesPerSession.toFixed(2)} bytes per session); bound ${BOUND_BYTES / 1024} KiB`);
if (growth > BOUND_BYTES) {
  console.log('FAIL: the heap did not come back');
  process.exit(1);
}
console.log('ok');
