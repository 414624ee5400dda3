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
