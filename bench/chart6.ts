// XState 6's alpha beside XState 5, for `npm run bench:chart` only: the session chart's command loop
// (the shell's prompting, continuing, executing and awaitingLine states, with the root's handlers
// and closing) ported to XState 6's config, where guards and actions are functions and a transition
// returns its target and context. The package never loads it: the alpha is installed on first use
// into bench/.xstate6 (git-ignored), under the alias xstate6, and skipped with a reason offline.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import { parseCommandLine, type ParseResult } from '../src/shell/parser.js';

export const XSTATE6_VERSION = '6.0.0-alpha.52';
const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '.xstate6');
const entry = path.join(dir, 'node_modules', 'xstate6', 'dist', 'xstate.esm.js');

/** XState 6's module, installed on demand; null (with the reason printed) when it cannot be. */
export async function loadXState6(): Promise<Record<string, any> | null> {
  if (!existsSync(entry)) {
    mkdirSync(dir, { recursive: true });
    const install = spawnSync('npm', ['install', '--prefix', dir, '--no-save', '--no-audit', '--no-fund', '--no-package-lock', `xstate6@npm:xstate@${XSTATE6_VERSION}`], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (install.status !== 0 || !existsSync(entry)) {
      console.log(`XState 6 skipped: could not install xstate@${XSTATE6_VERSION} into bench/.xstate6 (${(install.stderr || install.stdout).trim().split('\n').at(-1)})`);
      return null;
    }
  }
  return import(pathToFileURL(entry).href);
}

interface Ctx {
  lines: string[];
  parsed: ParseResult | null;
}
type Ev = { type: string; line?: string };

/**
 * The command loop in XState 6. Its transitions are pure (no assignment may run a command), so a
 * command that returns at once says so with an event: two macrosteps per command, as this project's
 * XState 5 chart had before its eventless return.
 */
export function commandLoop6(x: Record<string, any>, runCommand: (lines: string[], words: readonly string[]) => void) {
  const parse = (lines: string[]) => parseCommandLine(lines.join('\n'));
  const start = (ctx: Ctx, self: { send(e: Ev): void }) => {
    runCommand(ctx.lines, ctx.parsed?.complete ? ctx.parsed.words : []);
    self.send({ type: 'COMMAND_DONE' });
  };
  const ignore = () => {};
  return x.createMachine({
    id: 'session',
    context: { lines: [], parsed: null } as Ctx,
    initial: 'shell',
    on: {
      RESIZE: (_: unknown, enq: any) => void enq(ignore),
      TERMINAL_TYPE: (_: unknown, enq: any) => void enq(ignore),
      MESSAGE: (_: unknown, enq: any) => void enq(ignore),
      DISCONNECTED: { target: '.closing' },
      END: { target: '.closing' },
    },
    states: {
      shell: {
        initial: 'prompting',
        states: {
          prompting: {
            entry: (_: unknown, enq: any) => void enq(ignore),
            on: {
              LINE: ({ event, self }: { event: Ev; self: any }, enq: any) => {
                const lines = [event.line ?? ''];
                const parsed = parse(lines);
                if (!parsed.complete) return { target: 'continuing', context: { lines, parsed } };
                if (parsed.words.length === 0) return { target: 'prompting', reenter: true };
                enq(start, { lines, parsed }, self);
                return { target: 'executing', context: { lines, parsed } };
              },
              INTERRUPT: { target: 'prompting', reenter: true },
            },
          },
          continuing: {
            entry: (_: unknown, enq: any) => void enq(ignore),
            on: {
              LINE: ({ context, event, self }: { context: Ctx; event: Ev; self: any }, enq: any) => {
                const lines = [...context.lines, event.line ?? ''];
                const parsed = parse(lines);
                if (!parsed.complete) return { target: 'continuing', reenter: true, context: { lines, parsed } };
                enq(start, { lines, parsed }, self);
                return { target: 'executing', context: { lines, parsed } };
              },
              INTERRUPT: { target: 'prompting' },
            },
          },
          executing: {
            on: { COMMAND_DONE: { target: 'prompting' }, READ_LINE: { target: 'awaitingLine' } },
          },
          awaitingLine: {
            on: { COMMAND_DONE: { target: 'prompting' }, LINE: { target: 'executing' } },
          },
        },
      },
      closing: { always: { target: 'closed' } },
      closed: { type: 'final' },
    },
  });
}
