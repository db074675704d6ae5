/**
 * Control characters in what a family types: the one rule for the portal's forms, the office's intake of portal
 * requests (the sync contract) and mail headers. A right-to-left override (U+202E) makes « gpj.exe » read as
 * « exe.jpg » in a list, a NUL or an escape sequence corrupts what the office prints or exports, and a line break in
 * a one-line field breaks the line-based formats it ends up in (mail headers, CSV, SEPA files).
 *
 * Refused: every C0 control (U+0000–U+001F) and DEL, every C1 control (U+0080–U+009F), the bidirectional controls
 * (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) and the Unicode line and paragraph separators
 * (U+2028, U+2029). Multi-line text keeps tab, line feed and carriage return (a textarea sends CRLF).
 */

const BIDI = '\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069';
const SEPARATORS = '\u2028\u2029';

// eslint-disable-next-line no-control-regex
const SINGLE_LINE = new RegExp(`[\\u0000-\\u001F\\u007F-\\u009F${BIDI}${SEPARATORS}]`, 'u');
// eslint-disable-next-line no-control-regex
const MULTI_LINE = new RegExp(`[\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F${BIDI}${SEPARATORS}]`, 'u');
// eslint-disable-next-line no-control-regex
const ANY_CONTROL = new RegExp(`[\\u0000-\\u001F\\u007F-\\u009F${BIDI}${SEPARATORS}]`, 'gu');

export type TextKind = 'single-line' | 'multi-line';

export const CONTROL_CHARS_MESSAGE = {
  'single-line': 'Ce champ contient un caractère invisible ou un retour à la ligne qui n’est pas accepté. Retapez le texte sans le copier-coller.',
  'multi-line': 'Le texte contient un caractère invisible qui n’est pas accepté (caractère de contrôle ou d’inversion du sens d’écriture). Retapez le texte sans le copier-coller.',
} as const;

/** Whether the text holds a character refused for its kind of field. */
export function hasControlChars(text: string, kind: TextKind): boolean {
  return (kind === 'single-line' ? SINGLE_LINE : MULTI_LINE).test(text);
}

/**
 * The text without the characters refused for its kind: for a value the office published and the family only saw
 * (a change's former value, pasted into the office with invisible marks), never for what a family types (refused).
 */
export function withoutControlChars(text: string, kind: TextKind): string {
  return text.replace(new RegExp((kind === 'single-line' ? SINGLE_LINE : MULTI_LINE).source, 'gu'), '');
}

/** The French message when the text holds a refused character, or null. */
export function controlCharsProblem(text: string, kind: TextKind, label?: string): string | null {
  if (!hasControlChars(text, kind)) return null;
  return label ? `${label} : ${lowerFirst(CONTROL_CHARS_MESSAGE[kind])}` : CONTROL_CHARS_MESSAGE[kind];
}

/** What a textarea sends, with its line breaks as the office stores them (CRLF and lone CR become LF). */
export function normaliseLineBreaks(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/**
 * A mail header's value with every control character replaced by a space (runs of spaces made one, ends trimmed): a
 * header is one line, and a line break in a subject would let whoever wrote it add headers (Bcc:) to the message.
 */
export function headerSafe(value: string): string {
  return value.replace(ANY_CONTROL, ' ').replace(/ {2,}/g, ' ').trim();
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/**
 * A JSON document with the NUL character taken out of every string (keys included): PostgreSQL refuses NUL in text
 * and jsonb, so one pasted into an office field would stop every publication to a portal on PostgreSQL, while it
 * means nothing to anybody (never a visible character). The count says how many strings held one, for the log.
 */
export function withoutNul<T>(value: T): { value: T; cleaned: number } {
  let cleaned = 0;
  const walk = (inner: unknown): unknown => {
    if (typeof inner === 'string') {
      if (!inner.includes('\u0000')) return inner;
      cleaned += 1;
      return inner.replaceAll('\u0000', '');
    }
    if (Array.isArray(inner)) return inner.map(walk);
    if (inner !== null && typeof inner === 'object') return Object.fromEntries(Object.entries(inner).map(([key, item]) => [walk(key) as string, walk(item)]));
    return inner;
  };
  const result = walk(value) as T;
  return { value: cleaned === 0 ? value : result, cleaned };
}
