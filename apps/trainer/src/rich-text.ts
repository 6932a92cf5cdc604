/**
 * Text on the report page, where every figure names where it came from: a plain string, or a
 * value read from a run file, rendered with `data-src` (`report.json#/json/pointer`) and,
 * for a fraction shown as a percentage, `data-scale="100"`. The report test follows each
 * `data-src` back to the file and checks the figure shown.
 */
export type RichText = string | Sourced | readonly RichText[];

export interface Sourced {
  text: string;
  src: string;
  scale?: number;
}

export function sourced(text: string, src: string, scale?: number): Sourced {
  return scale === undefined ? { text, src } : { text, src, scale };
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** As HTML (`span`) or SVG (`tspan`) markup. */
export function renderRich(text: RichText, element: 'span' | 'tspan' = 'span'): string {
  if (typeof text === 'string') return escapeXml(text);
  if (Array.isArray(text)) return (text as readonly RichText[]).map((t) => renderRich(t, element)).join('');
  const { text: shown, src, scale } = text as Sourced;
  return `<${element} data-src="${escapeXml(src)}"${scale === undefined ? '' : ` data-scale="${scale}"`}>${escapeXml(shown)}</${element}>`;
}

/** The text without markup, for widths and titles. */
export function plainText(text: RichText): string {
  if (typeof text === 'string') return text;
  if (Array.isArray(text)) return (text as readonly RichText[]).map(plainText).join('');
  return (text as Sourced).text;
}
