/**
 * How much of a terminal's description a client may hand the server, in one place: the telnet
 * parsers stop reading at these (TTYPE, NEW-ENVIRON), the SSH listener refuses `env` requests past
 * them, and the terminal state cuts anything that still comes in over them (a pty-req's TERM).
 */
export const TERMINAL_LIMITS = {
  /** Names kept from a TTYPE cycle (RFC 1091: the client repeats one to say the list is done). */
  terminalTypes: 8,
  /** Characters of one terminal name (TTYPE IS, NEW-ENVIRON TERM, SSH pty-req). */
  nameLength: 64,
  /** Environment variables kept (NEW-ENVIRON, SSH `env`). */
  variables: 32,
  variableName: 64,
  variableValue: 256,
  /** Columns and rows: NAWS carries 16 bits; SSH's 32-bit counts are cut to the same. */
  dimension: 65_535,
} as const;
