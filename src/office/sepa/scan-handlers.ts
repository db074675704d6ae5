import { z } from 'zod';
import type { ScanSource } from '../../shared/api/sepa.js';
import type { OfficeArgs } from '../../shared/api/contract.js';
import { invalid, notFound, type Handlers, type StaffContext } from '../api/handler.js';
import { decodeBase64 } from '../families/documents.js';
import { DOCUMENT_MAX_BYTES, SCAN_TOO_BIG_MESSAGE, SCAN_TOO_MANY_PIXELS_MESSAGE } from '../../shared/files/limits.js';
import { parisDay } from '../../shared/clock.js';
import { auditRibShown, documentForUser } from './rib-documents.js';
import { readScan, scanKind, UnreadableScan } from './scan/read-scan.js';

/**
 * 'sepa.readScan': the scanned RIB the agent chose (a file given in the window, or a document already attached to the
 * family) read locally into the mandate form's fields (./scan/). Nothing is saved here: the scan is attached to the
 * mandate when the agent confirms it (mandate-handlers.ts).
 */

/** The documents' limit (src/shared/files/limits.ts): a scan that is read can be stored with the mandate. */
export const SCAN_MAX_BYTES = DOCUMENT_MAX_BYTES;

export const SCAN_REFUSALS = {
  empty: 'Le fichier est vide ou illisible.',
  tooBig: SCAN_TOO_BIG_MESSAGE,
  tooManyPixels: SCAN_TOO_MANY_PIXELS_MESSAGE,
  notScan: "Ce fichier n'est ni un PDF ni une image (JPEG ou PNG) : choisissez le RIB scanné.",
  unreadable: "Ce fichier est endommagé ou protégé : il n'a pas pu être ouvert. Scannez à nouveau le RIB.",
} as const;

const sourceSchema: z.ZodType<ScanSource> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('file'), fileName: z.string().max(300), mime: z.string().max(200), base64: z.string() }),
  z.object({ kind: z.literal('document'), documentId: z.number().int() }),
]);

export const scanHandlers: Handlers<'sepa.readScan'> = {
  'sepa.readScan': {
    access: ['agent', 'regisseur', 'admin'],
    args: z.object({ familyId: z.number().int(), source: sourceSchema }),
    async run({ db, log, progress, user, clock }: StaffContext, { familyId, source }: OfficeArgs<'sepa.readScan'>) {
      const family = await db.selectFrom('families').select('id').where('id', '=', familyId).executeTakeFirst();
      if (!family) throw notFound('Famille introuvable.');
      const now = clock();
      const today = parisDay(now);
      let bytes: Buffer;
      let stored: { id: number; familyId: number; fileName: string } | null = null;
      if (source.kind === 'file') {
        // Checked on the text's length first: a huge file is refused before it is decoded.
        if (source.base64.length > Math.ceil((SCAN_MAX_BYTES * 4) / 3) + 4) throw invalid({ file: SCAN_REFUSALS.tooBig });
        const decoded = decodeBase64(source.base64);
        if (!decoded || decoded.length === 0) throw invalid({ file: SCAN_REFUSALS.empty });
        if (decoded.length > SCAN_MAX_BYTES) throw invalid({ file: SCAN_REFUSALS.tooBig });
        bytes = decoded;
      } else {
        /*
         * A RIB already on file (issue #12 review). Reading it is the agent's daily work: setting up the mandate, the
         * agent confirms the IBAN read against the scan shown beside the form, so the reading returns the IBAN in
         * full, to every role, like the scan itself. But the stored scan is opened only by the rule of
         * rib-documents.ts (the régisseur, or any role while the account is being set up: refused once the mandate
         * is signed), and each reading of a stored document is logged as a reveal « IBAN affiché » with the
         * masked IBAN read. A file given in the window is the paper the agent holds: nothing revealed, no audit.
         */
        const document = await documentForUser(db, source.documentId, familyId, user.role, today);
        bytes = document.bytes;
        stored = { id: source.documentId, familyId, fileName: document.fileName };
      }
      const kind = scanKind(bytes);
      if (!kind) throw invalid({ file: SCAN_REFUSALS.notScan });
      try {
        const reading = await readScan(bytes, kind, progress);
        // What was found, never the values: an IBAN is not written to the log.
        log.info('RIB scan read', { familyId, method: reading.method, fields: Object.keys(reading.fields).join(','), elapsedMs: reading.elapsedMs });
        if (stored) {
          const who = { userId: user.id, at: now.toISOString(), today };
          await auditRibShown(db, stored, 'RIB lu pour le prélèvement', reading.fields.iban?.value ?? null, who);
        }
        return reading;
      } catch (error) {
        if (error instanceof UnreadableScan) throw invalid({ file: SCAN_REFUSALS.unreadable });
        throw error;
      }
    },
  },
};
