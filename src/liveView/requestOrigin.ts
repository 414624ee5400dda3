import net from 'node:net';

/**
 * Whether a request to the live view comes from a page of its own (DNS rebinding and cross-site
 * requests refused). A web page elsewhere can make a browser send requests here under a name of its
 * own that resolves to this address; the browser then says that name in `Host`. So `Host` must be
 * an address (what someone types to reach this port: an IP literal, of any interface), `localhost`
 * or a name under `.localhost`, or one of `allowedHosts` (exact names, or `.example.com` for that
 * domain and every name under it); and an `Origin`, when sent, must be this very host over http.
 * Returns why it is refused, or null when it is allowed.
 */
export function refusedOrigin(host: string | undefined, origin: string | undefined, allowedHosts: readonly string[]): string | null {
  if (!host) return 'no Host header';
  const name = hostName(host);
  if (name === null) return 'malformed Host header';
  if (!hostAllowed(name, allowedHosts)) return 'Host not allowed';
  if (origin !== undefined && origin !== `http://${host.toLowerCase()}`) return 'cross-origin request';
  return null;
}

/** The name part of a Host header (brackets of an IPv6 literal removed, lower case), or null. */
function hostName(host: string): string | null {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(host);
  if (!match) return null;
  return match[1]!.replace(/^\[|\]$/g, '').toLowerCase();
}

function hostAllowed(name: string, allowedHosts: readonly string[]): boolean {
  if (net.isIP(name) !== 0) return true;
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  return allowedHosts.some((allowed) => {
    const entry = allowed.toLowerCase();
    return entry.startsWith('.') ? name === entry.slice(1) || name.endsWith(entry) : name === entry;
  });
}
