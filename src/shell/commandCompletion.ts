import { completionContext, continuing, matchingNames, tabOutcome, type TabOutcome } from './completion.js';
import type { CommandRegistry } from './registry.js';

/**
 * Tab at the command prompt: the command name first (visible names and aliases), then the command's
 * own completer, called with the handler as `this`. A completer that throws or rejects completes
 * nothing and is reported through `failed`.
 */
export function commandCompleter(
  registry: CommandRegistry,
  handler: object,
  failed: (error: unknown) => void,
): (before: string, secondTab: boolean) => TabOutcome | Promise<TabOutcome> {
  const nothing = (error: unknown): TabOutcome => {
    failed(error);
    return { kind: 'none' };
  };
  return (before, secondTab) => {
    const context = completionContext(before);
    if (context.words.length === 0) {
      return tabOutcome(context, matchingNames(registry.names(), context.partial), secondTab);
    }
    const completer = registry.lookup(context.words[0]!)?.complete;
    if (!completer) return { kind: 'none' };
    const outcome = (found: string[]) => tabOutcome(context, continuing(found, context.partial), secondTab);
    try {
      const found = completer.call(handler, context.words.slice(1), context.partial);
      return Array.isArray(found) ? outcome(found) : Promise.resolve(found).then(outcome, nothing);
    } catch (error) {
      return nothing(error);
    }
  };
}
