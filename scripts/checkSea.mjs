// Runs the SEA binary from an empty directory: its --help names it; one telnet session: login, echo.
// Exits non-zero on any failure (used by .ci/run after `npm run build:sea`).
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const dir = mkdtempSync(path.join(tmpdir(), 'telnetsrv-sea-'));
const binary = path.join(dir, 'telnetsrv-demo-sea');
copyFileSync('dist/telnetsrv-demo-sea', binary);
// The usage line names the binary itself, never `npm start --`.
const usage = execFileSync(binary, ['--help'], { cwd: dir, encoding: 'utf8' }).split('\n')[0];
if (usage !== 'Usage: telnetsrv-demo-sea [options]') {
  console.error(`SEA check failed: --help says ${JSON.stringify(usage)}`);
  rmSync(dir, { recursive: true, force: true });
  process.exit(1);
}
const started = Date.now();
const child = spawn(binary, ['--port', '0', '--ssh-port', '0'], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
const fail = (why) => {
  console.error(`SEA check failed: ${why}`);
  child.kill();
  rmSync(dir, { recursive: true, force: true });
  process.exit(1);
};
setTimeout(() => fail('timed out'), 20_000).unref();
let out = '';
child.stdout.on('data', (chunk) => {
  out += chunk;
  const match = /telnet listening on [\d.]+:(\d+)/.exec(out);
  if (!match || !/ssh listening on/.test(out) || child.checked) return;
  child.checked = true;
  console.log(`SEA start-up to both listening lines: ${Date.now() - started} ms`);
  const socket = net.connect(Number(match[1]), '127.0.0.1');
  let seen = '';
  let step = 0;
  socket.on('data', (data) => {
    // Telnet commands are skipped by keeping only printable text for the checks.
    seen += data.toString('latin1').replace(/\xff[\xfb-\xfe]./g, '');
    if (step === 0 && seen.includes('Username: ')) {
      step = 1;
      socket.write('sea\r\n');
    } else if (step === 1 && seen.includes('TestServer> ')) {
      step = 2;
      seen = '';
      socket.write('echo from the binary\r\n');
    } else if (step === 2 && /from the binary\r\nTestServer> $/.test(seen)) {
      console.log('SEA check passed: telnet login and echo work');
      socket.destroy();
      child.kill();
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    }
  });
  socket.on('error', (err) => fail(err.message));
});
child.on('exit', (code) => fail(`binary exited with ${code}`));
