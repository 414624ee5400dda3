// The seed's way to serve: `net.createServer(MyHandler.streamserverHandle)`, with the handler class
// imported from the package's entry; the handler reaches its server through the slot the entry fills.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import net from 'node:net';
import { TelnetHandler } from '../../src/index.js';
import { TelnetTestClient } from '../support/telnetClient.js';

test('net.createServer(MyHandler.streamserverHandle) serves the class; MyHandler.defaultServer is its server', async () => {
  class Greeter extends TelnetHandler {
    override welcome = 'Hello from the default server.';
  }
  class Other extends TelnetHandler {}
  assert.is(Greeter.defaultServer, Greeter.defaultServer, 'one server per class');
  assert.is.not(Greeter.defaultServer, Other.defaultServer);
  assert.is(Greeter.streamserverHandle, Greeter.defaultServer.connectionListener);
  const listener = net.createServer(Greeter.streamserverHandle);
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const { port } = listener.address() as net.AddressInfo;
  const client = await TelnetTestClient.connect(port);
  try {
    await client.waitFor('Hello from the default server.\nTelnet Server> ');
    assert.is(Greeter.defaultServer.sessions.length, 1);
  } finally {
    client.close();
    await Greeter.defaultServer.close({ timeoutMs: 2000 });
    await Other.defaultServer.close({ timeoutMs: 100 });
    await new Promise<void>((resolve) => listener.close(() => resolve()));
  }
});

test.run();
