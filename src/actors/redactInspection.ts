import type { InspectionEvent, Observer } from 'xstate';

const HIDDEN = '********';
/** Live objects passed through untouched (they hold no secret of their own and may be huge). */
const LIVE_KEYS = new Set(['host', 'actorRef', 'sourceRef', 'targetRef', 'self', 'system', '_parent', 'machine', 'children']);
const MAX_DEPTH = 8;

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A copy of plain data with secrets replaced: `password` fields and lines typed with echo off. */
function redact(value: unknown, depth: number): unknown {
  if (!value || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (!isPlain(value)) return value;
  const source = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(source)) {
    if (key === 'password' && typeof child === 'string') copy[key] = HIDDEN;
    else if (key === 'line' && source.secret === true) copy[key] = HIDDEN;
    else if (LIVE_KEYS.has(key)) copy[key] = child;
    else copy[key] = redact(child, depth + 1);
  }
  return copy;
}

/**
 * Wraps an inspection observer so secrets never leave the process through it: every event, action,
 * snapshot and actor input it sees is copied with passwords and echo-off lines replaced.
 */
export function redactInspection(observer: Observer<InspectionEvent>): Observer<InspectionEvent> {
  return {
    next: (inspection) => observer.next?.(redact(inspection, 0) as InspectionEvent),
    error: (err) => observer.error?.(err),
    complete: () => observer.complete?.(),
  };
}
