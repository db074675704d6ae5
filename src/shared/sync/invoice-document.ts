import { z } from 'zod';
import type { InvoiceDocument, InvoiceKind } from '../billing/invoice.js';
import type { LineKind } from '../billing/drafts.js';
import type { BillingCode } from '../billing/rules.js';

/**
 * The frozen InvoiceDocument (src/shared/billing/invoice.ts) as it crosses the sync: the portal renders the family's
 * PDF from it with the office's own code, so it is checked field by field on arrival like the rest of the contract.
 * Kept next to the contract because it is part of it: changing it is a change of the sync contract (committed
 * snapshot in tests/unit/sync-contract.test.ts).
 */

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const cents = z.number().int();

export const INVOICE_KIND_CODES = ['invoice', 'credit_note', 'complementary'] as const satisfies readonly InvoiceKind[];

const LINE_KINDS = ['unit', 'late_booking', 'unbooked', 'pai_reduction', 'correction'] as const satisfies readonly (LineKind | 'correction')[];

const BILLING_CODES = [
  'closed',
  'not_booked',
  'present',
  'walk_in',
  'booked_not_pointed',
  'absent_unnoticed',
  'cancelled_on_time',
  'cancelled_late',
  'absence_on_time',
  'absence_without_reason',
  'absence_reason_billed',
  'absence_reason_not_billed',
  'waiting_day',
  'absence_covered',
  'absence_without_certificate',
] as const satisfies readonly BillingCode[];

// Every kind the office may write is accepted: a code added in src/shared/billing without being listed here fails
// the type check instead of making the portal refuse the office's publications.
type Missing<All, Listed> = Exclude<All, Listed> extends never ? true : { missing: Exclude<All, Listed> };
const complete: [
  Missing<InvoiceKind, (typeof INVOICE_KIND_CODES)[number]>,
  Missing<LineKind | 'correction', (typeof LINE_KINDS)[number]>,
  Missing<BillingCode, (typeof BILLING_CODES)[number]>,
] = [true, true, true];
void complete;

export const invoiceDocumentSchema = z.object({
  kind: z.enum(INVOICE_KIND_CODES),
  number: z.string().min(1),
  issueDate: isoDay,
  dueDate: isoDay,
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/),
  issuer: z.object({
    communeName: z.string(),
    address: z.array(z.string()),
    siret: z.string(),
    regieName: z.string(),
    regieAddress: z.array(z.string()),
    regieHours: z.string(),
    phone: z.string(),
    email: z.string(),
    signatoryName: z.string(),
    signatoryQuality: z.string(),
    payfipId: z.string(),
    chequeOrder: z.string(),
    appeal: z.string(),
  }),
  family: z.object({ id: z.number().int(), name: z.string(), address: z.array(z.string()) }),
  lines: z.array(
    z.object({
      childId: z.number().int().nullable(),
      childName: z.string(),
      serviceId: z.number().int().nullable(),
      serviceName: z.string(),
      kind: z.enum(LINE_KINDS),
      label: z.string(),
      basis: z.string(),
      unitCents: cents,
      quantity: z.number().int(),
      amountCents: cents,
      days: z.array(isoDay),
    }),
  ),
  totalCents: cents,
  qf: z.array(
    z.object({
      from: isoDay,
      to: isoDay,
      qf: z.number().int().nullable(),
      source: z.enum(['caf', 'tax']).nullable(),
      flagged: z.boolean(),
      why: z.string(),
    }),
  ),
  days: z.array(
    z.object({
      childId: z.number().int(),
      serviceId: z.number().int(),
      day: isoDay,
      billed: z.boolean(),
      code: z.enum(BILLING_CODES),
      why: z.string(),
    }),
  ),
  corrects: z.object({ number: z.string(), issueDate: isoDay }).nullable(),
  reason: z.string(),
  directDebit: z
    .object({
      debitDate: isoDay,
      mandateReference: z.string(),
      creditorId: z.string(),
      amountCents: z.number().int().optional(),
      ibanMasked: z.string().optional(),
      creditorName: z.string().optional(),
    })
    .nullable(),
}) satisfies z.ZodType<InvoiceDocument>;

// And the other way: every InvoiceDocument the office's code can build is of a shape the schema accepts (only the
// formats of days, months and integers are checked beyond the type), so issuing cannot publish what the portal refuses.
type Accepts<Schema, Value> = [Value] extends [Schema] ? true : { refused: Value };
const accepted: Accepts<z.input<typeof invoiceDocumentSchema>, InvoiceDocument> = true;
void accepted;
