import path from 'node:path';
import { parseArgs } from 'node:util';
import cluster from 'node:cluster';
import { createServer } from '../server.js';
import { createDemoHandler } from './testHandler.js';
import { startScaleOut, runPrimaryIfClustered } from '../scale/demoScale.js';

/**
 * How the user started this program: `npm start --` in this repository, otherwise the file run
 * (`telnetsrv-demo` through the package's bin link, `telnetsrv-demo.mjs` for the bundle, the single
 * executable's own name, which Node puts in argv[1] too).
 */
function programName(): string {
  if (process.env.npm_lifecycle_event === 'start' && process.env.npm_package_name === 'telnetsrv') return 'npm start --';
  return path.basename(process.argv[1] ?? process.execPath);
}

const USAGE = `Usage: ${programName()} [options]
  --host H          address to listen on (default 127.0.0.1)
  --port N          telnet port (default 8023; 0 picks a free one)
  --ssh-port N      SSH port (default 8022; 0 picks a free one)
  --no-ssh          serve telnet only
  --host-key FILE   SSH host key, created on first run (default ./demo-host-key)
  --password P      ask a password too; only P passes
  --live-view N     serve the live view page (sessions and their statechart) on this port
  --live-view-hosts LIST  host names (comma-separated) the live view answers to besides addresses and localhost
  --workers N       N processes (node:cluster) sharing the ports (default 1)
  --redis URL       share sessions with other processes through Redis (redis://host:port)
  --proxy-protocol  listeners expect a PROXY header (v1/v2) from a load balancer
  --help            this text`;

/** A bad command line: the message and the usage text. Anything else is one line (the operation failed). */
class UsageError extends Error {}

function isUsageError(err: unknown): boolean {
  if (err instanceof UsageError) return true;
  const code = (err as { code?: unknown } | null)?.code;
  // node:util parseArgs' own errors, and a flag's value refused elsewhere (`--workers needs ...`).
  return (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) || (err instanceof Error && /^--[a-z-]+ needs /.test(err.message));
}

function parsePort(value: string, flag: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`${flag} needs a port number from 0 to 65535, not ${JSON.stringify(value)}`);
  }
  return port;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '8023' },
      'ssh-port': { type: 'string', default: '8022' },
      'no-ssh': { type: 'boolean', default: false },
      'host-key': { type: 'string', default: 'demo-host-key' },
      password: { type: 'string' },
      'live-view': { type: 'string' },
      'live-view-hosts': { type: 'string', default: '' },
      workers: { type: 'string', default: '1' },
      redis: { type: 'string' },
      'proxy-protocol': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const password = values.password ?? null;
  if (runPrimaryIfClustered(values.workers)) return; // the primary only starts and relays workers
  const server = createServer(createDemoHandler({ password }));
  // Every port checked before anything listens; listening lines only once every listener is up.
  const ports = {
    telnet: parsePort(values.port, '--port'),
    ssh: parsePort(values['ssh-port'], '--ssh-port'),
    liveView: values['live-view'] === undefined ? null : parsePort(values['live-view'], '--live-view'),
  };
  const listening: string[] = [];
  let stopping = false;
  let scale: Awaited<ReturnType<typeof startScaleOut>>;
  try {
    // Another process closing everywhere (or the cluster primary's SIGTERM) ends this one as SIGTERM would.
    scale = await startScaleOut(server, values.redis, { onCloseRequest: (message) => stopping || stop('closed everywhere', message) });
  } catch (err) {
    throw new Error(`cannot join other processes through Redis at ${values.redis}: ${(err as Error).message}`);
  }
  const proxyProtocol = values['proxy-protocol'];
  const telnet = await server.listenTelnet({ host: values.host, port: ports.telnet, proxyProtocol });
  const where = scale ? ` (process ${scale.processId}, pid ${process.pid})` : '';
  listening.push(`telnet listening on ${telnet.host}:${telnet.port}${where}`);
  if (!values['no-ssh']) {
    const ssh = await server.listenSsh({
      host: values.host,
      port: ports.ssh,
      hostKeyFile: values['host-key'],
      proxyProtocol,
      // The demo's users: any name without a password, or only the --password value when given.
      ...(password === null
        ? { authCallbackUsername: () => {} }
        : {
            authCallback: (_user: string, given: string) => {
              if (given !== password) throw new Error('wrong password');
            },
          }),
    });
    listening.push(`ssh listening on ${ssh.host}:${ssh.port}${where}`);
  }
  if (ports.liveView !== null) {
    const allowedHosts = values['live-view-hosts'].split(',').map((name) => name.trim()).filter((name) => name !== '');
    const view = await server.listenLiveView({ host: values.host, port: ports.liveView, allowedHosts });
    listening.push(`live view on http://${view.host}:${view.port}/`);
  }
  for (const line of listening) console.log(line);
  function stop(signal: string, message = 'The server is shutting down.'): void {
    if (stopping) process.exit(1);
    stopping = true;
    server.logger.info(`${signal}: closing sessions`);
    void server
      .close({ message })
      .then(() => scale?.close())
      .then(() => process.exit(0));
  }
  if (cluster.isWorker) {
    // The primary says when to stop (a ^C reaches every process of the group; it coordinates).
    process.on('SIGINT', () => {});
  } else {
    process.on('SIGINT', () => stop('SIGINT'));
  }
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  if (isUsageError(err)) {
    console.error(message);
    console.error(USAGE);
    process.exit(2);
  }
  // The program could not do its work (a host key it cannot read, Redis away): one line, no usage;
  // listeners already up close with the process.
  console.error(`${path.basename(process.argv[1] ?? 'telnetsrv-demo')}: ${message}`);
  process.exit(1);
});
