import type { Kysely, Transaction } from 'kysely';
import type { ServiceConfig } from '../../shared/api/contract.js';
import { openingOn, type CalendarData, type Opening } from '../../shared/calendar/opening.js';
import type { AbsenceReason } from '../../shared/planning/reasons.js';
import { dayState, whatHappened, type DayFacts, type DayOutcome, type Effect, type StoredDay } from '../../shared/planning/transitions.js';
import type { OfficeDatabase } from '../db/schema.js';
import { chunks } from '../requests/common.js';

type Db = Kysely<OfficeDatabase> | Transaction<OfficeDatabase>;

export interface Cell {
  childId: number;
  serviceId: number;
  day: string;
}

const cellKey = (cell: Cell): string => `${cell.childId}:${cell.serviceId}:${cell.day}`;
const placeKey = (serviceId: number, day: string): string => `${serviceId}:${day}`;

/**
 * The facts `judgeDayChange` needs for a set of cells, read in a few statements, and kept up to date in memory as the
 * caller applies changes (`record`), so that bookings made earlier in the same call take their places too.
 */
export class DayBook {
  private readonly stored = new Map<string, StoredDay>();
  /** Pending items per cell (a cell normally has at most one: a second request on it is refused). */
  private readonly pending = new Map<string, number>();
  private readonly booked = new Map<string, number>();
  private readonly inscriptions = new Map<number, { serviceId: number; start: string; end: string }[]>();
  private readonly openings = new Map<string, Opening>();

  private constructor(
    private readonly services: Map<number, ServiceConfig>,
    private readonly calendar: CalendarData,
  ) {}

  static async load(
    db: Db,
    cells: readonly Cell[],
    services: readonly ServiceConfig[],
    calendar: CalendarData,
    options: { ignorePendingItems?: readonly number[] } = {},
  ): Promise<DayBook> {
    const book = new DayBook(new Map(services.map((service) => [service.id, service])), calendar);
    if (cells.length === 0) return book;
    const days = cells.map((cell) => cell.day).sort();
    const [first, last] = [days[0]!, days[days.length - 1]!];
    const childIds = [...new Set(cells.map((cell) => cell.childId))];
    const ignored = new Set(options.ignorePendingItems ?? []);
    for (const slice of chunks(childIds)) {
      const [rows, pending, inscriptions] = await Promise.all([
        db
          .selectFrom('planning_days')
          .select(['child_id', 'service_id', 'day', 'state', 'attendance', 'absence_reason', 'late', 'walk_in'])
          .where('child_id', 'in', slice)
          .where('day', '>=', first)
          .where('day', '<=', last)
          .execute(),
        db
          .selectFrom('request_items')
          .select(['id', 'child_id', 'service_id', 'day'])
          .where('status', '=', 'pending')
          .where('child_id', 'in', slice)
          .where('day', '>=', first)
          .where('day', '<=', last)
          .execute(),
        db
          .selectFrom('inscriptions')
          .select(['child_id', 'service_id', 'start_date', 'end_date'])
          .where('child_id', 'in', slice)
          .where('start_date', '<=', last)
          .where('end_date', '>=', first)
          .execute(),
      ]);
      for (const row of rows) {
        book.stored.set(cellKey({ childId: row.child_id, serviceId: row.service_id, day: row.day }), {
          state: row.state,
          attendance: row.attendance,
          absenceReason: row.absence_reason as AbsenceReason | null,
          late: row.late === 1,
          walkIn: row.walk_in === 1,
        });
      }
      for (const row of pending) {
        if (ignored.has(row.id) || row.child_id === null || row.service_id === null || row.day === null) continue;
        book.markPending({ childId: row.child_id, serviceId: row.service_id, day: row.day });
      }
      for (const row of inscriptions) {
        const list = book.inscriptions.get(row.child_id) ?? [];
        list.push({ serviceId: row.service_id, start: row.start_date, end: row.end_date });
        book.inscriptions.set(row.child_id, list);
      }
    }
    const places = [...new Set(cells.map((cell) => placeKey(cell.serviceId, cell.day)))];
    const serviceIds = [...new Set(cells.map((cell) => cell.serviceId))];
    for (const slice of chunks(serviceIds)) {
      const counts = await db
        .selectFrom('planning_days')
        .select(['service_id', 'day', (eb) => eb.fn.countAll<number>().as('n')])
        .where('service_id', 'in', slice)
        .where('state', '=', 'booked')
        .where('day', '>=', first)
        .where('day', '<=', last)
        .groupBy(['service_id', 'day'])
        .execute();
      for (const row of counts) book.booked.set(placeKey(row.service_id, row.day), Number(row.n));
    }
    for (const key of places) if (!book.booked.has(key)) book.booked.set(key, 0);
    return book;
  }

  service(serviceId: number): ServiceConfig | undefined {
    return this.services.get(serviceId);
  }

  opening(serviceId: number, day: string): Opening {
    const key = placeKey(serviceId, day);
    let opening = this.openings.get(key);
    if (!opening) {
      const service = this.services.get(serviceId);
      opening = service ? openingOn(service, day, this.calendar) : { open: false, why: 'Service supprimé' };
      this.openings.set(key, opening);
    }
    return opening;
  }

  storedDay(cell: Cell): StoredDay | null {
    return this.stored.get(cellKey(cell)) ?? null;
  }

  bookedOn(serviceId: number, day: string): number {
    return this.booked.get(placeKey(serviceId, day)) ?? 0;
  }

  /** The facts of one cell; `pending` can be overridden (a decision ignores the item it decides). */
  facts(cell: Cell, label?: DayFacts['label']): DayFacts {
    const service = this.services.get(cell.serviceId);
    if (!service) throw new Error(`unknown service ${cell.serviceId}`);
    const held = (this.inscriptions.get(cell.childId) ?? []).some(
      (ins) => ins.serviceId === cell.serviceId && ins.start <= cell.day && cell.day <= ins.end,
    );
    return {
      day: cell.day,
      opening: this.opening(cell.serviceId, cell.day),
      inscription: { required: service.requiresInscription, held },
      stored: this.storedDay(cell),
      pending: (this.pending.get(cellKey(cell)) ?? 0) > 0,
      places: { booked: this.bookedOn(cell.serviceId, cell.day), capacity: service.capacity },
      rules: { deadlines: service.deadlines, latePolicy: service.latePolicy },
      ...(label ? { label } : {}),
    };
  }

  /** A request item now waits on this cell. */
  markPending(cell: Cell): void {
    const key = cellKey(cell);
    this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
  }

  /** A request item that waited on this cell was decided. */
  settlePending(cell: Cell): void {
    const key = cellKey(cell);
    const left = (this.pending.get(key) ?? 0) - 1;
    if (left > 0) this.pending.set(key, left);
    else this.pending.delete(key);
  }

  /** Keeps the book in step with a change the caller applied to the database. */
  record(cell: Cell, effect: Effect, extra: { absenceReason?: AbsenceReason | null; late?: boolean } = {}): void {
    if (effect.kind === 'unchanged') return;
    const key = cellKey(cell);
    const before = this.stored.get(key) ?? null;
    const wasBooked = before?.state === 'booked';
    let after: StoredDay;
    if (effect.kind === 'state') {
      after = {
        state: effect.state,
        attendance: before?.attendance ?? null,
        absenceReason: effect.state === 'absent' ? (extra.absenceReason ?? null) : null,
        late: extra.late ?? false,
        walkIn: false,
      };
    } else {
      const walkIn = effect.walkIn || (effect.attendance !== null && (before?.walkIn ?? false));
      after = {
        state: effect.walkIn ? 'booked' : (before?.state ?? 'booked'),
        attendance: effect.attendance,
        absenceReason: effect.walkIn ? null : (before?.absenceReason ?? null),
        late: effect.walkIn ? false : (before?.late ?? false),
        walkIn,
      };
    }
    this.stored.set(key, after);
    const place = placeKey(cell.serviceId, cell.day);
    const delta = (after.state === 'booked' ? 1 : 0) - (wasBooked ? 1 : 0);
    if (delta !== 0) this.booked.set(place, this.bookedOn(cell.serviceId, cell.day) + delta);
  }

  stateOf(cell: Cell) {
    return dayState(this.storedDay(cell));
  }

  /** What happened on the cell's day, as billing reads it (transitions.ts). */
  outcome(cell: Cell): DayOutcome {
    return whatHappened(this.opening(cell.serviceId, cell.day), this.storedDay(cell));
  }
}
