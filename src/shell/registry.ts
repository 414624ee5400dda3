import { commandInfo, type Completer } from './command.js';
import { parseHelp, type HelpText } from './helpText.js';

export interface CommandEntry {
  /** Upper case, as `help` shows it. */
  name: string;
  /** The first name of the command this entry belongs to (aliases share it). */
  primary: string;
  /** The property of the handler that runs it. */
  method: string | symbol;
  hidden: boolean;
  help: HelpText;
  complete: Completer | undefined;
}

/** Extra properties old-style `cmdNAME` methods may carry, as in the seed. */
interface OldStyleMethod extends Function {
  aliases?: string[];
  hidden?: boolean;
  help?: string;
}

const OLD_STYLE = /^cmd([A-Za-z0-9_-]+)$/;
const cache = new WeakMap<Function, CommandRegistry>();

/** The commands of one handler class, built once per class from its prototype chain. */
export class CommandRegistry {
  readonly #byName = new Map<string, CommandEntry>();

  static forClass(ctor: Function): CommandRegistry {
    let registry = cache.get(ctor);
    if (!registry) {
      registry = new CommandRegistry(ctor);
      cache.set(ctor, registry);
    }
    return registry;
  }

  private constructor(ctor: Function) {
    // From the base class down, so a subclass's command of the same name wins.
    const chain: object[] = [];
    for (let proto = ctor.prototype as object | null; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
      chain.unshift(proto);
    }
    for (const proto of chain) {
      for (const key of Reflect.ownKeys(proto)) {
        if (key === 'constructor') continue;
        const descriptor = Object.getOwnPropertyDescriptor(proto, key);
        const fn = descriptor?.value;
        if (typeof fn !== 'function') continue;
        const info = commandInfo(fn);
        const oldStyle = typeof key === 'string' ? OLD_STYLE.exec(key) : null;
        if (info) {
          this.#add(info.names, key, info.hidden, info.help, info.complete);
        } else if (oldStyle) {
          const old = fn as OldStyleMethod;
          this.#add([oldStyle[1]!, ...(old.aliases ?? [])], key, old.hidden === true, old.help, undefined);
        }
      }
    }
  }

  lookup(name: string): CommandEntry | undefined {
    return this.#byName.get(name.toUpperCase());
  }

  names(includeHidden = false): string[] {
    return this.entries()
      .filter((entry) => includeHidden || !entry.hidden)
      .map((entry) => entry.name)
      .sort();
  }

  entries(): CommandEntry[] {
    return [...this.#byName.values()];
  }

  #add(names: string[], method: string | symbol, hidden: boolean, helpText: string | undefined, complete: Completer | undefined): void {
    const primary = names[0]!.toUpperCase();
    const help = parseHelp(helpText);
    for (const name of names) {
      const upper = name.toUpperCase();
      this.#byName.set(upper, { name: upper, primary, method, hidden, help, complete });
    }
  }
}
