import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  familyPublicationSchema,
  portalRequestSchema,
  portalSettingsSchema,
  publishRequestSchema,
  publishResponseSchema,
  pullResponseSchema,
  SYNC_PROTOCOL,
} from '../../src/shared/sync/contract.js';
import { familyPublicationSchemaV1 } from '../../src/shared/sync/contract-v1.js';
import { OLDEST_ACCEPTED_PROTOCOL, STORED_PROTOCOLS } from '../../src/shared/sync/protocol.js';
import { UPGRADE_STEPS } from '../../src/shared/sync/upgrade.js';
import { breakingChanges, contractBreaks, contractSchemas, describeContract } from '../helpers/sync-contract-compat.js';

/**
 * The sync contract's guard (src/shared/sync/protocol.ts: the contract evolves additively within a protocol; a portal
 * accepts the current protocol and the one before, and upgrades what it stored in older ones).
 * 1. Each protocol's description is committed (tests/fixtures/sync/contract/protocol-N.json, never regenerated): the
 *    code's schemas of every protocol it still reads may only add to it (tests/helpers/sync-contract-compat.ts says
 *    what that means for each payload's reader). A change that is not additive fails here: it needs a new
 *    SYNC_PROTOCOL, its committed description and an upgrade step from the one before.
 * 2. A committed snapshot of the current schemas, exactly: any change, additive or not, fails until the snapshot is
 *    updated (`npx vitest run tests/unit/sync-contract.test.ts -u`) and the diff reviewed.
 * 3. Payloads of earlier shapes, written by hand as an older office sent them, still read.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const committed = (protocol: number) => JSON.parse(fs.readFileSync(path.join(here, '..', 'fixtures', 'sync', 'contract', `protocol-${protocol}.json`), 'utf8')) as Record<string, unknown>;

describe('the sync contract', () => {
  it('matches its committed snapshot', async () => {
    await expect(`${JSON.stringify(describeContract(SYNC_PROTOCOL), null, 2)}\n`).toMatchFileSnapshot(path.join(here, '__snapshots__', 'sync-contract.json'));
  });

  it('only adds to the committed description of every protocol the portal still reads, in both directions', () => {
    expect(STORED_PROTOCOLS.at(-1)).toBe(SYNC_PROTOCOL);
    for (const protocol of STORED_PROTOCOLS) {
      const description = committed(protocol);
      expect(description.protocol).toBe(protocol);
      // The current protocol's description holds every payload (protocol 1's was committed before the pull's query
      // was described: it has been { after, limit } since); none breaks what its committed description allowed.
      if (protocol === SYNC_PROTOCOL) expect(Object.keys(describeContract(protocol)).filter((name) => !(name in description))).toEqual([]);
      expect(contractBreaks(description, describeContract(protocol)), `protocol ${protocol}: not additive; a new protocol is needed`).toEqual([]);
    }
  });

  it('has an upgrade step from every protocol before the current one, and the portal accepts the current and the previous', () => {
    expect(OLDEST_ACCEPTED_PROTOCOL).toBe(Math.max(1, SYNC_PROTOCOL - 1));
    for (const protocol of STORED_PROTOCOLS.slice(0, -1)) {
      const breaks = contractBreaks(committed(protocol), committed(protocol + 1));
      // Each step is a change that is not additive (else it would not be a protocol of its own) with its upgrade.
      expect(breaks.length, `protocol ${protocol} to ${protocol + 1}`).toBeGreaterThan(0);
      expect(UPGRADE_STEPS[protocol as keyof typeof UPGRADE_STEPS], `upgrade step from protocol ${protocol}`).toBeDefined();
    }
    // What protocol 2 changed, as its table says: the protocol numbers, and the inline photo no longer accepted.
    expect(contractBreaks(committed(1), committed(2)).filter((line) => !line.endsWith('const 1 became 2'))).toEqual([
      expect.stringMatching(/^publishRequest\.families\[\]\.children\[\]\.photo: no longer accepts \{"type":"object","properties":\{"mime".*"base64"/),
    ]);
  });

  it('fails a copy of the contract with a field removed, retyped, made required or added as required', () => {
    const current = describeContract(SYNC_PROTOCOL);
    const withChildren = (child: z.ZodObject) =>
      describeContract(SYNC_PROTOCOL, { ...contractSchemas(SYNC_PROTOCOL), publishRequest: publishRequestSchema.extend({ families: z.array(familyPublicationSchema.extend({ children: z.array(child) })) }) });
    const child = familyPublicationSchema.shape.children.element;
    // Removed: the child's first name; retyped: the balance as text; made required: the reminders (a default before).
    expect(contractBreaks(current, withChildren(child.omit({ prenom: true })))).toEqual(['publishRequest.families[].children[].prenom: removed']);
    const retyped = publishRequestSchema.extend({ families: z.array(familyPublicationSchema.extend({ balanceCents: z.string() })) });
    expect(contractBreaks(current, describeContract(SYNC_PROTOCOL, { ...contractSchemas(SYNC_PROTOCOL), publishRequest: retyped }))).toEqual([
      'publishRequest.families[].balanceCents: type "integer" became "string"',
    ]);
    const required = familyPublicationSchema.extend({ reminders: familyPublicationSchema.shape.reminders.unwrap() });
    expect(contractBreaks(current, describeContract(SYNC_PROTOCOL, { ...contractSchemas(SYNC_PROTOCOL), publishRequest: publishRequestSchema.extend({ families: z.array(required) }) }))).toEqual([
      'publishRequest.families[].reminders: now required',
    ]);
    expect(contractBreaks(current, withChildren(child.extend({ surnom: z.string() })))).toEqual(['publishRequest.families[].children[].surnom: added as required']);
    // Added as optional, or with a default: additive, no break.
    expect(contractBreaks(current, withChildren(child.extend({ surnom: z.string().optional(), couleur: z.string().default('') })))).toEqual([]);
  });

  it('tells apart what the portal reads from what the office reads: a new enum value breaks only an answer', () => {
    const current = describeContract(SYNC_PROTOCOL);
    const kinds = ['book', 'cancel', 'absence', 'data_change', 'photo', 'inscription'] as const;
    // A new kind of request, sent by the portal to offices that do not know it: breaking.
    const request = portalRequestSchema.extend({ kind: z.enum(kinds) });
    expect(contractBreaks(current, describeContract(SYNC_PROTOCOL, { ...contractSchemas(SYNC_PROTOCOL), portalRequest: request }))).toEqual([
      'portalRequest.kind: may now be ["inscription"], which an older reader refuses',
    ]);
    // The same enum widened in what the office sends (a decided request's kind): the portal reads more, additive.
    const requests = familyPublicationSchema.shape.requests.element.extend({ kind: z.enum(kinds) });
    const publish = publishRequestSchema.extend({ families: z.array(familyPublicationSchema.extend({ requests: z.array(requests) })) });
    expect(contractBreaks(current, describeContract(SYNC_PROTOCOL, { ...contractSchemas(SYNC_PROTOCOL), publishRequest: publish }))).toEqual([]);
    // A tighter bound on what the portal accepts breaks older offices; a looser one on an answer breaks older offices too.
    const pull = z.toJSONSchema(pullResponseSchema, { io: 'input' }) as Record<string, unknown>;
    const looser = z.toJSONSchema(pullResponseSchema.extend({ portalId: z.string().min(1).max(200).optional() }), { io: 'input' }) as Record<string, unknown>;
    expect(breakingChanges(pull, looser, 'produces')).toEqual(['$.portalId: maxLength 100 became 200']);
    expect(breakingChanges(pull, looser, 'accepts')).toEqual([]);
    expect(z.toJSONSchema(portalSettingsSchema, { io: 'input' })).toEqual(current.portalSettings);
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

  it('reads a child’s photo inline in protocol 1 only, by reference in both, and refuses a reference without its hash', () => {
    const before = JSON.parse(fs.readFileSync(path.join(here, '..', 'fixtures', 'sync-publication-before-invoicing.json'), 'utf8')) as { children: Array<Record<string, unknown>> };
    before.children[0]!.photo = { mime: 'image/png', base64: 'iVBORw0KGgo=' };
    expect(familyPublicationSchemaV1.parse(before).children[0]!.photo).toEqual({ mime: 'image/png', base64: 'iVBORw0KGgo=' });
    expect(familyPublicationSchema.safeParse(before).success).toBe(false);
    const sha256 = 'ab'.repeat(32);
    before.children[0]!.photo = { sha256, mime: 'image/jpeg', size: 1234 };
    expect(familyPublicationSchema.parse(before).children[0]!.photo).toEqual({ sha256, mime: 'image/jpeg', size: 1234 });
    expect(familyPublicationSchemaV1.parse(before).children[0]!.photo).toEqual({ sha256, mime: 'image/jpeg', size: 1234 });
    for (const schema of [familyPublicationSchema, familyPublicationSchemaV1]) {
      before.children[0]!.photo = { sha256: 'AB'.repeat(32), mime: 'image/jpeg', size: 1234 };
      expect(schema.safeParse(before).success).toBe(false);
      before.children[0]!.photo = { mime: 'image/jpeg', size: 1234 };
      expect(schema.safeParse(before).success).toBe(false);
    }
  });

  it('reads a publish answer of a portal before the photo store as lacking no photo', () => {
    expect(publishResponseSchema.parse({ protocol: SYNC_PROTOCOL, applied: [1], ignored: [] }).missingPhotos).toEqual([]);
  });
});
