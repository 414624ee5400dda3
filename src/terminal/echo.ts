/** What the echo decision depends on in the terminal: who shows typed text. */
export interface EchoFacts {
  /** The client edits lines and shows them itself (MUD clients): what we echo it shows twice. */
  readonly clientEchoes: boolean;
  /** A pipe (SSH without a pty): whole lines come in, nothing is drawn back. */
  readonly lineMode: boolean;
}

/** Who shows what for one line read. */
export interface EchoDecision {
  /** The line editor draws the typed characters (and redraws the line as it is edited). */
  readonly drawTyped: boolean;
  /** The editor moves to the next line at Enter / ^D (the client has not done so itself). */
  readonly drawLineEnd: boolean;
  /**
   * The telnet ECHO option to hold while the line is read: true WILL ECHO (a client that echoes
   * itself then hides what is typed), false WONT ECHO (it shows it); null: as negotiated, untouched.
   */
  readonly willEcho: boolean | null;
}

// The few possible answers, made once: the editor asks at every key.
const SERVER_DRAWS: EchoDecision = Object.freeze({ drawTyped: true, drawLineEnd: true, willEcho: null });
const SERVER_HIDES: EchoDecision = Object.freeze({ drawTyped: false, drawLineEnd: true, willEcho: null });
const CLIENT_SHOWS: EchoDecision = Object.freeze({ drawTyped: false, drawLineEnd: false, willEcho: false });
const CLIENT_HIDES: EchoDecision = Object.freeze({ drawTyped: false, drawLineEnd: false, willEcho: true });
const PIPE: EchoDecision = Object.freeze({ drawTyped: false, drawLineEnd: false, willEcho: null });

/**
 * The one echo decision, for a line that is `secret` (a password: echo off) or not. A terminal that
 * leaves echo to the server (telnet's WILL ECHO, an SSH pty) gets the typed text drawn unless it is
 * secret; a client that echoes itself is told by the ECHO option to hide a secret and show the rest;
 * a pipe is never drawn to.
 */
export function decideEcho(facts: EchoFacts, secret: boolean): EchoDecision {
  if (facts.lineMode) return PIPE;
  if (facts.clientEchoes) return secret ? CLIENT_HIDES : CLIENT_SHOWS;
  return secret ? SERVER_HIDES : SERVER_DRAWS;
}
