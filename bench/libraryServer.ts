// The library under test: the demo handler on createServer, telnet only, silent log.
import { createServer } from '../src/server.js';
import { silentLogger } from '../src/logger.js';
import { createDemoHandler } from '../src/demo/testHandler.js';
import { answerStats } from './serverStats.js';

// Thousands of sessions from one address (the load generator): the per-address cap is off here.
const server = createServer(createDemoHandler(), { logger: silentLogger, maxSessionsPerAddress: 0 });
const { port } = await server.listenTelnet({ host: '127.0.0.1', port: 0 });
answerStats();
process.send?.({ port });
