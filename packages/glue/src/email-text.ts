/** The readable parts of an e-mail: its decoded subject and the text of its body. */
export interface EmailText {
  readonly subject: string;
  readonly body: string;
}

/**
 * Extracts subject and body text from a raw RFC 822 message: MIME multiparts are walked (the plain-text
 * alternative preferred over HTML), quoted-printable and base64 are decoded in the declared charset, HTML
 * loses its markup, and all whitespace collapses to single spaces. Attachments that are not text are dropped.
 */
export function emailText(raw: string): EmailText {
  const message = parseEntity(raw.replace(/\r\n?/g, '\n'));
  return {
    subject: normalizeWhitespace(decodeEncodedWords(message.headers.get('subject') ?? '')),
    body: normalizeWhitespace(entityText(message, 0)),
  };
}

/** Cuts text to at most `maxChars` characters, at a word boundary when one lies in the last fifth. */
export function truncateText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  let cut = text.slice(0, maxChars);
  // Never leave half of a surrogate pair behind.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  const lastSpace = cut.lastIndexOf(' ');
  return (lastSpace >= maxChars * 0.8 ? cut.slice(0, lastSpace) : cut).trimEnd();
}

interface Entity {
  readonly headers: ReadonlyMap<string, string>;
  readonly body: string;
}

interface ContentType {
  readonly type: string;
  readonly parameters: ReadonlyMap<string, string>;
}

// Nested multiparts deeper than this are broken or hostile; real mail stays far below.
const MAX_MIME_DEPTH = 8;

function parseEntity(text: string): Entity {
  const headerEnd = text.startsWith('\n') ? 0 : text.indexOf('\n\n');
  const headerText = headerEnd === -1 ? text : text.slice(0, headerEnd);
  const body = headerEnd === -1 ? '' : text.slice(headerEnd + (headerEnd === 0 ? 1 : 2));
  const headers = new Map<string, string>();
  for (const line of headerText.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const match = /^([!-9;-~]+):[ \t]*(.*)$/.exec(line);
    if (match !== null && !headers.has(match[1].toLowerCase())) headers.set(match[1].toLowerCase(), match[2]);
  }
  return { headers, body };
}

function parseContentType(value: string | undefined): ContentType {
  const type = /^\s*([^;\s]+)/.exec(value ?? '')?.[1]?.toLowerCase() ?? 'text/plain';
  const parameters = new Map<string, string>();
  for (const match of (value ?? '').matchAll(/;\s*([\w.-]+)\s*=\s*(?:"([^"]*)"|([^;\s]*))/g)) {
    parameters.set(match[1].toLowerCase(), match[2] ?? match[3]);
  }
  return { type, parameters };
}

function entityText(entity: Entity, depth: number): string {
  const contentType = parseContentType(entity.headers.get('content-type'));
  const boundary = contentType.parameters.get('boundary');
  if (contentType.type.startsWith('multipart/') && boundary !== undefined && depth < MAX_MIME_DEPTH) {
    const parts = multipartParts(entity.body, boundary).map(parseEntity);
    if (contentType.type === 'multipart/alternative') {
      // The same content several times over: one version is enough, and plain text needs no guessing.
      const plain = parts.find((part) => parseContentType(part.headers.get('content-type')).type === 'text/plain');
      if (plain !== undefined) return entityText(plain, depth + 1);
      return parts.map((part) => entityText(part, depth + 1)).find((text) => text.trim() !== '') ?? '';
    }
    return parts.map((part) => entityText(part, depth + 1)).join(' ');
  }
  if (contentType.type === 'message/rfc822' && depth < MAX_MIME_DEPTH) return entityText(parseEntity(entity.body), depth + 1);
  if (contentType.type === 'text/html') return htmlToText(decodeBody(entity, contentType));
  // A multipart without a boundary is unreadable as parts; its body is still text worth keeping.
  if (contentType.type.startsWith('text/') || contentType.type.startsWith('multipart/')) {
    const text = decodeBody(entity, contentType);
    // Bulk mailers often send a whole HTML page without declaring it, or with no Content-Type at all.
    return /<(html|body)\b/i.test(text) ? htmlToText(text) : text;
  }
  return '';
}

function multipartParts(body: string, boundary: string): string[] {
  const delimiter = `--${boundary}`;
  const parts: string[] = [];
  let current: string[] | undefined;
  for (const line of body.split('\n')) {
    if (line.startsWith(delimiter)) {
      if (current !== undefined) parts.push(current.join('\n'));
      current = line.slice(delimiter.length).startsWith('--') ? undefined : [];
      if (current === undefined) break;
    } else if (current !== undefined) {
      current.push(line);
    }
  }
  if (current !== undefined) parts.push(current.join('\n'));
  return parts;
}

function decodeBody(entity: Entity, contentType: ContentType): string {
  const encoding = (entity.headers.get('content-transfer-encoding') ?? '').trim().toLowerCase();
  const charset = contentType.parameters.get('charset') ?? 'us-ascii';
  if (encoding === 'quoted-printable') return decodeBytes(quotedPrintableBytes(entity.body.replace(/=[ \t]*\n/g, '')), charset);
  if (encoding === 'base64') return decodeBytes(Buffer.from(entity.body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64'), charset);
  return entity.body;
}

function quotedPrintableBytes(text: string): Uint8Array {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text[i] === '=' ? /^[0-9A-Fa-f]{2}/.exec(text.slice(i + 1, i + 3)) : null;
    if (hex !== null) {
      bytes.push(parseInt(hex[0], 16));
      i += 2;
    } else {
      const code = text.charCodeAt(i);
      if (code < 0x100) bytes.push(code);
      else bytes.push(...Buffer.from(text[i], 'utf8'));
    }
  }
  return Uint8Array.from(bytes);
}

function decodeBytes(bytes: Uint8Array, charset: string): string {
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    // An unknown or misspelt charset label; Latin-1 at least keeps ASCII text readable.
    return new TextDecoder('latin1').decode(bytes);
  }
}

function decodeEncodedWords(value: string): string {
  return value.replace(/(\?=)\s+(=\?)/g, '$1$2').replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g, (_, charset: string, encoding: string, text: string) => {
    const bytes = encoding.toUpperCase() === 'B' ? Buffer.from(text, 'base64') : quotedPrintableBytes(text.replaceAll('_', ' '));
    return decodeBytes(bytes, charset.split('*')[0]);
  });
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  copy: '©',
  reg: '®',
  trade: '™',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  bull: '•',
  middot: '·',
  euro: '€',
  pound: '£',
  cent: '¢',
  yen: '¥',
  deg: '°',
  times: '×',
};

function htmlToText(html: string): string {
  return html
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<(script|style|head)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#[0-9]+|#[xX][0-9A-Fa-f]+|[A-Za-z]+);/g, (entity, name: string) => {
      if (name.startsWith('#')) {
        const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : ' ';
      }
      return NAMED_ENTITIES[name.toLowerCase()] ?? entity;
    });
}

function normalizeWhitespace(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this removes from mail text
  return text.replace(/[\u0000-\u001f\u007f-\u009f\s]+/g, ' ').trim();
}
