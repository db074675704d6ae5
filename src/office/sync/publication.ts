import { z } from 'zod';
import { customValueText } from '../../shared/families/custom-fields.js';
import { qfInForce, type QfInForce } from '../../shared/billing/qf.js';
import { describeBracket, tariffInForce, unitLabel, unitPrice } from '../../shared/billing/tariffs.js';
import { daysInMonth } from '../../shared/calendar/days.js';
import { AUTHORISATIONS, REGIMES, type Regime } from '../../shared/children/input.js';
import { parisDay } from '../../shared/clock.js';
import type { AbsenceReason } from '../../shared/planning/reasons.js';
import type { FamilyPublication, PortalSettings } from '../../shared/sync/contract.js';
import { invoiceDocumentSchema } from '../../shared/sync/invoice-document.js';
import { loadBillingSettings, loadTariffs, type StoredTariff } from '../billing/store.js';
import { PAYMENT_METHODS } from '../../shared/billing/account.js';
import type { FamilyAccount } from '../../shared/api/accounts.js';
import { loadFamilyAccounts, loadInvoiceDebits, type InvoiceDebitState } from '../accounts/ledger.js';
import { REJECT_REASONS } from '../../shared/sepa/reject-reasons.js';
import { publishedReminders } from '../accounts/reminders.js';
import type { OfficeDb } from '../db/open.js';
import { maskedStoredIban, ibanVault } from '../sepa/iban-vault.js';
import { maskIban } from '../../shared/validation/bank.js';
import { childPlanning } from '../planning/child-planning.js';
import { loadCalendar, loadServices } from '../planning/store.js';
import { photoRef, type PhotoBlobs } from './photos.js';

/** How many of a family's requests the portal lists (the most recent; pending ones always). */
export const PUBLISHED_REQUESTS = 100;

/** The window families see and change: the current month and the next two. */
export function planningWindow(now: Date): { from: string; to: string } {
  const today = parisDay(now);
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  const lastMonth = month + 2;
  const endYear = year + Math.floor((lastMonth - 1) / 12);
  const endMonth = ((lastMonth - 1) % 12) + 1;
  const from = `${today.slice(0, 7)}-01`;
  const to = `${endYear}-${String(endMonth).padStart(2, '0')}-${String(daysInMonth(endYear, endMonth)).padStart(2, '0')}`;
  return { from, to };
}

/** The IBAN as families see it on a shared screen: the office's one mask (src/shared/validation/bank.ts). */
export { maskIban };

/** The child's authorisations, published under the office's own labels (the portal offers changes of them by label). */
const AUTHORISATION_COLUMNS = [
  ['auth_droit_image', AUTHORISATIONS.droitImage],
  ['auth_sortie_seule', AUTHORISATIONS.sortieSeule],
  ['auth_transport', AUTHORISATIONS.transport],
  ['auth_soins_urgence', AUTHORISATIONS.soinsUrgence],
] as const;

function numberList(text: string): number[] {
  return text === '' ? [] : text.split(',').map(Number);
}

type Published<K extends keyof FamilyPublication> = FamilyPublication[K];
type PublishedTariff = Published<'children'>[number]['tariffs'][number];

/**
 * « Tarifs appliqués » of one child: for each service of its published inscriptions (in their order, once each), the
 * tariff in force on `today` and its unit price for the family's QF in force that day, with the bracket and the
 * sentence of unitPrice saying why. A service with no tariff in force that day is left out (the portal says so).
 */
function childTariffs(
  serviceNames: ReadonlyArray<{ serviceId: number; serviceName: string }>,
  tariffs: readonly StoredTariff[],
  quotient: QfInForce,
  resident: boolean,
  today: string,
): PublishedTariff[] {
  const seen = new Set<number>();
  const published: PublishedTariff[] = [];
  for (const { serviceId, serviceName } of serviceNames) {
    if (seen.has(serviceId)) continue;
    seen.add(serviceId);
    const tariff = tariffInForce(
      tariffs.filter((t) => t.serviceId === serviceId),
      today,
    );
    if (tariff === null) continue;
    const price = unitPrice(tariff, { qf: quotient.qf, resident });
    const bracket =
      price.bracket === 'effort'
        ? quotient.qf === null
          ? 'Taux d’effort : QF non justifié, prix maximum'
          : 'Taux d’effort'
        : `Tranche ${price.bracket + 1} : ${
            quotient.qf === null || tariff.pricing.kind !== 'brackets'
              ? 'QF non justifié, tranche la plus haute'
              : describeBracket(tariff.pricing.brackets, price.bracket)
          }`;
    published.push({
      serviceId,
      serviceName,
      unit: unitLabel(tariff),
      unitPriceCents: price.cents,
      validFrom: tariff.validFrom,
      validTo: tariff.validTo,
      bracket,
      why: price.why,
    });
  }
  return published;
}

/** A stored invoice's frozen document, checked as the portal will check it: a damaged row is named, never sent. */
function storedDocument(number: string, json: string) {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new Error(`Unreadable stored document of invoice ${number}`);
  }
  const parsed = invoiceDocumentSchema.safeParse(value);
  if (!parsed.success) throw new Error(`Stored document of invoice ${number} does not check: ${parsed.error.message.slice(0, 200)}`);
  return parsed.data;
}

/** The régie's side of the publications: each family's account and reminders, read for many families at once. */
export interface PublishedAccounts {
  accounts: Map<number, FamilyAccount>;
  reminders: Map<number, Published<'reminders'>>;
  /** Each invoice's direct debit state, by invoice id (the ledger's one reading of the debits). */
  debits: Map<number, InvoiceDebitState>;
}

/** The accounts and reminders of the families about to be published, in a handful of queries for the whole batch. */
export async function loadPublishedAccounts(db: OfficeDb, familyIds: readonly number[], now: Date): Promise<PublishedAccounts> {
  const [accounts, reminders, debits] = await Promise.all([
    loadFamilyAccounts(db, familyIds, parisDay(now)),
    publishedReminders(db, familyIds),
    loadInvoiceDebits(db, familyIds, 'all'),
  ]);
  return { accounts, reminders, debits };
}

type PublishedDirectDebit = NonNullable<Published<'invoices'>[number]['directDebit']>;

/**
 * An invoice's direct debit as its family sees it: a batch prepared or sent is one state for the family (the bank will
 * collect it; the régie's steps are not theirs), with the reject's reason in French and never only its ISO code.
 */
export function publishedDirectDebit(debit: InvoiceDebitState | undefined): PublishedDirectDebit | null {
  if (!debit) return null;
  const common = { collectionDate: debit.collectionDate, mandateReference: debit.rum };
  if (debit.status !== 'rejected') {
    return { ...common, status: debit.status === 'collected' ? 'preleve' : 'en_cours', rejectCode: null, rejectReason: null, rejectDay: null, feeInvoiceNumber: null };
  }
  const reason = (REJECT_REASONS as Record<string, string>)[debit.rejectCode];
  return {
    ...common,
    status: 'rejete',
    rejectCode: debit.rejectCode,
    // An unknown code is shown as the bank gave it rather than hidden.
    rejectReason: reason ?? `Motif ${debit.rejectCode}`,
    rejectDay: debit.rejectDay,
    feeInvoiceNumber: debit.feeInvoiceNumber,
  };
}

/**
 * The family's invoices with what is paid on them, its payments and refunds (not those cancelled), and its balance,
 * all from the office's ledger (src/office/accounts/ledger.ts).
 */
function accountPart(account: FamilyAccount | undefined): Pick<FamilyPublication, 'payments' | 'balanceCents'> & { paid: Map<string, number> } {
  const paid = new Map<string, number>();
  if (!account) return { paid, payments: [], balanceCents: 0 };
  // A credit note's settledCents is what of it went to invoices: published negative, so amount - paid is what is left.
  for (const invoice of account.invoices) paid.set(invoice.number, invoice.totalCents < 0 ? -invoice.settledCents : invoice.settledCents);
  const payments = account.movements
    .filter((movement) => movement.kind !== 'cancellation' && movement.cancelledById === null)
    // Oldest first, as the contract says, whatever order they were typed in.
    .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : a.id - b.id))
    .map((movement) => ({
      date: movement.day,
      amountCents: movement.amountCents,
      method: PAYMENT_METHODS[movement.method],
      kind: movement.kind === 'refund' ? ('refund' as const) : ('payment' as const),
    }));
  return { paid, payments, balanceCents: account.balanceCents };
}

/**
 * What one family may see on the portal, built from the office's data and the planning's own cell computation.
 * `prefetched` holds the batch's accounts (loadPublishedAccounts); without it the family's own are read. A child's
 * photo is named by its hash; its bytes go into `photos` for the batch to send (photos.ts).
 */
export async function buildFamilyPublication(
  db: OfficeDb,
  familyId: number,
  version: number,
  now: Date,
  prefetched?: PublishedAccounts,
  photos?: PhotoBlobs,
): Promise<FamilyPublication> {
  const window = planningWindow(now);
  const today = parisDay(now);
  const regie = prefetched?.accounts.has(familyId) ? prefetched : await loadPublishedAccounts(db, [familyId], now);
  const ledger = accountPart(regie.accounts.get(familyId));
  const family = await db.selectFrom('families').selectAll().where('id', '=', familyId).executeTakeFirstOrThrow();
  // Tariffs and billing settings are a few rows for the whole commune, read with the family's first queries.
  const [responsables, children, activations, customFields, requests, invoices, tariffs, billing] = await Promise.all([
    db.selectFrom('responsables').selectAll().where('family_id', '=', familyId).orderBy('rank').execute(),
    db
      .selectFrom('children')
      .leftJoin('schools', 'schools.id', 'children.school_id')
      .selectAll('children')
      .select('schools.name as school_name')
      .where('children.family_id', '=', familyId)
      .where('children.archived_at', 'is', null)
      .orderBy('children.date_naissance')
      .execute(),
    db.selectFrom('portal_activations').selectAll().where('family_id', '=', familyId).execute(),
    db.selectFrom('custom_fields').select(['id', 'label', 'kind']).where('entity', '=', 'child').where('active', '=', 1).orderBy('id').execute(),
    db
      .selectFrom('requests')
      .select(['id', 'uid', 'kind', 'submitted_at', 'absence_reason'])
      .where('family_id', '=', familyId)
      .orderBy('submitted_at', 'desc')
      .orderBy('id', 'desc')
      .limit(PUBLISHED_REQUESTS)
      .execute(),
    db
      .selectFrom('invoices')
      .select(['id', 'number', 'kind', 'month', 'issue_date', 'due_date', 'total_cents', 'document'])
      .where('family_id', '=', familyId)
      .orderBy('issue_date')
      .orderBy('year')
      .orderBy('seq')
      .execute(),
    loadTariffs(db),
    loadBillingSettings(db),
  ]);
  const quotient = qfInForce(
    { caf: { regime: family.caf_regime, qf: family.caf_qf, qfValidUntil: family.caf_qf_valid_until }, fiscal: { rfrCents: family.fiscal_rfr_cents, partsX100: family.fiscal_parts_x100, year: family.fiscal_year } },
    today,
    billing.qfRule,
  );
  const publishedInvoices: Published<'invoices'> = invoices.map((invoice) => ({
    number: invoice.number,
    date: invoice.issue_date,
    dueDate: invoice.due_date,
    amountCents: invoice.total_cents,
    paidCents: ledger.paid.get(invoice.number) ?? 0,
    kind: invoice.kind,
    month: invoice.month,
    document: storedDocument(invoice.number, invoice.document),
    directDebit: publishedDirectDebit(regie.debits.get(invoice.id)),
  }));
  const childIds = children.map((child) => child.id);
  const requestIds = requests.map((request) => request.id);
  const [vaccinations, persons, customValues, inscriptions, items] = await Promise.all([
    childIds.length ? db.selectFrom('vaccinations').select(['child_id', 'vaccine', 'date']).where('child_id', 'in', childIds).orderBy('date').orderBy('id').execute() : [],
    childIds.length ? db.selectFrom('authorised_persons').selectAll().where('child_id', 'in', childIds).orderBy('id').execute() : [],
    childIds.length && customFields.length
      ? db.selectFrom('custom_values').selectAll().where('entity_id', 'in', childIds).where('field_id', 'in', customFields.map((f) => f.id)).execute()
      : [],
    childIds.length
      ? db
          .selectFrom('inscriptions')
          .innerJoin('services', 'services.id', 'inscriptions.service_id')
          .select(['inscriptions.child_id', 'inscriptions.service_id', 'services.name', 'inscriptions.start_date', 'inscriptions.end_date', 'inscriptions.weekdays'])
          .where('inscriptions.child_id', 'in', childIds)
          .where('inscriptions.end_date', '>=', window.from)
          .orderBy('inscriptions.start_date')
          .execute()
      : [],
    requestIds.length ? db.selectFrom('request_items').selectAll().where('request_id', 'in', requestIds).orderBy('id').execute() : [],
  ]);

  const planning = await Promise.all(
    children.map(async (child) => {
      const view = await childPlanning(db, 'admin', child.id, window.from, window.to);
      return {
        childId: child.id,
        rows: view.rows.map((row) => ({
          serviceId: row.serviceId,
          cells: row.cells.map((cell) => ({
            day: cell.day,
            state: cell.state,
            ...(cell.closedWhy !== undefined ? { closedWhy: cell.closedWhy } : {}),
            ...(cell.absenceReason !== undefined ? { absenceReason: cell.absenceReason } : {}),
            ...(cell.refusalReason !== undefined ? { refusalReason: cell.refusalReason } : {}),
            ...(cell.changeableUntil !== undefined ? { changeableUntil: cell.changeableUntil } : {}),
          })),
        })),
      };
    }),
  );

  const emailOf = new Map<number, string>(responsables.map((person) => [person.rank, person.email.trim()]));
  return {
    familyId,
    version,
    archived: family.archived_at !== null,
    logins: activations
      .filter((activation) => (emailOf.get(activation.rank) ?? '') !== '')
      .sort((a, b) => a.rank - b.rank)
      .map((activation) => ({
        rank: activation.rank as 1 | 2,
        email: emailOf.get(activation.rank)!,
        activationCodeHash: activation.code_hash,
        activationExpiresAt: activation.expires_at,
      })),
    account: {
      responsables: responsables.map((person) => ({
        rank: person.rank as 1 | 2,
        civilite: person.civilite,
        nom: person.nom,
        prenom: person.prenom,
        adresse: person.adresse,
        codePostal: person.code_postal,
        ville: person.ville,
        telMobile: person.tel_mobile,
        telFixe: person.tel_fixe,
        telPro: person.tel_pro,
        email: person.email,
        profession: person.profession,
        employeur: person.employeur,
      })),
      situation: family.situation,
      resident: family.resident === 1,
      fiscal: { rfrCents: family.fiscal_rfr_cents, partsX100: family.fiscal_parts_x100, year: family.fiscal_year },
      caf: { regime: family.caf_regime, number: family.caf_number, qf: family.caf_qf, qfValidUntil: family.caf_qf_valid_until },
      bank: { holder: family.bank_holder, ibanMasked: maskedStoredIban(ibanVault(db), family.bank_iban), bic: family.bank_bic },
    },
    children: children.map((child) => ({
      id: child.id,
      nom: child.nom,
      prenom: child.prenom,
      sexe: child.sexe,
      dateNaissance: child.date_naissance,
      ecole: child.school_name ?? '',
      classe: child.classe,
      regime: REGIMES[child.regime as Regime] ?? child.regime,
      photo: child.photo && child.photo_mime ? photoRef(child.photo, child.photo_mime, photos) : null,
      // The family's own health data: what the office holds about the child, so parents can check and correct it.
      health: {
        allergies: child.allergies,
        pai: child.pai === 1,
        paiEnd: child.pai_end,
        medecinNom: child.medecin_nom,
        medecinTel: child.medecin_tel,
        vaccinations: vaccinations.filter((v) => v.child_id === child.id).map((v) => ({ vaccine: v.vaccine, date: v.date })),
      },
      authorisedPersons: persons
        .filter((person) => person.child_id === child.id)
        .map((person) => ({
          nom: person.nom,
          prenom: person.prenom,
          relation: person.relation,
          tel1: person.tel1,
          mayPickUp: person.may_pick_up === 1,
          emergency: person.emergency === 1,
        })),
      authorisations: AUTHORISATION_COLUMNS.map(([column, label]) => ({ label, granted: child[column] === 1 })),
      custom: customFields
        .map((field) => {
          const value = customValues.find((v) => v.field_id === field.id && v.entity_id === child.id)?.value ?? '';
          return { label: field.label, value: customValueText(field.kind, value) };
        })
        .filter((entry) => entry.value !== ''),
      inscriptions: inscriptions
        .filter((ins) => ins.child_id === child.id)
        .map((ins) => ({ serviceId: ins.service_id, serviceName: ins.name, startDate: ins.start_date, endDate: ins.end_date, weekdays: numberList(ins.weekdays) })),
      tariffs: childTariffs(
        inscriptions.filter((ins) => ins.child_id === child.id && ins.start_date <= window.to).map((ins) => ({ serviceId: ins.service_id, serviceName: ins.name })),
        tariffs,
        quotient,
        family.resident === 1,
        today,
      ),
    })),
    planning: { from: window.from, to: window.to, children: planning },
    requests: requests.map((request) => ({
      uid: request.uid,
      kind: request.kind,
      submittedAt: request.submitted_at,
      reason: (request.absence_reason as AbsenceReason | null) ?? null,
      items: items
        .filter((item) => item.request_id === request.id)
        .map((item) => ({
          childId: item.child_id,
          serviceId: item.service_id,
          day: item.day,
          status: item.status,
          refusalReason: item.refusal_reason,
          decidedAt: item.decided_at,
          late: item.late === 1,
        })),
    })),
    quotient: { day: today, qf: quotient.qf, flagged: quotient.flagged, why: quotient.why },
    invoices: publishedInvoices,
    payments: ledger.payments,
    balanceCents: ledger.balanceCents,
    reminders: regie.reminders.get(familyId) ?? [],
  };
}

const communeSchema = z.object({
  name: z.string(),
  service: z.string(),
  address: z.string(),
  email: z.string(),
  phone: z.string(),
  hours: z.array(z.string()),
});
const newsSchema = z.array(z.object({ date: z.string(), title: z.string(), body: z.string() }));

export const DEFAULT_COMMUNE: PortalSettings['commune'] = {
  name: 'Epagny Metz-Tessy',
  service: 'Service Enfance Jeunesse',
  address: '15 rue de la Grenette, 74370 Epagny Metz-Tessy',
  email: 'enfance-jeunesse@epagnymetztesy.fr',
  phone: '04 50 22 98 19',
  hours: ['Lundi et vendredi : 8h30-12h00', 'Mardi et jeudi : 13h30-17h30', 'Mercredi : 8h30-12h00 et 13h30-17h30'],
};

async function setting<T>(db: OfficeDb, key: string, schema: z.ZodType<T>, fallback: T): Promise<T> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  if (!row) return fallback;
  try {
    const parsed = schema.safeParse(JSON.parse(row.value));
    return parsed.success ? parsed.data : fallback;
  } catch {
    return fallback;
  }
}

/** Commune-wide content, without its version (the publisher gives one when the content changed). */
export async function buildPortalSettings(db: OfficeDb): Promise<Omit<PortalSettings, 'version'>> {
  const [commune, news, services, calendar] = await Promise.all([
    setting(db, 'portal.commune', communeSchema, DEFAULT_COMMUNE),
    setting(db, 'portal.news', newsSchema, []),
    loadServices(db),
    loadCalendar(db),
  ]);
  return {
    commune,
    news: news.filter((item) => /^\d{4}-\d{2}-\d{2}$/.test(item.date)),
    services: services
      .filter((service) => service.active)
      .map((service) => ({
        id: service.id,
        name: service.name,
        weekdays: service.weekdays,
        period: service.period,
        deadlines: { ...service.deadlines },
        latePolicy: service.latePolicy,
      })),
    calendar: { schoolYears: calendar.schoolYears, periods: calendar.periods },
  };
}

