// System tools some suites drive (real clients, a browser, a Redis server). On a machine without one
// the suite is skipped with one line naming the tool and how to get it; under CI=true a missing tool
// is a failure, so CI can never pass by skipping.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import { test as uvuTest, type Context, type Test } from 'uvu';

/** Each tool the tests may drive, the command that proves it is there, and its Debian package. */
export const TOOLS = {
  telnet: { command: 'telnet', apt: 'telnet' },
  expect: { command: 'expect', apt: 'expect' },
  ssh: { command: 'ssh', apt: 'openssh-client' },
  sshpass: { command: 'sshpass', apt: 'sshpass' },
  plink: { command: 'plink', apt: 'putty-tools' },
  chromium: { command: '/usr/bin/chromium', apt: 'chromium' },
  tmux: { command: 'tmux', apt: 'tmux' },
  tintin: { command: '/usr/games/tt++', apt: 'tintin++' },
  // Debian's interpreter, where Debian's packages are (a python3 earlier in PATH, pyenv's say, lacks them).
  paramiko: { command: 'test -x /usr/bin/python3 && /usr/bin/python3 -c "import paramiko"', apt: 'python3-paramiko' },
  asyncssh: { command: 'test -x /usr/bin/python3 && /usr/bin/python3 -c "import asyncssh"', apt: 'python3-asyncssh' },
  'ssh-audit': { command: 'ssh-audit', apt: 'ssh-audit' },
  'redis-server': { command: 'redis-server', apt: 'redis-server' },
} as const;

export type ToolName = keyof typeof TOOLS;

const found = new Map<ToolName, boolean>();
/** Tools to treat as absent (comma-separated), to try the fresh-machine path on a machine that has them. */
const hidden = new Set((process.env.TELNETSRV_HIDE_TOOLS ?? '').split(',').filter(Boolean));

export function hasTool(name: ToolName): boolean {
  let present = found.get(name);
  if (present === undefined && hidden.has(name)) present = false;
  if (present === undefined) {
    const { command } = TOOLS[name];
    present = command.startsWith('/')
      ? existsSync(command)
      : command.includes(' ')
        ? spawnSync('sh', ['-c', command], { stdio: 'ignore' }).status === 0
        : onPath(command);
    found.set(name, present);
  }
  return present;
}

/**
 * Whether an executable `command` is on PATH, looked up without starting a process: a spawnSync
 * while a suite's module loads (the hostile suite has forked its server by then) left that suite's
 * 1,000-connection pattern with sessions that never closed.
 */
function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      accessSync(path.join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Tools of `names` this machine lacks. */
export function missingTools(names: readonly ToolName[]): ToolName[] {
  return names.filter((name) => !hasTool(name));
}

/** The line that tells a user what to install. */
export function installHint(missing: readonly ToolName[]): string {
  const packages = [...new Set(missing.map((name) => TOOLS[name].apt))].join(' ');
  return `needs ${missing.join(', ')}: apt-get install -y ${packages} (or scripts/installTools.sh for all)`;
}

/**
 * The uvu `test` to register a suite's tests with, given the tools they drive: the real one when all
 * are present; otherwise every test is registered as skipped (one line says why), or, under CI=true,
 * one failing test names what is missing.
 */
export function testNeeding(suite: string, names: readonly ToolName[], test: Test = uvuTest): Test {
  const missing = missingTools(names);
  if (missing.length === 0) return withHookReasons(suite, test);
  const why = `${suite} ${installHint(missing)}`;
  if (process.env.CI === 'true') {
    test(`${suite}: required tools present`, () => {
      throw new Error(`CI=true and ${why}`);
    });
  } else {
    console.log(`skipped: ${why}`);
  }
  const skipped = ((name: string) => test.skip(name)) as unknown as Test;
  return Object.assign(skipped, { before: noHook, after: noHook, run: () => test.run(), skip: test.skip, only: test.skip }) as Test;
}

function noHook(): void {}
Object.assign(noHook, { each: noHook });

let hookFailed = false;
// uvu sets the exit code when its run ends; a failed `after` still makes it non-zero.
process.on('exit', () => {
  if (hookFailed) process.exitCode = 1;
});

/**
 * uvu drops an error thrown by a `before` hook (the suite shows `(0 / N)` and nothing else) and lets
 * one thrown by `after` end the whole run: print the first, and still run the second, printing what
 * it threw, so a suite that cannot start says why and the others go on.
 */
function withHookReasons(suite: string, test: Test): Test {
  const guarded = (kind: string, register: (fn: (context: Context) => void | Promise<void>) => void, rethrow: boolean) =>
    (fn: (context: Context) => void | Promise<void>) =>
      register(async (context) => {
        try {
          await fn(context);
        } catch (error) {
          console.error(`${suite}: ${kind} hook failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
          if (rethrow) throw error;
          hookFailed = true;
        }
      });
  const before = Object.assign(guarded('before', test.before, true), { each: test.before.each });
  const after = Object.assign(guarded('after', test.after, false), { each: test.after.each });
  return Object.assign(((name: string, fn: never) => test(name, fn)) as unknown as Test, { ...test, before, after, run: test.run, skip: test.skip, only: test.only });
}
