// The missing-tool helper itself: a child uvu runs a tiny suite with its tool hidden, as on a fresh
// machine (skipped, one line naming the tool and its package, exit 0), and under CI=true (a failure).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProgram } from './run.js';
import { installHint } from './tools.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs one fixture under uvu in a child, as test/run.ts runs the suites. */
function runFixture(name: string, env: NodeJS.ProcessEnv) {
  return runProgram(process.execPath, ['--import', 'tsx', 'node_modules/uvu/bin.js', 'test/support/fixtures', `${name}\\.ts$`, '--no-color'], {
    cwd: root,
    env: { CI: '', TELNETSRV_HIDE_TOOLS: '', FORCE_COLOR: '0', ...env },
    timeoutMs: 30_000,
  });
}

test('a hidden tool: every test skipped, one line names the tool and its package, exit 0', async () => {
  const run = await runFixture('needsTelnet', { TELNETSRV_HIDE_TOOLS: 'expect,telnet' });
  assert.is(run.code, 0, run.stdout + run.stderr);
  const lines = run.stdout.split('\n').filter((line) => line.startsWith('skipped: '));
  assert.equal(lines, ['skipped: fixture/needsTelnet needs telnet: apt-get install -y telnet (or scripts/installTools.sh for all)']);
  assert.match(run.stdout, /Total:\s+0\n\s+Passed:\s+0\n\s+Skipped:\s+2\n/);
  assert.not.match(run.stdout, /fixture after hook ran/, 'hooks of a skipped suite do not run');
});

test('a hidden tool under CI=true: one failing test names it, exit 1', async () => {
  const run = await runFixture('needsTelnet', { TELNETSRV_HIDE_TOOLS: 'telnet', CI: 'true' });
  assert.is(run.code, 1, run.stdout + run.stderr);
  assert.match(run.stdout, /CI=true and fixture\/needsTelnet needs telnet: apt-get install -y telnet/);
  assert.match(run.stdout, /Total:\s+1\n\s+Passed:\s+0\n\s+Skipped:\s+2\n/);
  assert.not.match(run.stdout, /skipped: /);
});

test('the tool present (another one hidden): both tests run and pass, hooks run', async () => {
  const run = await runFixture('needsTelnet', { TELNETSRV_HIDE_TOOLS: 'expect', CI: 'true' });
  assert.is(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /Total:\s+2\n\s+Passed:\s+2\n\s+Skipped:\s+0\n/);
  assert.match(run.stdout, /fixture after hook ran/);
});

test('a failing before hook says why; the after hook that then throws does not end the run', async () => {
  const run = await runFixture('failingHooks', {});
  assert.is(run.code, 1, run.stdout + run.stderr);
  assert.match(run.stderr, /fixture\/failingHooks: before hook failed: Error: could not start the browser/);
  assert.match(run.stderr, /fixture\/failingHooks: after hook failed: TypeError/);
  assert.match(run.stdout, /Total:\s+1\n\s+Passed:\s+0\n/, 'uvu reached its summary');
});

test('the install hint names the Debian package of each tool', () => {
  assert.is(installHint(['ssh', 'plink']), 'needs ssh, plink: apt-get install -y openssh-client putty-tools (or scripts/installTools.sh for all)');
});

test.run();
