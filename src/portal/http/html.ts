/**
 * The one way pages build HTML: `html` escapes every interpolated value unless it is already SafeHtml (the result of
 * another `html` call or of `raw`). Arrays are joined, null/undefined/false render nothing.
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

const SPECIAL = /[&<>"']/;

export function escapeHtml(value: string): string {
  // Most values (names, dates, labels) hold nothing to escape: a test is cheaper than a replace that copies them.
  return SPECIAL.test(value) ? value.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char) : value;
}

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (typeof value === 'string') return escapeHtml(value);
  if (Array.isArray(value)) {
    // A list of rows or cells: appended in place (no array of strings built then joined).
    let out = '';
    for (const item of value as readonly HtmlValue[]) out += render(item);
    return out;
  }
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  // A plain loop: a page calls this for every cell, and a closure per call was garbage to collect.
  let out = strings[0] ?? '';
  for (let index = 0; index < values.length; index += 1) out += render(values[index]) + (strings[index + 1] ?? '');
  return new SafeHtml(out);
}

/** Trusted markup written in code (never data): use sparingly. */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/**
 * The same markup as one flat string, for markup kept and sent again and again (a planning grid): a string built by
 * `html` is a tree of the pieces joined, which V8 walks anew each time the page holding it is encoded for sending,
 * several thousand pieces for a month's grid. Reading one character makes V8 flatten the tree in place (an engine
 * behaviour, not a language rule: the worst case is the tree kept as it was, the same markup).
 */
export function flattened(markup: SafeHtml): SafeHtml {
  markup.value.charCodeAt(0);
  return markup;
}
