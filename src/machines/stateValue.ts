/** A chart's state value as a dotted path (`shell.prompting`). */
export function stateToString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const [key, child] = Object.entries(value)[0] ?? [];
    if (key === undefined) return '';
    const rest = stateToString(child);
    return rest ? `${key}.${rest}` : key;
  }
  return '';
}
