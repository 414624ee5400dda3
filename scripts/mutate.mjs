// `npm run mutate [room ...] [-- stryker options]`: mutation-tests each named room (protocol, terminal,
// shell, machines; all four, one after another, when none is named) against the suites that cover it,
// incrementally: a re-run redoes only the mutants whose code or tests changed since that room's last run.
// Each room's report: reports/mutation/<room>.html and .json; the scores: docs/mutation.md.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const ROOMS = ['protocol', 'terminal', 'shell', 'machines'];
const args = process.argv.slice(2);
// Rooms first, then anything for Stryker (`npm run mutate -- terminal --concurrency 2`).
const firstOption = args.findIndex((arg) => arg.startsWith('-'));
const named = firstOption === -1 ? args : args.slice(0, firstOption);
const strykerArgs = firstOption === -1 ? [] : args.slice(firstOption);
const unknown = named.filter((room) => !ROOMS.includes(room));
if (unknown.length > 0) {
  console.error(`not a room: ${unknown.join(', ')} (rooms: ${ROOMS.join(', ')})`);
  process.exit(2);
}
let failed = false;
/**
 * A static mutant (in code run while modules load) has no per-test coverage, so Stryker's incremental
 * mode keeps its "survived" even after new tests that kill it: drop those (and its runtime errors, a
 * runner's fault rather than the mutant's) from the room's incremental file so each run tests them again.
 */
function forgetStaticSurvivors(room) {
  const file = `reports/mutation/${room}.incremental.json`;
  if (!existsSync(file)) return;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  let dropped = 0;
  for (const entry of Object.values(report.files ?? {})) {
    const kept = entry.mutants.filter((mutant) => !(mutant.static && ['Survived', 'NoCoverage', 'RuntimeError'].includes(mutant.status)));
    dropped += entry.mutants.length - kept.length;
    entry.mutants = kept;
  }
  if (dropped > 0) writeFileSync(file, JSON.stringify(report));
}

for (const room of named.length > 0 ? named : ROOMS) {
  console.log(`\n== mutation testing src/${room} ==`);
  forgetStaticSurvivors(room);
  const result = spawnSync('npx', ['stryker', 'run', '--incremental', ...strykerArgs], {
    stdio: 'inherit',
    env: { ...process.env, MUTATE_ROOM: room },
  });
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
