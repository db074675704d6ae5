import type * as PdfjsModule from 'pdfjs-dist/legacy/build/pdf.mjs';
import {
  CERTIFICATE_MAX_PDF_PAGES,
  PDF_ACTIVE_CONTENT_MESSAGE,
  PDF_TOO_MANY_PAGES_MESSAGE,
  PDF_UNREADABLE_MESSAGE,
} from '../../shared/files/limits.js';

type Pdfjs = typeof PdfjsModule;
let pdfjs: Promise<Pdfjs> | null = null;
const loadPdfjs = (): Promise<Pdfjs> => (pdfjs ??= import('pdfjs-dist/legacy/build/pdf.mjs'));

/**
 * The PDF names of active content: scripts (/JavaScript, /JS), actions run on events (/AA; on opening, see below),
 * programs or files launched (/Launch), files carried inside (/EmbeddedFile, /EmbeddedFiles), forms that send data or
 * load content (/SubmitForm, /ImportData, /RichMedia, /XFA). A certificate needs none of them.
 */
const ACTIVE_NAMES = ['JavaScript', 'JS', 'AA', 'Launch', 'EmbeddedFile', 'EmbeddedFiles', 'SubmitForm', 'ImportData', 'RichMedia', 'XFA'];

/**
 * An opening action written as an action dictionary (/OpenAction << /S … >>). An /OpenAction that is only a
 * destination (/OpenAction [3 0 R /Fit], which LibreOffice and Word write to open on the first page) is harmless and
 * kept; one given by reference is judged by the parse (a script there is among its JavaScript actions, a named
 * action such as Print is its `action`).
 */
const OPEN_ACTION_DICTIONARY = /\/Open(?:A|#41)ction\s*<</;

/**
 * The names written in the file's bytes, with their #xx escapes read (/J#61vaScript is /JavaScript): a name ends at
 * whitespace or a delimiter. Catches what is stored in clear; what hides in a compressed object stream is caught by
 * the parse below.
 */
export function pdfNames(bytes: Buffer): Set<string> {
  const text = bytes.toString('latin1');
  const names = new Set<string>();
  for (const match of text.matchAll(/\/([^\s/<>[\]()%{}]+)/g)) {
    names.add(match[1]!.replace(/#([0-9A-Fa-f]{2})/g, (_all, hex: string) => String.fromCharCode(parseInt(hex, 16))));
  }
  return names;
}

/**
 * Null when `bytes` are a PDF a certificate may be: parsed by pdfjs-dist (a real reading, not only the signature), at
 * most CERTIFICATE_MAX_PDF_PAGES pages, every page readable, and no active content, neither in clear in the file nor
 * in what the parse finds (document scripts and actions, an opening action other than a destination, attachments, page annotations with
 * actions or attached files). Otherwise the French reason of the refusal.
 */
export async function pdfProblem(bytes: Buffer): Promise<string | null> {
  const names = pdfNames(bytes);
  if (ACTIVE_NAMES.some((name) => names.has(name)) || OPEN_ACTION_DICTIONARY.test(bytes.toString('latin1'))) return PDF_ACTIVE_CONTENT_MESSAGE;
  const lib = await loadPdfjs();
  const task = lib.getDocument({
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: true,
    verbosity: 0,
  });
  let doc: Awaited<typeof task.promise>;
  try {
    doc = await task.promise;
  } catch {
    await task.destroy().catch(() => undefined);
    return PDF_UNREADABLE_MESSAGE;
  }
  try {
    if (doc.numPages < 1) return PDF_UNREADABLE_MESSAGE;
    if (doc.numPages > CERTIFICATE_MAX_PDF_PAGES) return PDF_TOO_MANY_PAGES_MESSAGE;
    const [actions, opening, attachments] = await Promise.all([doc.getJSActions(), doc.getOpenAction(), doc.getAttachments()]);
    const present = (value: unknown) => value !== null && value !== undefined && (typeof value !== 'object' || Object.keys(value).length > 0);
    const openingAction = opening !== null && typeof opening === 'object' && present((opening as { action?: unknown }).action);
    if (present(actions) || openingAction || present(attachments)) return PDF_ACTIVE_CONTENT_MESSAGE;
    for (let number = 1; number <= doc.numPages; number += 1) {
      const page = await doc.getPage(number);
      const annotations = (await page.getAnnotations()) as Array<Record<string, unknown>>;
      if (annotations.some((a) => present(a.actions) || present(a.action) || present(a.file) || present(a.attachment) || a.annotationType === 17)) {
        return PDF_ACTIVE_CONTENT_MESSAGE;
      }
      // The page's content must read too: a file broken after its first page is not passed on.
      await page.getOperatorList();
    }
    return null;
  } catch {
    return PDF_UNREADABLE_MESSAGE;
  } finally {
    await doc.destroy();
  }
}
