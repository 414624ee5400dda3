// Runs every uvu suite in test/ in one process and ends with one line `N passed, M failed, K skipped`,
// the line CI reads (uvu's own summary is not read there); the suites skipped for a missing system tool
// say so again just above it. Exit status is non-zero when anything failed.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const pattern = process.argv[2] ?? '\\.test\\.ts$';
const child = spawn(process.execPath, ['--import', 'tsx', 'node_modules/uvu/bin.js', 'test', pattern, '--no-color'], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, FORCE_COLOR: '0' },
});
let output = '';
let partial = '';
const skipLines: string[] = [];
child.stdout.on('data', (chunk: Buffer) => {
  process.stdout.write(chunk);
  const text = chunk.toString();
  output += text;
  if (output.length > 1_000_000) output = output.slice(-100_000);
  const lines = (partial + text).split('\n');
  partial = lines.pop() ?? '';
  skipLines.push(...lines.filter((line) => line.startsWith('skipped: ')));
});
child.on('close', (code) => {
  const total = Number(/Total:\s+(\d+)/.exec(output)?.[1] ?? 0);
  const passed = Number(/Passed:\s+(\d+)/.exec(output)?.[1] ?? 0);
  const skipped = Number(/Skipped:\s+(\d+)/.exec(output)?.[1] ?? 0);
  // uvu's total counts the tests that ran, not the skipped ones. A crash before uvu's summary, or a
  // failure outside any test (an `after` hook), counts as a failure, never as a silent pass.
  const failed = total - passed + (code !== 0 && total === passed ? 1 : 0);
  if (skipLines.length > 0) console.log(`\n${skipLines.join('\n')}`);
  console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exit(code === 0 && failed === 0 && passed > 0 ? 0 : 1);
});
