import { z } from 'zod';
import { ABSENCE_REASON_CODES } from '../planning/reasons.js';
import { CELL_STATES, type CellState } from '../planning/cells.js';
import { requestBodySchema } from '../requests/schema.js';
import { INVOICE_KIND_CODES, invoiceDocumentSchema } from './invoice-document.js';
import { SYNC_PROTOCOL } from './protocol.js';

export { SYNC_PROTOCOL };

/**
 * The versioned contract between the office (which always initiates) and the portail famille, validated at both
 * ends. The office pulls families' requests page by page with a cursor, and publishes per-family data (with the
 * decisions on their requests) and commune-wide content. These are the current protocol's schemas (protocol.ts has
 * the versions and what changed); contract-v1.ts keeps protocol 1's, which the portal still accepts and stores.
 *
 * It evolves additively within a protocol: a field added later has a default, so a payload of an older office and a
 * publication the portal stored before the change both still read, and an older office drops what it does not know
 * (zod strips unknown keys). Anything else is a new protocol with an upgrade step (upgrade.ts). The paths keep their
 * /v1/: the call's protocol is in its signed header, so one route serves every accepted protocol.
 * tests/unit/sync-contract.test.ts holds the committed description of each protocol's schemas and fails on a change
 * that is not additive.
 */
export const SYNC_PATHS = {
  pull: '/sync/v1/requests',
  publish: '/sync/v1/publish',
  /** Which of these photo hashes the portal lacks (cheap: hashes only). */
  photosMissing: '/sync/v1/photos/missing',
  /** Photo bytes the portal lacks, each sent once and stored by its hash. */
  photos: '/sync/v1/photos',
} as const;

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const isoInstant = z.string().datetime({ offset: false });
const reason = z.enum(ABSENCE_REASON_CODES);
const cellState = z.enum(Object.keys(CELL_STATES) as [CellState, ...CellState[]]);

/** A SHA-256 in lowercase hex: the name of a photo's bytes on both sides. */
export const photoHashSchema = z.string().regex(/^[0-9a-f]{64}$/);

/** The photo types the portal stores and serves (the browser shows them and the printed child sheet embeds them). */
export const PORTAL_PHOTO_MIMES = ['image/jpeg', 'image/png'] as const;
export type PortalPhotoMime = (typeof PORTAL_PHOTO_MIMES)[number];

/**
 * A child's photo in a publication: a reference to bytes sent once by their own call (SYNC_PATHS.photos) and served
 * by the portal from its store, so a publication does not carry them. Protocol 1 also carried the bytes inline
 * (contract-v1.ts); the portal upgrades those to references when it reads them (upgrade.ts).
 */
export const photoRefSchema = z.object({ sha256: photoHashSchema, mime: z.string(), size: z.number().int().min(0) });
export type PhotoRef = z.infer<typeof photoRefSchema>;

/**
 * A request as a family submitted it on the portal; uid and submittedAt are born there. The body is the one request
 * schema of src/shared/requests (the office API uses it too).
 */
export const portalRequestSchema = requestBodySchema.extend({
  uid: z.string().uuid(),
  familyId: z.number().int().positive(),
  submittedAt: isoInstant,
});
export type PortalRequest = z.infer<typeof portalRequestSchema>;

export const pullQuerySchema = z.object({ after: z.number().int().min(0), limit: z.number().int().min(1).max(500) });
/**
 * A page of requests. Each request is checked on its own by the office (portalRequestSchema), so one the office
 * cannot read is refused with its reason while the rest of the page, and the cursor, go on.
 */
export const pullResponseSchema = z.object({
  protocol: z.literal(SYNC_PROTOCOL),
  requests: z.array(z.object({ seq: z.number().int(), request: z.unknown() })),
  /** The cursor to store with this page, in the same transaction as the page's requests. */
  next: z.number().int(),
  more: z.boolean(),
  /**
   * The identity of the portal's database (src/portal/sync/identity.ts): when it changes under the same address, the
   * request numbers started over and the office pulls from the first again. Absent from a portal before it.
   */
  portalId: z.string().min(1).max(100).optional(),
});
export type PullResponse = z.infer<typeof pullResponseSchema>;

const responsable = z.object({
  rank: z.union([z.literal(1), z.literal(2)]),
  civilite: z.string(),
  nom: z.string(),
  prenom: z.string(),
  adresse: z.string(),
  codePostal: z.string(),
  ville: z.string(),
  telMobile: z.string(),
  telFixe: z.string(),
  telPro: z.string(),
  email: z.string(),
  profession: z.string(),
  employeur: z.string(),
});

const planningRow = z.object({
  serviceId: z.number().int(),
  cells: z.array(
    z.object({
      day: isoDay,
      state: cellState,
      closedWhy: z.string().optional(),
      absenceReason: reason.optional(),
      refusalReason: z.string().optional(),
      changeableUntil: isoInstant.optional(),
    }),
  ),
});

export const DIRECT_DEBIT_STATES = ['en_cours', 'preleve', 'rejete'] as const;
export type DirectDebitState = (typeof DIRECT_DEBIT_STATES)[number];

const directDebitSchema = z.object({
  status: z.enum(DIRECT_DEBIT_STATES),
  collectionDate: isoDay,
  mandateReference: z.string(),
  rejectCode: z.string().nullable().default(null),
  rejectReason: z.string().nullable().default(null),
  rejectDay: isoDay.nullable().default(null),
  feeInvoiceNumber: z.string().nullable().default(null),
});

export const familyPublicationSchema = z.object({
  familyId: z.number().int(),
  /** Increases with every publication of this family; the portal keeps the highest. */
  version: z.number().int().min(1),
  archived: z.boolean(),
  /** Who may log in: the office enables each responsable and gives an activation code (hash only here). */
  logins: z.array(
    z.object({
      rank: z.union([z.literal(1), z.literal(2)]),
      email: z.string(),
      activationCodeHash: z.string().nullable(),
      activationExpiresAt: isoInstant.nullable(),
    }),
  ),
  account: z.object({
    responsables: z.array(responsable),
    situation: z.string(),
    resident: z.boolean(),
    fiscal: z.object({ rfrCents: z.number().int().nullable(), partsX100: z.number().int().nullable(), year: z.number().int().nullable() }),
    caf: z.object({ regime: z.string(), number: z.string(), qf: z.number().int().nullable(), qfValidUntil: isoDay.nullable() }),
    bank: z.object({ holder: z.string(), ibanMasked: z.string(), bic: z.string() }),
  }),
  children: z.array(
    z.object({
      id: z.number().int(),
      nom: z.string(),
      prenom: z.string(),
      sexe: z.enum(['F', 'M']),
      dateNaissance: isoDay,
      ecole: z.string(),
      classe: z.string(),
      regime: z.string(),
      photo: photoRefSchema.nullable(),
      health: z.object({
        allergies: z.string(),
        pai: z.boolean(),
        paiEnd: isoDay.nullable(),
        medecinNom: z.string(),
        medecinTel: z.string(),
        vaccinations: z.array(z.object({ vaccine: z.string(), date: isoDay })),
      }),
      authorisedPersons: z.array(
        z.object({ nom: z.string(), prenom: z.string(), relation: z.string(), tel1: z.string(), mayPickUp: z.boolean(), emergency: z.boolean() }),
      ),
      authorisations: z.array(z.object({ label: z.string(), granted: z.boolean() })),
      custom: z.array(z.object({ label: z.string(), value: z.string() })),
      inscriptions: z.array(
        z.object({ serviceId: z.number().int(), serviceName: z.string(), startDate: isoDay, endDate: isoDay, weekdays: z.array(z.number().int()) }),
      ),
      /**
       * « Tarifs appliqués »: for each service of the child's inscriptions, the tariff in force on the office's day of
       * publication and the unit price for the family's QF in force that day (`quotient`). A service without a tariff
       * in force is absent. The fields after unitPriceCents came with invoicing: a publication made before them reads
       * with empty texts and nulls, and the portal shows only what it has.
       */
      tariffs: z.array(
        z.object({
          serviceName: z.string(),
          /** « repas », « tranche de 30 min ». */
          unit: z.string(),
          unitPriceCents: z.number().int(),
          serviceId: z.number().int().nullable().default(null),
          validFrom: isoDay.nullable().default(null),
          validTo: isoDay.nullable().default(null),
          /** « Tranche 2 : QF de 801 à 1 200 », « Taux d’effort », « Tranche 4 : QF non justifié, tranche la plus haute ». */
          bracket: z.string().default(''),
          /** The sentence of unitPrice (src/shared/billing/tariffs.ts): how the price was obtained. */
          why: z.string().default(''),
        }),
      ),
    }),
  ),
  /** The planning window the family may see and change (typically the current month and the next two). */
  planning: z.object({
    from: isoDay,
    to: isoDay,
    children: z.array(z.object({ childId: z.number().int(), rows: z.array(planningRow) })),
  }),
  /** The family's requests as the office knows them, with each item's decision. */
  requests: z.array(
    z.object({
      uid: z.string(),
      kind: z.enum(['book', 'cancel', 'absence', 'data_change', 'photo']),
      submittedAt: isoInstant,
      reason: reason.nullable(),
      items: z.array(
        z.object({
          childId: z.number().int().nullable(),
          serviceId: z.number().int().nullable(),
          day: isoDay.nullable(),
          status: z.enum(['pending', 'accepted', 'refused']),
          refusalReason: z.string().nullable(),
          decidedAt: isoInstant.nullable(),
          /** Asked after its deadline, as the office judged it on arrival; absent from older offices (not late). */
          late: z.boolean().optional(),
        }),
      ),
    }),
  ),
  /**
   * The family's QF in force on the office's day of publication, which the tariffs' unit prices use, with the
   * sentence of qfInForce (src/shared/billing/qf.ts) saying which proof serves or that none does. Null in a
   * publication made before invoicing.
   */
  quotient: z
    .object({ day: isoDay, qf: z.number().int().nullable(), flagged: z.boolean(), why: z.string() })
    .nullable()
    .default(null),
  /**
   * Every issued invoice, credit note and complementary invoice of the family, oldest first, each with its frozen
   * document so the portal prints the same PDF as the office. amountCents is the document's total (negative for a
   * credit note); paidCents stays 0 until payments exist. kind, month and document came with invoicing: an entry of
   * an earlier publication reads as an invoice without its month nor its document (listed, no PDF offered).
   */
  invoices: z.array(
    z.object({
      number: z.string(),
      date: isoDay,
      dueDate: isoDay,
      amountCents: z.number().int(),
      paidCents: z.number().int(),
      kind: z.enum(INVOICE_KIND_CODES).default('invoice'),
      month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/).nullable().default(null),
      document: invoiceDocumentSchema.nullable().default(null),
      /**
       * Where the invoice stands with direct debit (issue #12), so the portal never offers to pay online what the bank
       * is about to collect: 'en_cours' (in a batch the régie prepared or sent, collected on collectionDate), 'preleve'
       * (collected that day), 'rejete' (the debtor's bank refused it: the invoice is open again, rejectReason is the
       * reason in French, the fee invoice's number when the régie charged one). mandateReference is the RUM. Null for
       * an invoice never debited, and in a publication made before direct debit.
       */
      directDebit: directDebitSchema.nullable().default(null),
    }),
  ),
  /**
   * The family's payments and refunds, oldest first, those cancelled by the régie left out (a counter-entry is the
   * office's bookkeeping, not the family's). method is the French label (« Chèque »); kind came with the régie's
   * accounts and is absent from an entry of an earlier publication: a payment.
   */
  payments: z.array(z.object({ date: isoDay, amountCents: z.number().int(), method: z.string(), kind: z.enum(['payment', 'refund']).optional() })),
  /**
   * What the family owes (positive) or is owed (negative): the office's ledger balance (invoices and refunds less
   * payments and credit notes). An invoice's paidCents is what payments and credit notes settled on it; a credit
   * note's is minus what of it went to other invoices, so amountCents - paidCents is what is left either way.
   */
  balanceCents: z.number().int(),
  /**
   * The reminders (relances) the régie sent the family, oldest first: the portal mails each one it sees for the first
   * time to the responsables' addresses. A publication made before reminders reads with none.
   */
  reminders: z
    .array(
      z.object({
        id: z.number().int(),
        level: z.union([z.literal(1), z.literal(2)]),
        day: isoDay,
        amountCents: z.number().int(),
        invoiceNumbers: z.array(z.string()),
      }),
    )
    .default([]),
});
export type FamilyPublication = z.infer<typeof familyPublicationSchema>;

export const portalSettingsSchema = z.object({
  version: z.number().int().min(1),
  commune: z.object({
    name: z.string(),
    service: z.string(),
    address: z.string(),
    email: z.string(),
    phone: z.string(),
    /** Office hours, one line per day group ('Lundi et vendredi : 8h30-12h00'). */
    hours: z.array(z.string()),
  }),
  news: z.array(z.object({ date: isoDay, title: z.string(), body: z.string() })),
  services: z.array(
    z.object({
      id: z.number().int(),
      name: z.string(),
      weekdays: z.array(z.number().int()),
      period: z.enum(['school', 'holidays']),
      /** JSON DeadlineRules (src/shared/planning/rules.ts). */
      deadlines: z.record(z.string(), z.unknown()),
      latePolicy: z.enum(['refuse', 'late']),
    }),
  ),
  calendar: z.object({
    schoolYears: z.array(z.object({ startDate: isoDay, endDate: isoDay })),
    periods: z.array(
      z.object({ kind: z.enum(['holidays', 'bridge', 'closure']), label: z.string(), startDate: isoDay, endDate: isoDay, serviceId: z.number().int().nullable() }),
    ),
  }),
});
export type PortalSettings = z.infer<typeof portalSettingsSchema>;

export const publishRequestSchema = z.object({
  protocol: z.literal(SYNC_PROTOCOL),
  settings: portalSettingsSchema.nullable(),
  families: z.array(familyPublicationSchema).max(500),
});
export type PublishRequest = z.infer<typeof publishRequestSchema>;

export const publishResponseSchema = z.object({
  protocol: z.literal(SYNC_PROTOCOL),
  /** Family ids whose publication was stored; the others were older than what the portal holds. */
  applied: z.array(z.number().int()),
  ignored: z.array(z.number().int()),
  /**
   * Photo hashes the applied publications reference and the portal does not hold (the office sends them at once, in
   * the same run). Absent from an older portal's answer: none.
   */
  missingPhotos: z.array(photoHashSchema).default([]),
});
export type PublishResponse = z.infer<typeof publishResponseSchema>;

/** The most hashes one « which do you lack » call asks about (a publish batch's children, with room). */
export const PHOTOS_MISSING_MAX = 5_000;

export const photosMissingRequestSchema = z.object({ protocol: z.literal(SYNC_PROTOCOL), hashes: z.array(photoHashSchema).max(PHOTOS_MISSING_MAX) });
export const photosMissingResponseSchema = z.object({ protocol: z.literal(SYNC_PROTOCOL), missing: z.array(photoHashSchema) });

/**
 * Photos sent by their bytes. The portal checks each against its hash and its type (PORTAL_PHOTO_MIMES, by the bytes'
 * signature) and stores it once; a call with one wrong photo is refused whole (400), as a publication is.
 */
export const photosUploadRequestSchema = z.object({
  protocol: z.literal(SYNC_PROTOCOL),
  photos: z.array(z.object({ sha256: photoHashSchema, mime: z.enum(PORTAL_PHOTO_MIMES), base64: z.string() })).max(500),
});
export const photosUploadResponseSchema = z.object({ protocol: z.literal(SYNC_PROTOCOL), stored: z.array(photoHashSchema) });
