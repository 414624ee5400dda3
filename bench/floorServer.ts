// The floor: a raw node:net server with the demo's visible behaviour (login prompt, prompt, echo)
// and nothing else: no telnet negotiation, no line editing, no actors.
import net from 'node:net';
import { answerStats } from './serverStats.js';

const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  let loggedIn = false;
  let pending = '';
  socket.write('Username: ');
  socket.on('data', (chunk) => {
    pending += chunk.toString('latin1');
    let end: number;
    while ((end = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, end).replace(/\r$/, '');
      pending = pending.slice(end + 1);
      if (!loggedIn) {
        loggedIn = true;
        socket.write(`${line}\r\nYou have connected to the test server.\r\nTestServer> `);
      } else {
        const reply = line.startsWith('echo ') ? `${line.slice(5)}\r\n` : '';
        socket.write(`${line}\r\n${reply}TestServer> `);
      }
    }
  });
  socket.on('error', () => {});
});
server.listen(0, '127.0.0.1', () => {
  answerStats();
  process.send?.({ port: (server.address() as net.AddressInfo).port });
});
