import { readFileSync } from 'node:fs';

/**
 * The process's limit of open files (RLIMIT_NOFILE, soft), or null where it cannot be read. Node has
 * no API for it; Linux shows it in /proc/self/limits (Node has already raised soft to hard by now).
 */
export function fileDescriptorLimit(): number | null {
  try {
    const line = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (!line) return null;
    return line[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(line[1]);
  } catch {
    return null;
  }
}
