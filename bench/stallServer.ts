// The server of `npm run bench:stall`: the demo handler plus `crunchinline`, the same work done on the
// event loop, for comparison. Prints its telnet port on stdout.
import { createServer } from '../src/server.js';
import { silentLogger } from '../src/logger.js';
import { createDemoHandler } from '../src/demo/testHandler.js';
import { command } from '../src/shell/command.js';
import { crunch } from '../src/demo/crunchTask.js';

const Demo = createDemoHandler();

class StallBenchHandler extends Demo {
  @command('crunchinline', { help: '<seconds>\nThe crunch work on the event loop (for comparison).' })
  crunchInline(params: string[]): void {
    const { rounds } = crunch(Number(params[0]));
    this.writeResponse(`crunched ${rounds} rounds inline`);
  }
}

const server = createServer(StallBenchHandler, { logger: silentLogger });
const { port } = await server.listenTelnet({ host: '127.0.0.1', port: 0 });
console.log(`port ${port}`);
process.on('SIGTERM', () => void server.close({ timeoutMs: 1000 }).then(() => process.exit(0)));
