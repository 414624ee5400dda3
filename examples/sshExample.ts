// The seed's "Short SSH Example" in TypeScript: telnet on 127.0.0.1:8023 (no login), SSH on
// 127.0.0.1:8022 for the Pythons without a password, anyone else with the password 'concord'.
import net from 'node:net';
import { SSHHandler, TelnetHandler, command, getRsaKeyFile } from '../src/index.js';

class MyTelnetHandler extends TelnetHandler {
  override welcome = 'Welcome to my server.';

  @command(['echo', 'copy', 'repeat'], { help: '<text to echo>\nEcho text back to the console.' })
  echo(params: string[]) {
    this.writeResponse(params.join(' '));
  }
}

class MySSHHandler extends SSHHandler {
  // The unique host key, created (mode 0600) on first run.
  override hostKey = getRsaKeyFile('server_fingerprint.key');
  // Use MyTelnetHandler for any PTY (or exec) connection.
  override telnetHandler = MyTelnetHandler;

  override authCallbackUsername(username: string) {
    // These users do not require a password.
    if (!['john', 'eric', 'terry', 'graham'].includes(username)) throw new Error('Not a Python!');
  }

  override authCallback(_username: string, password: string) {
    // Super secret password:
    if (password !== 'concord') throw new Error('Wrong password!');
  }
}

net.createServer(MyTelnetHandler.streamserverHandle).listen(8023, '127.0.0.1');
net.createServer(MySSHHandler.streamserverHandle).listen(8022, '127.0.0.1', () => {
  console.log('telnet on 127.0.0.1:8023, ssh on 127.0.0.1:8022');
});
