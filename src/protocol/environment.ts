import { ENV_ESC, ENV_INFO, ENV_IS, ENV_SEND, ENV_USERVAR, ENV_VALUE, ENV_VAR, NEW_ENVIRON } from './constants.js';
import { encodeSubnegotiation } from './encoder.js';
import { TERMINAL_LIMITS } from '../terminal/terminalLimits.js';

/** What the server asks for. Never USER: identity comes from the login only. */
export const ASKED_VARIABLES = ['LANG', 'TERM', 'COLUMNS', 'LINES'] as const;

/** Caps on what a client may send (SSH `env` requests follow the same): see TERMINAL_LIMITS. */
export const MAX_VARIABLES = TERMINAL_LIMITS.variables;
export const MAX_NAME = TERMINAL_LIMITS.variableName;
export const MAX_VALUE = TERMINAL_LIMITS.variableValue;

/** SB NEW-ENVIRON SEND for each asked name, as VAR and as USERVAR (clients file them either way). */
export function environmentSendRequest(): Uint8Array {
  const payload: number[] = [ENV_SEND];
  for (const name of ASKED_VARIABLES) {
    for (const type of [ENV_VAR, ENV_USERVAR]) payload.push(type, ...Buffer.from(name, 'ascii'));
  }
  return encodeSubnegotiation(NEW_ENVIRON, payload);
}

/**
 * IS or INFO payload → variables (RFC 1572, with ESC quoting). Sizes are capped; USER is dropped
 * so nothing downstream can mistake it for an identity.
 */
export function parseEnvironment(data: Uint8Array): Map<string, string> | null {
  if (data.length === 0 || (data[0] !== ENV_IS && data[0] !== ENV_INFO)) return null;
  const variables = new Map<string, string>();
  let name: number[] | null = null;
  let value: number[] | null = null;
  const finish = () => {
    if (name && name.length > 0 && variables.size < MAX_VARIABLES) {
      const key = Buffer.from(name).toString('latin1');
      if (key !== 'USER') variables.set(key, value ? Buffer.from(value).toString('utf8') : '');
    }
    name = null;
    value = null;
  };
  for (let i = 1; i < data.length; i++) {
    let byte = data[i]!;
    if (byte === ENV_VAR || byte === ENV_USERVAR) {
      finish();
      name = [];
      continue;
    }
    if (byte === ENV_VALUE) {
      value = [];
      continue;
    }
    if (byte === ENV_ESC && i + 1 < data.length) byte = data[++i]!;
    if (value) {
      if (value.length < MAX_VALUE) value.push(byte);
    } else if (name && name.length < MAX_NAME) {
      name.push(byte);
    }
  }
  finish();
  return variables;
}
