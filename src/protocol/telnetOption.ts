/** What an option of your own can do on its connection. */
export interface TelnetOptionContext {
  /** Sends IAC SB <option> <data> IAC SE (IAC bytes in data are doubled for you). */
  subnegotiate(data: Uint8Array | readonly number[]): void;
  log(message: string): void;
}

/**
 * A telnet option the codec does not know, declared by the user (GMCP for a MUD, say): which side
 * may enable it, and what to do when it turns on or off or a subnegotiation arrives. Negotiation
 * itself (RFC 1143) stays with the library.
 */
export interface TelnetOption {
  readonly option: number;
  /** Asked for when the connection opens: 'local' sends WILL (we do it), 'remote' sends DO. */
  readonly ask?: ReadonlyArray<'local' | 'remote'>;
  /** Sides agreed to when the peer asks first (default: the asked ones). */
  readonly accept?: ReadonlyArray<'local' | 'remote'>;
  enabled?(side: 'local' | 'remote', context: TelnetOptionContext): void;
  disabled?(side: 'local' | 'remote', context: TelnetOptionContext): void;
  subnegotiation?(data: Uint8Array, context: TelnetOptionContext): void;
}
