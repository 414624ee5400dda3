import { spawn } from 'node:child_process';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a program, killed after `timeoutMs`; resolves with its exit code and output. */
export function runProgram(file: string, args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string; cwd?: string } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(file, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // A program that exits before reading its input must not turn into an EPIPE crash.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20000);
    // A missing program (not installed) fails its test with a clear line instead of killing the run.
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr: `${stderr}could not run ${file}: ${err.message}`, ms: Date.now() - started });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** An `expect` script; its transcript is stdout + stderr. */
export async function runExpect(script: string, env: NodeJS.ProcessEnv = {}, timeoutMs = 20000): Promise<{ code: number | null; output: string }> {
  const { code, stdout, stderr } = await runProgram('expect', ['-c', script], { env, timeoutMs });
  return { code, output: stdout + stderr };
}
