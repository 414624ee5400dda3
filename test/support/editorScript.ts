import { LineEditor, type EditorTerminal, type ReadOptions } from '../../src/terminal/lineEditor.js';

/**
 * A scripted line editor session for exact-output tests: each step is keys fed (a string) or a call,
 * and what it produced is every `output` write of that step (so batching shows) and every event.
 */
export type Step =
  | string
  | { above: string }
  | { leave: true }
  | { redraw: true }
  | { begin: Partial<ReadOptions> | true }
  | { width: number }
  | { interrupt: true }
  | { erase: 'character' | 'line' }
  | { close: true };

export interface Setup {
  width?: number;
  wrapLimit?: number;
  maxLineLength?: number;
  terminal?: EditorTerminal;
  read?: Partial<ReadOptions>;
}

export interface Run {
  editor: LineEditor;
  /** Writes and events of each step, in order: writes as they were, events as `=<name> <arg>`. */
  steps: string[][];
  read: ReadOptions;
  /** One more step (after an await, say): its writes and events. */
  step(step: Step): string[];
  /** What came since the last step (an asynchronous completion's answer). */
  since(): string[];
}

export function script(setup: Setup, steps: readonly Step[]): Run {
  let current: string[] = [];
  const editor = new LineEditor(
    {
      output: (text) => void current.push(text),
      line: (text, secret) => void current.push(secret ? `=line(secret) ${text}` : `=line ${text}`),
      interrupt: () => void current.push('=interrupt'),
      interruptCommand: () => void current.push('=interruptCommand'),
      endOfInput: () => void current.push('=eof'),
      lineTooLong: (limit) => void current.push(`=tooLong ${limit}`),
      typeAheadDropped: (limit) => void current.push(`=typeAheadDropped ${limit}`),
    },
    { maxLineLength: setup.maxLineLength, wrapLimit: setup.wrapLimit, terminal: setup.terminal },
  );
  if (setup.width !== undefined) editor.setWidth(setup.width);
  const read: ReadOptions = { prompt: '> ', echo: true, useHistory: true, history: [], ...setup.read };
  editor.begin(read);
  const out: string[][] = [current];
  const apply = (step: Step): string[] => {
    current = [];
    out.push(current);
    if (typeof step === 'string') editor.feed(step);
    else if ('above' in step) editor.writeAbove(step.above);
    else if ('leave' in step) editor.leaveInput();
    else if ('redraw' in step) editor.redraw();
    else if ('begin' in step) editor.begin(step.begin === true ? read : { ...read, ...step.begin });
    else if ('width' in step) editor.setWidth(step.width);
    else if ('interrupt' in step) editor.interrupt();
    else if ('erase' in step) step.erase === 'line' ? editor.eraseLine() : editor.eraseCharacter();
    else editor.close();
    return current;
  };
  for (const step of steps) apply(step);
  return {
    editor,
    steps: out,
    read,
    step: apply,
    since() {
      const came = current;
      current = [];
      out.push(current);
      return came;
    },
  };
}
