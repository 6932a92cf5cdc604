/** Characters of user text an error message quotes at most. */
export const EXCERPT_LENGTH = 60;

/**
 * User text as an error message quotes it: whole when short, else its start and its
 * length, so a 100 KB input does not end up in a log line or a terminal.
 */
export function excerpt(text: string, max = EXCERPT_LENGTH): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length} characters)`;
}
