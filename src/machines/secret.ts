const HIDDEN = '********';

/**
 * A password held by the chart. The text sits in a private field, so inspection, logging and
 * JSON see only asterisks; `reveal()` is the one way to read it.
 */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toJSON(): string {
    return HIDDEN;
  }
  toString(): string {
    return HIDDEN;
  }
}
