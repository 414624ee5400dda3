import { TelnetDecoder, type TelnetEvent } from '../../src/protocol/decoder.js';

/**
 * Decodes `chunks` into readable lines, adjacent data events merged so the log does not depend on
 * where the chunks were cut. `check` sees every event first (for caps and invariants).
 */
export function decoderLog(chunks: ReadonlyArray<Uint8Array | readonly number[]>, maxSubnegotiation?: number, check?: (event: TelnetEvent) => void): string[] {
  const decoder = new TelnetDecoder({ maxSubnegotiation });
  const log: string[] = [];
  let data: number[] = [];
  const flush = () => {
    if (data.length) log.push(`data ${JSON.stringify(Buffer.from(data).toString('latin1'))}`);
    data = [];
  };
  const emit = (event: TelnetEvent) => {
    check?.(event);
    if (event.type === 'data') {
      data.push(...event.data);
      return;
    }
    flush();
    if (event.type === 'command') log.push(`command ${event.command}`);
    else if (event.type === 'negotiate') log.push(`negotiate ${event.verb} ${event.option}`);
    else if (event.type === 'subnegotiation') log.push(`sb ${event.option} [${[...event.data].join(',')}]`);
    else log.push('warning');
  };
  for (const chunk of chunks) decoder.decode(chunk instanceof Uint8Array ? chunk : Uint8Array.from(chunk), emit);
  flush();
  return log;
}
