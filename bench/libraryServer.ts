// The library under test: the demo handler on createServer, telnet only, silent log.
import { createServer } from '../src/server.js';
import { silentLogger } from '../src/logger.js';
import { createDemoHandler } from '../src/demo/testHandler.js';
import { answerStats } from './serverStats.js';

const server = createServer(createDemoHandler(), { logger: silentLogger });
const { port } = await server.listenTelnet({ host: '127.0.0.1', port: 0 });
answerStats();
process.send?.({ port });
