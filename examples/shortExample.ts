// The seed's "Short Example" in TypeScript: `npx tsx examples/shortExample.ts`, then `telnet 127.0.0.1 8023`.
import net from 'node:net';
import { TelnetHandler, command } from '../src/index.js';

class MyTelnetHandler extends TelnetHandler {
  override welcome = 'Welcome to my server.';

  @command(['echo', 'copy', 'repeat'], { help: '<text to echo>\nEcho text back to the console.' })
  echo(params: string[]) {
    this.writeResponse(params.join(' '));
  }

  @command('timer', {
    help: '<time> <message>\nIn <time> seconds, display <message>.\nSend a message after a delay.\n<time> is in seconds.\nIf <message> is more than one word, quotes are required.\nexample: > TIMER 5 "hello world!"',
  })
  timer(params: string[]) {
    const [timeText, message] = params;
    const time = Number.parseInt(timeText ?? '', 10);
    if (message === undefined || Number.isNaN(time)) {
      this.writeError('Need both a time and a message');
      return;
    }
    this.writeResponse(`Waiting ${time} seconds...`);
    this.setTimeout(() => this.writeMessage(message), time * 1000);
  }
}

const port = Number(process.env.PORT ?? 8023);
net.createServer(MyTelnetHandler.streamserverHandle).listen(port, '127.0.0.1', () => {
  console.log(`telnet listening on 127.0.0.1:${port}`);
});
