/**
 * A URL as it may be printed: no `user:password`, and the query string cut (a file storage's
 * signed URL carries its credential there). Requests keep the whole URL; only messages use this.
 */
export function printableUrl(url: URL | string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '(an unparsable URL)';
  }
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}${parsed.search ? '?…' : ''}`;
}
