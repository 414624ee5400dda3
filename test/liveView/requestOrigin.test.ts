// The live view refuses requests that a web page elsewhere could make a browser send (DNS rebinding:
// a name of the attacker's resolving to 127.0.0.1; cross-site requests): 403, nothing of the session
// list in the answer, one log line per interval. Plain HTTP on the wire, no browser needed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import http from 'node:http';
import { createServer, type Server } from '../../src/server.js';
import { createDemoHandler } from '../../src/demo/testHandler.js';
import { recordingLogger } from '../support/demoServer.js';
import { refusedOrigin } from '../../src/liveView/requestOrigin.js';

function get(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    // setHost false: the Host header is exactly the one given (or none).
    const request = http.request({ host: '127.0.0.1', port, path, headers, setHost: false, timeout: 5000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      // The event stream never ends: its first event is enough.
      response.on('data', (chunk: string) => {
        body += chunk;
        if (path === '/events' && body.includes('\n\n')) response.destroy();
      });
      response.on('close', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', reject);
    request.end();
  });
}

let server: Server;
let port = 0;
const log: string[] = [];

test.before(async () => {
  server = createServer(createDemoHandler(), { logger: recordingLogger(log) });
  ({ port } = await server.listenLiveView({ port: 0, allowedHosts: ['console.example.org', '.lan'] }));
});

test.after(async () => {
  await server.close({ timeoutMs: 2000 });
});

test('its own address, localhost names and configured hosts get the page and the event stream', async () => {
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`, `box.localhost:${port}`, `console.example.org:${port}`, `a.b.lan:${port}`, `lan`, '10.0.0.7']) {
    const page = await get(port, '/', { Host: host });
    assert.is(page.status, 200, host);
  }
  const events = await get(port, '/events', { Host: `localhost:${port}`, Origin: `http://localhost:${port}` });
  assert.is(events.status, 200);
  assert.match(events.body, /^event: reset\ndata: \[/);
});

test('another Host (DNS rebinding) or a cross-origin Origin: 403 with no session data, one log line', async () => {
  const before = log.length;
  const refusals: Array<Record<string, string>> = [
    { Host: `evil.example.com:${port}` },
    { Host: `console.example.org.evil.com:${port}` }, // the configured name as a prefix only
    { Host: `xlan:${port}` }, // '.lan' is a domain, not a suffix of any text
    { Host: `localhost.evil.com:${port}` },
    { Host: `localhost:${port}`, Origin: 'http://evil.example.com' },
    { Host: `localhost:${port}`, Origin: 'null' },
    { Host: `localhost:${port}`, Origin: `https://localhost:${port}` },
    { Host: `localhost:${port}`, Origin: `http://localhost:${port + 1}` },
  ];
  for (const headers of refusals) {
    for (const path of ['/events', '/', '/chart.json']) {
      const answer = await get(port, path, headers);
      assert.is(answer.status, 403, `${path} ${JSON.stringify(headers)}`);
      assert.not.match(answer.body, /event:|data:|<html|"states"/i);
    }
  }
  const lines = log.slice(before).filter((line) => /live view: request refused/.test(line));
  assert.is(lines.length, 1, `rate-limited: ${lines.join('\n')}`);
  assert.match(lines[0]!, /^warn live view: request refused \(Host not allowed: Host evil\.example\.com:\d+\)$/);
});

test('refusedOrigin: the exact rules', () => {
  assert.is(refusedOrigin('127.0.0.1:80', undefined, []), null);
  assert.is(refusedOrigin('localhost', 'http://localhost', []), null);
  assert.is(refusedOrigin('localhost:8', 'http://localhost:80', []), 'cross-origin request');
  assert.is(refusedOrigin('Example.COM:9', 'http://example.com:9', ['example.com']), null);
  assert.is(refusedOrigin('example.com:9', undefined, ['.example.com']), null);
  assert.is(refusedOrigin('notexample.com', undefined, ['.example.com']), 'Host not allowed');
  assert.is(refusedOrigin('', undefined, []), 'no Host header');
  assert.is(refusedOrigin(undefined, undefined, []), 'no Host header');
  assert.is(refusedOrigin('localhost:1:2', undefined, []), 'malformed Host header');
  assert.is(refusedOrigin('[::1', undefined, []), 'malformed Host header');
});

test.run();
