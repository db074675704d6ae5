import type { FamilyQfView } from '../../shared/api/billing.js';
import { qfInForce } from '../../shared/billing/qf.js';
import { describeBracket, tariffInForce, unitLabel, unitPrice, type Tariff } from '../../shared/billing/tariffs.js';
import { formatDayShortFr } from '../../shared/calendar/format.js';
import { notFound } from '../api/handler.js';
import type { OfficeDb } from '../db/open.js';
import { QF_PROOF_COLUMNS, qfProofsOf } from './qf-proofs.js';
import { loadBillingSettings, loadTariffs } from './store.js';

/**
 * What the family file shows under « Quotient familial et tarifs »: the QF in force on `day` by the office's rule, and
 * for each service the family uses the tariff in force that day with the bracket and unit price for this family.
 * « Uses » = a service one of its active children is inscribed to on that day or later; a family with no such
 * inscription is shown every active service, so the agent can still answer « combien paierait-on ? ».
 */
export async function familyQfView(db: OfficeDb, familyId: number, day: string): Promise<FamilyQfView> {
  const [family, settings, inscribed, services] = await Promise.all([
    db.selectFrom('families').select(['id', 'resident', ...QF_PROOF_COLUMNS]).where('id', '=', familyId).executeTakeFirst(),
    loadBillingSettings(db),
    db
      .selectFrom('inscriptions as i')
      .innerJoin('children as c', 'c.id', 'i.child_id')
      .select('i.service_id')
      .distinct()
      .where('c.family_id', '=', familyId)
      .where('c.archived_at', 'is', null)
      .where('i.end_date', '>=', day)
      .execute(),
    db.selectFrom('services').select(['id', 'name', 'active', 'sort_order']).orderBy('sort_order').orderBy('id').execute(),
  ]);
  if (!family) throw notFound('Famille introuvable.');
  const qf = qfInForce(qfProofsOf(family), day, settings.qfRule);
  const inscribedIds = new Set(inscribed.map((row) => row.service_id));
  const shown = inscribedIds.size > 0 ? services.filter((s) => inscribedIds.has(s.id)) : services.filter((s) => s.active === 1);
  const tariffs = await loadTariffs(db);
  const resident = family.resident === 1;
  return {
    day,
    qf: qf.qf,
    source: qf.source,
    flagged: qf.flagged,
    why: qf.why,
    resident,
    services: shown.map((service) => {
      const tariff = tariffInForce(
        tariffs.filter((t) => t.serviceId === service.id),
        day,
      );
      if (!tariff) {
        return {
          serviceId: service.id,
          serviceName: service.name,
          unit: '',
          bracket: '',
          unitCents: null,
          why: `Aucun tarif en vigueur le ${formatDayShortFr(day)}.`,
        };
      }
      const price = unitPrice(tariff, { qf: qf.qf, resident });
      return {
        serviceId: service.id,
        serviceName: service.name,
        unit: unitLabel(tariff),
        bracket: bracketText(tariff, price.bracket, qf.qf),
        unitCents: price.cents,
        why: price.why,
      };
    }),
  };
}

function bracketText(tariff: Tariff, bracket: number | 'effort', qf: number | null): string {
  if (bracket === 'effort' || tariff.pricing.kind !== 'brackets') return qf === null ? 'Taux d’effort, maximum' : 'Taux d’effort';
  const which = qf === null ? 'QF non justifié, tranche la plus haute' : describeBracket(tariff.pricing.brackets, bracket);
  return `Tranche ${bracket + 1} (${which})`;
}
