import { wordWrap } from './wordWrap.js';

export interface HelpText {
  params: string;
  short: string;
  long: string;
}

/** What help shows of a command: a registry's `CommandEntry` (named here, so no import loop). */
export interface HelpEntry {
  name: string;
  hidden: boolean;
  help: HelpText;
}

/** Splits the seed's help format: line 0 parameters, line 1 short text, lines 2+ long text. */
export function parseHelp(text: string | undefined): HelpText {
  if (text === undefined) return { params: '', short: '', long: '' };
  const lines = text.split('\n').map((line) => line.trim());
  const params = lines[0] ?? '';
  const short = lines[1] ?? '';
  const long = lines.slice(2).join('\n').trim();
  return { params, short, long: long || short };
}

/** One line per visible name and alias, sorted: `NAME <params> - <short>`. */
export function renderHelpList(registry: { entries(): HelpEntry[] }): string[] {
  return registry
    .entries()
    .filter((entry) => !entry.hidden)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((entry) => {
      const { params, short } = entry.help;
      const head = params ? `${entry.name} ${params}` : entry.name;
      return `${head} - ${short || `no help for ${entry.name}`}`;
    });
}

/** `NAME <params>`, a blank line, then the long text. */
export function renderHelpDetail(entry: HelpEntry): string[] {
  const { params, long } = entry.help;
  return [params ? `${entry.name} ${params}` : entry.name, '', ...(long || `no help for ${entry.name}`).split('\n')];
}

/** The first line of `help`, as the seed prints it, then a blank line. */
export const HELP_HEADER = 'Help on built in commands';

/** Rows of a help list line that wraps: the name stays alone at the left margin. */
const HANGING_INDENT = '    ';

/** The list of commands wrapped at spaces to `width`, later rows of a line indented. */
export function helpList(registry: { entries(): HelpEntry[] }, width: number): string[] {
  return renderHelpList(registry).flatMap((line) => wordWrap(line, width, HANGING_INDENT));
}

/** What `help` prints on a terminal `width` columns wide: the header, a blank line, the list. */
export function helpPage(registry: { entries(): HelpEntry[] }, width: number): string[] {
  return [HELP_HEADER, '', ...helpList(registry, width)];
}

/** What `help NAME` prints, its long text wrapped at spaces to `width`. */
export function helpDetailPage(entry: HelpEntry, width: number): string[] {
  return renderHelpDetail(entry).flatMap((line) => wordWrap(line, width));
}
