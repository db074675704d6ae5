import { describe, expect, it } from 'vitest';
import { ABSENCE_REASON_CODES } from '../../src/shared/planning/reasons.js';
import { firstProblem, newRequestSchema, parseFrench, REQUEST_LIMITS } from '../../src/shared/requests/schema.js';
import { portalRequestSchema } from '../../src/shared/sync/contract.js';

/** One request schema for the office API and the sync contract: same limits, real days, the nine reasons, the keys. */

const body = {
  kind: 'absence' as const,
  items: [{ childId: 1, serviceId: 1, day: '2027-02-26' }],
  reason: 'MEDICAL' as const,
  comment: '',
  changes: [],
  photo: null,
  certificate: null,
};
const portal = { ...body, uid: '0b8a5c55-8f43-4b55-a4a8-3b1f3e1f0c11', familyId: 1, submittedAt: '2026-11-30T09:00:00.000Z' };
const office = { ...body, familyId: 1 };

const both = (patch: Record<string, unknown>) => [
  parseFrench(portalRequestSchema, { ...portal, ...patch }),
  parseFrench(newRequestSchema, { ...office, ...patch }),
];

describe('the one request schema', () => {
  it('accepts the same request at both doors', () => {
    for (const parsed of both({})) expect(parsed.success).toBe(true);
  });

  it('refuses a day that does not exist, not only a malformed one, at both doors', () => {
    for (const day of ['2027-02-31', '2026-13-01', '2027-2-1', '31/12/2027']) {
      for (const parsed of both({ items: [{ childId: 1, serviceId: 1, day }] })) {
        expect(parsed.success, day).toBe(false);
        if (!parsed.success) expect(firstProblem(parsed.error)).toBe('Date invalide : ce jour n’existe pas dans le calendrier (jj/mm/aaaa). (items.0.day)');
      }
    }
  });

  it('knows the nine reasons and nothing else', () => {
    expect(ABSENCE_REASON_CODES).toHaveLength(9);
    for (const reason of ABSENCE_REASON_CODES) for (const parsed of both({ reason })) expect(parsed.success).toBe(true);
    for (const parsed of both({ reason: 'VACANCES' })) {
      expect(parsed.success).toBe(false);
      if (!parsed.success) expect(firstProblem(parsed.error)).toBe("Motif d'absence inconnu. (reason)");
    }
  });

  it('has the same limits at both doors, and a body at every limit passes', () => {
    const change = { entity: 'family', entityId: 1, field: 'responsable1.adresse', label: 'x'.repeat(REQUEST_LIMITS.label), oldValue: 'x'.repeat(REQUEST_LIMITS.value), newValue: 'x'.repeat(REQUEST_LIMITS.value) };
    const atLimit = {
      items: Array.from({ length: REQUEST_LIMITS.items }, (_, i) => ({ childId: 1 + (i % 3), serviceId: 1, day: '2027-01-04' })),
      comment: 'x'.repeat(REQUEST_LIMITS.comment),
      changes: Array.from({ length: REQUEST_LIMITS.changes }, () => change),
    };
    for (const parsed of both(atLimit)) expect(parsed.success).toBe(true);
    for (const over of [
      { items: [...atLimit.items, atLimit.items[0]] },
      { comment: 'x'.repeat(REQUEST_LIMITS.comment + 1) },
      { changes: [...atLimit.changes, change] },
      { changes: [{ ...change, newValue: 'x'.repeat(REQUEST_LIMITS.value + 1) }] },
    ]) {
      for (const parsed of both(over)) {
        expect(parsed.success).toBe(false);
        if (!parsed.success) expect(firstProblem(parsed.error)).toMatch(/au plus/);
      }
    }
  });

  it('lets through only the keys of the list, on their entity, with canonical values', () => {
    const change = (patch: Record<string, unknown>) => ({ changes: [{ entity: 'family', entityId: 1, field: 'fiscal.rfrCents', label: 'Revenu', oldValue: '', newValue: '3245050', ...patch }] });
    for (const parsed of both(change({}))) expect(parsed.success).toBe(true);
    const refusals: Array<[Record<string, unknown>, string]> = [
      [{ field: 'fiscal.rfr' }, 'Cette information ne peut pas être modifiée par une demande. (changes.0.field)'],
      [{ field: 'r1.telMobile' }, 'Cette information ne peut pas être modifiée par une demande. (changes.0.field)'],
      [{ newValue: '32 450,50 €' }, 'Valeur non conforme pour « Données fiscales · Revenu fiscal de référence ». (changes.0.newValue)'],
      [{ entity: 'child' }, '« Données fiscales · Revenu fiscal de référence » ne concerne pas une fiche enfant. (changes.0.entity)'],
    ];
    for (const [patch, message] of refusals) {
      for (const parsed of both(change(patch))) {
        expect(parsed.success).toBe(false);
        if (!parsed.success) expect(firstProblem(parsed.error)).toBe(message);
      }
    }
  });

  it('words zod’s own problems in French', () => {
    const parsed = parseFrench(portalRequestSchema, { ...portal, familyId: 'un' });
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(firstProblem(parsed.error)).toMatch(/^Entrée invalide.*\(familyId\)$/);
  });
});
