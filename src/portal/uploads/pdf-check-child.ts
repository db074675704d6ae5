import { pdfProblem } from './pdf.js';

/**
 * A process of its own for one certificate's reading by pdfjs (./pdf-isolated.ts): the PDF on stdin, `{ problem }`
 * as JSON on stdout. Started with a bounded heap, so a PDF whose streams inflate to gigabytes ends this process (V8's
 * fatal error), not the portal.
 */
const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const problem = await pdfProblem(Buffer.concat(chunks)).catch(() => 'unreadable');
process.stdout.write(JSON.stringify({ problem }));
