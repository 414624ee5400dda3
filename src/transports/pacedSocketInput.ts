import type { Socket } from 'node:net';
import { InputPacer, type InputBudget } from './inputPacer.js';

/**
 * Paces everything a socket reads, for a reader that takes the socket whole (ssh2's server attaches
 * its own 'data' listener and parses each chunk at once): its 'data' events go through an
 * `InputPacer`, so the reader handles at most the budget per turn, and 'end' waits behind the data.
 * Without it one SSH client sending packets that cost the server work (channel opens, global
 * requests, userauth "none") at line rate, logged in or not, held the event loop for seconds.
 */
export function paceSocketInput(socket: Socket, budget: InputBudget): void {
  const emit = socket.emit.bind(socket) as (event: string | symbol, ...args: unknown[]) => boolean;
  // A reader that destroys the socket (a protocol error) hears nothing more of what was queued.
  const pacer = new InputPacer(socket, (chunk) => (socket.destroyed ? pacer.stop() : emit('data', chunk)), budget);
  const paced = (event: string | symbol, ...args: unknown[]): boolean => {
    if (event === 'data') {
      pacer.push(args[0] as Buffer);
      return true;
    }
    if (event === 'end') {
      pacer.end(() => emit('end'));
      return true;
    }
    if (event === 'close') pacer.stop();
    return emit(event, ...args);
  };
  socket.emit = paced as Socket['emit'];
}
