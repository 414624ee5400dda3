export interface CommandOptions {
  /** Three-part help: line 0 the parameters, line 1 the short text, lines 2+ the long text. */
  help?: string;
  /** Left out of `help`'s list (`help NAME` still works). */
  hidden?: boolean;
  /**
   * Tab completion of the parameters: the words typed before the cursor and the partial one; return
   * the possible words (those not starting with `partial` are left out; quoting is done for you).
   * Called with the handler as `this`.
   */
  complete?: Completer;
}

export type Completer = (params: string[], partial: string) => string[] | Promise<string[]>;

export interface CommandInfo {
  names: string[];
  hidden: boolean;
  help: string | undefined;
  complete: Completer | undefined;
}

// biome-ignore lint: a command method may take any `this` (the user's handler subclass).
export type CommandMethod = (this: never, params: string[]) => unknown;

const infos = new WeakMap<Function, CommandInfo>();

/** The command metadata `@command` put on a method, if any. */
export function commandInfo(fn: Function): CommandInfo | undefined {
  return infos.get(fn);
}

/**
 * Marks a method as a command (TC39 standard decorator). Stackable: names accumulate in reading
 * order (the top decorator's first), any `hidden: true` hides, a `help` anywhere in the stack is used.
 */
export function command(names: string | string[], options: CommandOptions = {}) {
  const list = typeof names === 'string' ? [names] : [...names];
  return function <M extends Function>(method: M, context: ClassMethodDecoratorContext): M {
    if (context.kind !== 'method') throw new TypeError('@command decorates methods only');
    const known = infos.get(method);
    // Decorators run bottom-up, so each one above puts its names in front.
    infos.set(method, {
      names: [...list, ...(known?.names ?? [])],
      hidden: (known?.hidden ?? false) || options.hidden === true,
      help: options.help ?? known?.help,
      complete: options.complete ?? known?.complete,
    });
    return method;
  };
}
