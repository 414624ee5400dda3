// Shared by both bench servers: answers the runner's IPC questions about this process.
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export function answerStats(): void {
  process.on('SIGTERM', () => process.exit(0));
  let profiler: Session | null = null;
  process.on('message', (message: unknown) => {
    if (message === 'stats') {
      // CPU is read before the full GC that settles RSS: with 10,000 sessions that GC alone takes
      // hundreds of milliseconds, which must not be billed to the phase it ends.
      const cpu = process.cpuUsage();
      (globalThis as { gc?: () => void }).gc?.();
      process.send?.({ rss: process.memoryUsage().rss, cpuMicros: cpu.user + cpu.system });
    } else if (message === 'cpu') {
      const cpu = process.cpuUsage();
      process.send?.({ cpuOnly: cpu.user + cpu.system });
    } else if (message === 'profile-start') {
      // A CPU profile of the command phase only (BENCH_PROFILE), not of start-up and logins.
      profiler = new Session();
      profiler.connect();
      profiler.post('Profiler.enable', () => profiler?.post('Profiler.start', () => process.send?.({ profiling: true })));
    } else if (message === 'profile-stop' && profiler) {
      profiler.post('Profiler.stop', (err, result) => {
        const file = path.join(process.env.BENCH_PROFILE ?? '.', `commands-${process.pid}.cpuprofile`);
        if (!err) writeFileSync(file, JSON.stringify(result.profile));
        profiler?.disconnect();
        profiler = null;
        process.send?.({ profiled: err ? String(err) : file });
      });
    }
  });
}
