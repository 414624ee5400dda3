// Telnet command and option codes (RFC 854, 855 and the option RFCs).
export const IAC = 255;
export const DONT = 254;
export const DO = 253;
export const WONT = 252;
export const WILL = 251;
export const SB = 250;
export const GA = 249;
export const EL = 248;
export const EC = 247;
export const AYT = 246;
export const AO = 245;
export const IP = 244;
export const BRK = 243;
export const DM = 242;
export const NOP = 241;
export const SE = 240;
export const EOR = 239;

export const BINARY = 0;
export const ECHO = 1;
export const SGA = 3;
export const STATUS = 5;
export const TM = 6;
export const TTYPE = 24;
export const EOR_OPTION = 25;
export const NAWS = 31;
export const LINEMODE = 34;
export const NEW_ENVIRON = 39;
export const CHARSET = 42;

export const TTYPE_IS = 0;
export const TTYPE_SEND = 1;

export const CR = 13;
export const LF = 10;
export const NUL = 0;

const OPTION_NAMES: Record<number, string> = {
  [BINARY]: 'BINARY', [ECHO]: 'ECHO', [SGA]: 'SGA', [STATUS]: 'STATUS', [TM]: 'TM', [TTYPE]: 'TTYPE',
  [EOR_OPTION]: 'EOR', [NAWS]: 'NAWS', [LINEMODE]: 'LINEMODE', [NEW_ENVIRON]: 'NEW-ENVIRON', [CHARSET]: 'CHARSET',
  [18]: 'LOGOUT',
};

const COMMAND_NAMES: Record<number, string> = {
  [DONT]: 'DONT', [DO]: 'DO', [WONT]: 'WONT', [WILL]: 'WILL', [SB]: 'SB', [GA]: 'GA', [EL]: 'EL', [EC]: 'EC',
  [AYT]: 'AYT', [AO]: 'AO', [IP]: 'IP', [BRK]: 'BRK', [DM]: 'DM', [NOP]: 'NOP', [SE]: 'SE', [EOR]: 'EOR', [IAC]: 'IAC',
};

export function optionName(code: number): string {
  return OPTION_NAMES[code] ?? `option ${code}`;
}

export function commandName(code: number): string {
  return COMMAND_NAMES[code] ?? `command ${code}`;
}

export const LOGOUT = 18;

// NEW-ENVIRON (RFC 1572) subnegotiation codes.
export const ENV_IS = 0;
export const ENV_SEND = 1;
export const ENV_INFO = 2;
export const ENV_VAR = 0;
export const ENV_VALUE = 1;
export const ENV_ESC = 2;
export const ENV_USERVAR = 3;

// CHARSET (RFC 2066) subnegotiation codes.
export const CHARSET_REQUEST = 1;
export const CHARSET_ACCEPTED = 2;
export const CHARSET_REJECTED = 3;
