import type { DayChild, DayList, MealCounts } from '../../shared/api/contract.js';
import { canSeeHealth, type Role } from '../../shared/auth/roles.js';
import { dayRange } from '../../shared/calendar/days.js';
import { openingOn } from '../../shared/calendar/opening.js';
import { CLASSES } from '../../shared/children/input.js';
import type { CellState } from '../../shared/planning/cells.js';
import type { AbsenceReason } from '../../shared/planning/reasons.js';
import { notFound } from '../api/handler.js';
import type { OfficeDb } from '../db/open.js';
import { billedByTime } from './times.js';
import { loadCalendar, loadServices } from './store.js';

const NO_SCHOOL = 'Sans école';

/** TPS before PS before ... CM2, then anything unknown; the order a school's staff reads its classes in. */
export function classRank(classe: string): number {
  const index = (CLASSES as readonly string[]).indexOf(classe);
  return index === -1 ? CLASSES.length : index;
}

export function compareSchoolClassName(
  a: { ecole: string; classe: string; nom: string; prenom: string },
  b: { ecole: string; classe: string; nom: string; prenom: string },
): number {
  return (
    a.ecole.localeCompare(b.ecole, 'fr') ||
    classRank(a.classe) - classRank(b.classe) ||
    a.nom.localeCompare(b.nom, 'fr') ||
    a.prenom.localeCompare(b.prenom, 'fr')
  );
}

/** What the list shows of a child, whether it comes from a planning row or a pending request. */
const CHILD_COLUMNS = ['c.family_id', 'c.nom', 'c.prenom', 'c.school_id', 's.name as ecole', 'c.classe', 'c.regime', 'c.allergies', 'c.pai'] as const;

const PENDING_STATE = { book: 'booking_requested', cancel: 'cancel_requested', absence: 'absence_requested' } as const;

/**
 * Who a service expects on a day, with the others of the day (absent, cancelled, booking asked for and not yet
 * decided) shown with their state; only booked children are counted as expected, and nobody on a closed day.
 */
export async function dayList(db: OfficeDb, role: Role, serviceId: number, day: string): Promise<DayList> {
  const [services, calendar, rows, pending, byTime] = await Promise.all([
    loadServices(db),
    loadCalendar(db),
    db
      .selectFrom('planning_days as p')
      .innerJoin('children as c', 'c.id', 'p.child_id')
      .leftJoin('schools as s', 's.id', 'c.school_id')
      .select([
        'c.id',
        ...CHILD_COLUMNS,
        'p.state',
        'p.absence_reason',
        'p.attendance',
        'p.arrival',
        'p.departure',
      ])
      .where('p.service_id', '=', serviceId)
      .where('p.day', '=', day)
      .execute(),
    // The child's file comes along, so a booking request for a child with no planning row that day is listed too.
    db
      .selectFrom('request_items as i')
      .innerJoin('requests as r', 'r.id', 'i.request_id')
      .innerJoin('children as c', 'c.id', 'i.child_id')
      .leftJoin('schools as s', 's.id', 'c.school_id')
      .select(['i.child_id', 'r.kind', ...CHILD_COLUMNS])
      .where('i.service_id', '=', serviceId)
      .where('i.day', '=', day)
      .where('i.status', '=', 'pending')
      .execute(),
    billedByTime(db, serviceId, day),
  ]);
  const service = services.find((s) => s.id === serviceId);
  if (!service) throw notFound('Service introuvable.');
  const opening = openingOn(service, day, calendar);
  const health = canSeeHealth(role);
  const pendingByChild = new Map(pending.map((item) => [item.child_id, item.kind]));

  const children: DayChild[] = rows.map((row) => {
    const requested = pendingByChild.get(row.id);
    let state: CellState =
      row.attendance === 'present'
        ? 'present'
        : row.state === 'absent'
          ? 'absent'
          : row.attendance === 'absent'
            ? 'absent_unnoticed'
            : row.state;
    // A closed day expects nobody: whoever was booked before the closure is listed as closed (the office may want to
    // tell them), attendance already recorded stays as recorded, and a pending request still awaits its decision.
    if (!opening.open && row.attendance === null) state = 'closed';
    if (requested === 'book' || requested === 'cancel' || requested === 'absence') state = PENDING_STATE[requested];
    return {
      childId: row.id,
      familyId: row.family_id,
      nom: row.nom,
      prenom: row.prenom,
      schoolId: row.school_id,
      ecole: row.ecole ?? NO_SCHOOL,
      classe: row.classe,
      regime: row.regime,
      allergies: health ? row.allergies : null,
      pai: health ? row.pai === 1 : null,
      state,
      absenceReason: row.state === 'absent' ? ((row.absence_reason as AbsenceReason | null) ?? null) : null,
      attendance: row.attendance,
      arrival: row.arrival,
      departure: row.departure,
    };
  });
  const listed = new Set(rows.map((row) => row.id));
  for (const item of pending) {
    if (item.kind !== 'book' || item.child_id === null || listed.has(item.child_id)) continue;
    listed.add(item.child_id);
    children.push({
      childId: item.child_id,
      familyId: item.family_id,
      nom: item.nom,
      prenom: item.prenom,
      schoolId: item.school_id,
      ecole: item.ecole ?? NO_SCHOOL,
      classe: item.classe,
      regime: item.regime,
      allergies: health ? item.allergies : null,
      pai: health ? item.pai === 1 : null,
      state: 'booking_requested',
      absenceReason: null,
      attendance: null,
      arrival: null,
      departure: null,
    });
  }
  children.sort(compareSchoolClassName);

  const counts = new Map<string, DayList['counts'][number]>();
  let expected = 0;
  const rowById = new Map(rows.map((row) => [row.id, row]));
  for (const child of children) {
    const row = rowById.get(child.childId);
    if (!opening.open || !row || row.state !== 'booked' || row.attendance === 'absent') continue;
    expected += 1;
    const key = `${child.ecole}|${child.classe}`;
    const count = counts.get(key) ?? { schoolId: child.schoolId, ecole: child.ecole, classe: child.classe, expected: 0 };
    count.expected += 1;
    counts.set(key, count);
  }
  return {
    serviceId,
    serviceName: service.name,
    day,
    open: opening.open,
    closedWhy: opening.open ? null : opening.why,
    capacity: service.capacity,
    billedByTime: byTime,
    children,
    counts: [...counts.values()].sort((a, b) => a.ecole.localeCompare(b.ecole, 'fr') || classRank(a.classe) - classRank(b.classe)),
    expected,
  };
}

/**
 * The kitchen's numbers: per open day and school, children booked on a service with meal and not marked absent.
 * Children with a PAI are counted apart (paiBasket): their meal follows the PAI, often a basket from home.
 */
export async function mealCounts(db: OfficeDb, from: string, to: string): Promise<MealCounts> {
  const [services, calendar, schools] = await Promise.all([
    loadServices(db),
    loadCalendar(db),
    db.selectFrom('schools').select(['id', 'name']).orderBy('name').execute(),
  ]);
  const mealServices = services.filter((s) => s.withMeal);
  const days = dayRange(from, to).filter((day) => mealServices.some((s) => openingOn(s, day, calendar).open));
  if (mealServices.length === 0 || days.length === 0) return { days, schools: schools.map((s) => s.name), meals: [], paiBasket: [], regimes: [] };

  const rows = await db
    .selectFrom('planning_days as p')
    .innerJoin('children as c', 'c.id', 'p.child_id')
    .select((eb) => ['p.day', 'c.school_id', 'c.pai', 'c.regime', eb.fn.countAll<number>().as('n')])
    .where('p.service_id', 'in', mealServices.map((s) => s.id))
    .where('p.day', '>=', from)
    .where('p.day', '<=', to)
    .where('p.state', '=', 'booked')
    .where((eb) => eb.or([eb('p.attendance', 'is', null), eb('p.attendance', '=', 'present')]))
    .groupBy(['p.day', 'c.school_id', 'c.pai', 'c.regime'])
    .execute();

  const names = schools.map((s) => s.name);
  if (rows.some((r) => r.school_id === null)) names.push(NO_SCHOOL);
  const schoolIndex = (schoolId: number | null) => (schoolId === null ? names.length - 1 : schools.findIndex((s) => s.id === schoolId));
  const dayIndex = new Map(days.map((day, index) => [day, index]));
  const meals = days.map(() => names.map(() => 0));
  const paiBasket = days.map(() => names.map(() => 0));
  const regimes = new Map<string, { day: string; regime: string; count: number }>();
  for (const row of rows) {
    const d = dayIndex.get(row.day);
    const s = schoolIndex(row.school_id);
    if (d === undefined || s < 0) continue;
    const n = Number(row.n);
    const line = (row.pai === 1 ? paiBasket : meals)[d];
    if (line) line[s] = (line[s] ?? 0) + n;
    if (row.pai === 1) continue;
    const key = `${row.day}|${row.regime}`;
    const regime = regimes.get(key) ?? { day: row.day, regime: row.regime, count: 0 };
    regime.count += n;
    regimes.set(key, regime);
  }
  return {
    days,
    schools: names,
    meals,
    paiBasket,
    regimes: [...regimes.values()].sort((a, b) => a.day.localeCompare(b.day) || a.regime.localeCompare(b.regime)),
  };
}
