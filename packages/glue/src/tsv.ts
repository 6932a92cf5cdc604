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

/** Same as `tsvLines`, for text that arrives in chunks (a file stream); chunks may end mid-line. */
export async function* tsvLinesFromChunks(chunks: AsyncIterable<string>): AsyncGenerator<string> {
  let pending = '';
  let atStart = true;
  for await (const chunk of chunks) {
    if (chunk.length === 0) continue;
    pending += atStart && chunk.startsWith(BYTE_ORDER_MARK) ? chunk.slice(1) : chunk;
    atStart = false;
    let start = 0;
    let end = pending.indexOf('\n', start);
    while (end !== -1) {
      yield stripCarriageReturn(pending.slice(start, end));
      start = end + 1;
      end = pending.indexOf('\n', start);
    }
    pending = pending.slice(start);
  }
  if (pending.length > 0) yield stripCarriageReturn(pending);
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
