// Shared by both bench servers: answers the runner's IPC questions about this process.
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { writeHeapSnapshot } from 'node:v8';
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
      const memory = process.memoryUsage();
      process.send?.({ rss: memory.rss, heapUsed: memory.heapUsed, cpuMicros: cpu.user + cpu.system });
    } else if (message === 'cpu') {
      const cpu = process.cpuUsage();
      process.send?.({ cpuOnly: cpu.user + cpu.system });
    } else if (message === 'heap-snapshot') {
      const file = path.join(process.env.BENCH_HEAP ?? '.', `idle-${process.pid}.heapsnapshot`);
      process.send?.({ heapSnapshot: writeHeapSnapshot(file) });
    } else if (message === 'profile-start') {
      // A CPU profile of one phase only (BENCH_PROFILE), not of start-up.
      profiler = new Session();
      profiler.connect();
      profiler.post('Profiler.enable', () => profiler?.post('Profiler.start', () => process.send?.({ profiling: true })));
    } else if (typeof message === 'object' && message !== null && 'profileStop' in message && profiler) {
      const phase = String(message.profileStop);
      profiler.post('Profiler.stop', (err, result) => {
        const file = path.join(process.env.BENCH_PROFILE ?? '.', `${phase}-${process.pid}.cpuprofile`);
        if (!err) writeFileSync(file, JSON.stringify(result.profile));
        profiler?.disconnect();
        profiler = null;
        process.send?.({ profiled: err ? String(err) : file });
      });
    }
  });
}
