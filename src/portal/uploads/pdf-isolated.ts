import { tsxEntryScript } from '../../server/thread-entry.js';
import { PDF_UNREADABLE_MESSAGE } from '../../shared/files/limits.js';
import { readingSlot, runChild } from './isolated-child.js';

/** The reading process's heap: a certificate of 2 Mo reads in a few tens of Mo; a decompression bomb ends the process. */
const HEAP_MB = 256;

/**
 * pdfProblem (./pdf.ts) run in a child process with a bounded heap and a time limit (./isolated-child.ts): pdfjs
 * inflates a PDF's streams without a bound of its own, and a 2 Mo file can expand to gigabytes. A child that runs out
 * of memory, fails, answers nonsense or takes too long answers « unreadable » in French.
 */
export async function isolatedPdfProblem(bytes: Buffer): Promise<string | null> {
  const program = tsxEntryScript(import.meta.url, './pdf-check-child.ts');
  const { code, stdout } = await readingSlot(() => runChild([`--max-old-space-size=${HEAP_MB}`, '-e', program], bytes));
  if (code !== 0) return PDF_UNREADABLE_MESSAGE;
  try {
    const answer = JSON.parse(stdout.toString('utf8')) as { problem?: unknown };
    if (answer.problem === null) return null;
    return typeof answer.problem === 'string' && answer.problem !== 'unreadable' ? answer.problem : PDF_UNREADABLE_MESSAGE;
  } catch {
    return PDF_UNREADABLE_MESSAGE;
  }
}
