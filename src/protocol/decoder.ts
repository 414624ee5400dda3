import { CR, IAC, LF, NUL, SB, SE, WILL, DONT } from './constants.js';

export type TelnetEvent =
  | { type: 'data'; data: Uint8Array }
  | { type: 'command'; command: number }
  | { type: 'negotiate'; verb: number; option: number }
  | { type: 'subnegotiation'; option: number; data: Uint8Array }
  | { type: 'warning'; message: string };

const enum Mode {
  Data,
  Iac,
  Verb,
  SbOption,
  SbData,
  SbIac,
  /** Inside an over-long subnegotiation: skipping to IAC SE (or IAC + command) without keeping anything. */
  SbSkip,
  SbSkipIac,
}

export const DEFAULT_MAX_SUBNEGOTIATION = 16 * 1024;

/**
 * Sans-IO telnet decoder: bytes in, events out. State survives chunk boundaries, so the events are
 * the same however the input is split. Data runs come out whole (subarrays of the chunk), with
 * CR LF, CR NUL and bare CR each turned into one CR.
 */
export class TelnetDecoder {
  #mode = Mode.Data;
  #verb = 0;
  #sbOption = 0;
  /** The subnegotiation being read; made at its first byte (an idle connection holds none). */
  #sb: number[] | null = null;
  /** The previous data byte was CR: a following LF or NUL belongs to it. */
  #afterCr = false;
  readonly #maxSubnegotiation: number;

  constructor(options: { maxSubnegotiation?: number } = {}) {
    this.#maxSubnegotiation = options.maxSubnegotiation ?? DEFAULT_MAX_SUBNEGOTIATION;
  }

  decode(chunk: Uint8Array, emit: (event: TelnetEvent) => void): void {
    let runStart = -1;
    // Data bytes are mostly copied as subarray runs; a dropped LF/NUL after CR splits the run.
    const flush = (end: number) => {
      if (runStart >= 0 && end > runStart) emit({ type: 'data', data: chunk.subarray(runStart, end) });
      runStart = -1;
    };
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      switch (this.#mode) {
        case Mode.Data:
          if (byte === IAC) {
            flush(i);
            this.#mode = Mode.Iac;
            break;
          }
          if (this.#afterCr && (byte === LF || byte === NUL)) {
            flush(i);
            this.#afterCr = false;
            break;
          }
          this.#afterCr = byte === CR;
          if (runStart < 0) runStart = i;
          break;
        case Mode.Iac:
          if (byte === IAC) {
            this.#afterCr = false;
            emit({ type: 'data', data: Uint8Array.of(IAC) });
            this.#mode = Mode.Data;
          } else if (byte >= WILL && byte <= DONT) {
            this.#verb = byte;
            this.#mode = Mode.Verb;
          } else if (byte === SB) {
            this.#mode = Mode.SbOption;
          } else {
            // Unknown commands and stray SE are reported and otherwise ignored: never an error.
            if (byte !== SE) emit({ type: 'command', command: byte });
            this.#mode = Mode.Data;
          }
          break;
        case Mode.Verb:
          emit({ type: 'negotiate', verb: this.#verb, option: byte });
          this.#mode = Mode.Data;
          break;
        case Mode.SbOption:
          this.#sbOption = byte;
          this.#sb = null;
          this.#mode = Mode.SbData;
          break;
        case Mode.SbData:
          if (byte === IAC) this.#mode = Mode.SbIac;
          else this.#keepSb(byte, emit);
          break;
        case Mode.SbIac:
          if (byte === SE) {
            emit({ type: 'subnegotiation', option: this.#sbOption, data: this.#takeSb() });
            this.#mode = Mode.Data;
          } else if (byte === IAC) {
            this.#mode = Mode.SbData;
            this.#keepSb(IAC, emit);
          } else {
            // A broken client: IAC + command inside SB. End the subnegotiation there (as if IAC SE
            // came) and treat the byte as the command, so the connection never stalls inside SB.
            emit({ type: 'subnegotiation', option: this.#sbOption, data: this.#takeSb() });
            this.#mode = Mode.Iac;
            i--;
          }
          break;
        case Mode.SbSkip:
          if (byte === IAC) this.#mode = Mode.SbSkipIac;
          break;
        case Mode.SbSkipIac:
          if (byte === SE) this.#mode = Mode.Data;
          else if (byte === IAC) this.#mode = Mode.SbSkip; // an escaped 255 of the skipped payload
          else {
            // IAC + command ends the skip as it ends a kept subnegotiation: the command, and all
            // that follows, is handled, so one over-long SB never swallows the rest of the stream.
            this.#mode = Mode.Iac;
            i--;
          }
          break;
      }
    }
    flush(chunk.length);
  }

  #keepSb(byte: number, emit: (event: TelnetEvent) => void): void {
    const sb = (this.#sb ??= []);
    if (sb.length >= this.#maxSubnegotiation) {
      emit({ type: 'warning', message: `subnegotiation of option ${this.#sbOption} over ${this.#maxSubnegotiation} bytes dropped` });
      this.#sb = null;
      this.#mode = Mode.SbSkip;
      return;
    }
    sb.push(byte);
  }

  /** The subnegotiation's bytes, and the array dropped. */
  #takeSb(): Uint8Array {
    const sb = this.#sb;
    this.#sb = null;
    return sb === null ? new Uint8Array(0) : Uint8Array.from(sb);
  }
}
