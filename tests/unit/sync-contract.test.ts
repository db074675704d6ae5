import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  familyPublicationSchema,
  photosMissingRequestSchema,
  photosMissingResponseSchema,
  photosUploadRequestSchema,
  photosUploadResponseSchema,
  portalRequestSchema,
  portalSettingsSchema,
  publishRequestSchema,
  publishResponseSchema,
  pullResponseSchema,
  SYNC_PROTOCOL,
} from '../../src/shared/sync/contract.js';

/**
 * The sync contract's guard (ARCHITECTURE.md: the contract evolves additively, the portal reads N and N-1).
 * 1. A committed snapshot of every payload's JSON schema, as accepted: any change to the contract fails here until
 *    the snapshot is updated (`npx vitest run tests/unit/sync-contract.test.ts -u`) and the diff reviewed: a field
 *    added with a default is additive; a field removed, renamed, retyped or made required is breaking and needs a new
 *    SYNC_PROTOCOL and new paths.
 * 2. Payloads of the previous shape, written by hand as an older office sent them, still read.
 */

const here = path.dirname(fileURLToPath(import.meta.url));

describe('the sync contract', () => {
  it('matches its committed snapshot', async () => {
    const schemas = {
      protocol: SYNC_PROTOCOL,
      portalRequest: z.toJSONSchema(portalRequestSchema, { io: 'input' }),
      pullResponse: z.toJSONSchema(pullResponseSchema, { io: 'input' }),
      publishRequest: z.toJSONSchema(publishRequestSchema, { io: 'input' }),
      publishResponse: z.toJSONSchema(publishResponseSchema, { io: 'input' }),
      portalSettings: z.toJSONSchema(portalSettingsSchema, { io: 'input' }),
      photosMissingRequest: z.toJSONSchema(photosMissingRequestSchema, { io: 'input' }),
      photosMissingResponse: z.toJSONSchema(photosMissingResponseSchema, { io: 'input' }),
      photosUploadRequest: z.toJSONSchema(photosUploadRequestSchema, { io: 'input' }),
      photosUploadResponse: z.toJSONSchema(photosUploadResponseSchema, { io: 'input' }),
    };
    await expect(`${JSON.stringify(schemas, null, 2)}\n`).toMatchFileSnapshot(path.join(here, '__snapshots__', 'sync-contract.json'));
  });

  it('reads a family publication of the shape before invoicing (N-1), filling what came later with its default', () => {
    const before = JSON.parse(fs.readFileSync(path.join(here, '..', 'fixtures', 'sync-publication-before-invoicing.json'), 'utf8')) as unknown;
    const read = familyPublicationSchema.parse(before);
    expect(read.invoices).toEqual([
      { number: 'F2026-0042', date: '2026-11-05', dueDate: '2026-12-05', amountCents: 4620, paidCents: 0, kind: 'invoice', month: null, document: null, directDebit: null },
    ]);
    expect(read.children[0]!.tariffs).toEqual([
      { serviceName: 'Restauration scolaire', unit: 'repas', unitPriceCents: 385, serviceId: null, validFrom: null, validTo: null, bracket: '', why: '' },
    ]);
    expect(read.quotient).toBeNull();
    // The régie's reminders came later still: none; a payment written before payments had a kind still reads.
    expect(read.reminders).toEqual([]);
    const paid = familyPublicationSchema.parse({ ...(before as object), payments: [{ date: '2026-11-20', amountCents: 1000, method: 'Chèque' }] });
    expect(paid.payments).toEqual([{ date: '2026-11-20', amountCents: 1000, method: 'Chèque' }]);
    expect(publishRequestSchema.safeParse({ protocol: SYNC_PROTOCOL, settings: null, families: [before] }).success).toBe(true);
  });

  it('reads an invoice’s direct debit with only its required fields, and refuses a state it does not know', () => {
    const before = JSON.parse(fs.readFileSync(path.join(here, '..', 'fixtures', 'sync-publication-before-invoicing.json'), 'utf8')) as { invoices: Array<Record<string, unknown>> };
    before.invoices[0]!.directDebit = { status: 'en_cours', collectionDate: '2026-12-05', mandateReference: 'GRN-000001-01' };
    expect(familyPublicationSchema.parse(before).invoices[0]!.directDebit).toEqual({
      status: 'en_cours',
      collectionDate: '2026-12-05',
      mandateReference: 'GRN-000001-01',
      rejectCode: null,
      rejectReason: null,
      rejectDay: null,
      feeInvoiceNumber: null,
    });
    before.invoices[0]!.directDebit = { status: 'pending', collectionDate: '2026-12-05', mandateReference: 'GRN-000001-01' };
    const parsed = familyPublicationSchema.safeParse(before);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path.slice(0, 4)).toEqual(['invoices', 0, 'directDebit', 'status']);
  });

  it('refuses an invoice whose document is not an invoice document, naming where', () => {
    const before = JSON.parse(fs.readFileSync(path.join(here, '..', 'fixtures', 'sync-publication-before-invoicing.json'), 'utf8')) as { invoices: Array<Record<string, unknown>> };
    before.invoices[0]!.document = { number: 'F2026-0042' };
    const parsed = familyPublicationSchema.safeParse(before);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path.slice(0, 3)).toEqual(['invoices', 0, 'document']);
  });

  it('reads a child’s photo inline (a publication before the photo store, N-1) and by reference, and refuses a reference without its hash', () => {
    const before = JSON.parse(fs.readFileSync(path.join(here, '..', 'fixtures', 'sync-publication-before-invoicing.json'), 'utf8')) as { children: Array<Record<string, unknown>> };
    before.children[0]!.photo = { mime: 'image/png', base64: 'iVBORw0KGgo=' };
    expect(familyPublicationSchema.parse(before).children[0]!.photo).toEqual({ mime: 'image/png', base64: 'iVBORw0KGgo=' });
    const sha256 = 'ab'.repeat(32);
    before.children[0]!.photo = { sha256, mime: 'image/jpeg', size: 1234 };
    expect(familyPublicationSchema.parse(before).children[0]!.photo).toEqual({ sha256, mime: 'image/jpeg', size: 1234 });
    before.children[0]!.photo = { sha256: 'AB'.repeat(32), mime: 'image/jpeg', size: 1234 };
    expect(familyPublicationSchema.safeParse(before).success).toBe(false);
    before.children[0]!.photo = { mime: 'image/jpeg', size: 1234 };
    expect(familyPublicationSchema.safeParse(before).success).toBe(false);
  });

  it('reads a publish answer of a portal before the photo store as lacking no photo', () => {
    expect(publishResponseSchema.parse({ protocol: SYNC_PROTOCOL, applied: [1], ignored: [] }).missingPhotos).toEqual([]);
  });
});
