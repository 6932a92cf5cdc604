import { GlueError } from './errors.js';

const BYTE_ORDER_MARK = '\uFEFF';

/**
 * Cuts text into lines the way GLUE files are written: on `\n` only, a `\r` before it dropped (files edited on
 * Windows), a byte-order mark at the start dropped (MRPC keeps Microsoft's), and no line after a final newline.
 * Quotes mean nothing: GLUE sentences contain unbalanced `"` that CSV quoting would swallow.
 */
export function* tsvLines(text: string): Generator<string> {
  const body = text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text;
  let start = 0;
  while (start < body.length) {
    const end = body.indexOf('\n', start);
    if (end === -1) {
      yield stripCarriageReturn(body.slice(start));
      return;
    }
    yield stripCarriageReturn(body.slice(start, end));
    start = end + 1;
  }
}

/**
 * Same as `tsvLines`, for text that arrives in chunks (a file stream); chunks may end mid-line.
 * Linear in the text whatever the line lengths: each chunk is searched once, and the pieces
 * of a line spread over many chunks are joined once, when its end arrives.
 */
export async function* tsvLinesFromChunks(chunks: AsyncIterable<string>): AsyncGenerator<string> {
  let pieces: string[] = [];
  let atStart = true;
  for await (const text of chunks) {
    if (text.length === 0) continue;
    const chunk = atStart && text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text;
    atStart = false;
    let start = 0;
    for (let end = chunk.indexOf('\n'); end !== -1; end = chunk.indexOf('\n', start)) {
      pieces.push(chunk.slice(start, end));
      yield stripCarriageReturn(pieces.join(''));
      pieces = [];
      start = end + 1;
    }
    if (start < chunk.length) pieces.push(chunk.slice(start));
  }
  if (pieces.length > 0) yield stripCarriageReturn(pieces.join(''));
}

/** One TSV row: fields joined by tabs. A field holding a tab or line break cannot be written. */
export function formatTsvRow(fields: readonly string[]): string {
  for (const field of fields) {
    if (/[\t\r\n]/.test(field)) {
      throw new GlueError(`expected TSV fields without tabs or line breaks, got ${JSON.stringify(field)}`);
    }
  }
  return fields.join('\t');
}

function stripCarriageReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
