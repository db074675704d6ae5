import type { ServiceConfig } from '../../shared/api/contract.js';
import { daysBetween } from '../../shared/calendar/days.js';
import type { CalendarData } from '../../shared/calendar/opening.js';
import { DayBook, type Cell } from '../planning/day-facts.js';
import { loadCalendar, loadServices } from '../planning/store.js';
import { chunks, isPlanningKind, type Trx } from './common.js';

/** What the facts need to know of a request, whether it passed the contract or only parts of it could be read. */
export interface FactsRequest {
  uid: string;
  familyId: number | null;
  kind: string | null;
  items: readonly { childId: number | null; serviceId: number | null; day: string | null }[];
  photo?: { childId: number } | null;
}

export interface FamilyFacts {
  id: number;
  archived_at: string | null;
}

export interface ChildFacts {
  id: number;
  family_id: number;
  archived_at: string | null;
  prenom: string;
}

const MAX_SCHOOL_YEAR_DAYS = 366;

/**
 * Everything judging a batch of requests reads, loaded in a few statements for the whole batch (a page of the sync
 * pull, or the one request typed at the counter): services, calendar, the families and children named, the uids
 * already held, and the day facts of every cell asked for. The caller keeps it in step with what it stores
 * (`held`, the DayBook's `markPending` / `record`), so the tenth request of a page sees the first nine as the
 * database would. A write that fails unexpectedly leaves it out of step: load it again after rolling back.
 */
export class SubmissionFacts {
  private constructor(
    readonly services: Map<number, ServiceConfig>,
    readonly calendar: CalendarData,
    /** The longest school year in days, at least a year: a request may not span more. */
    readonly longestYear: number,
    /** null: asked for, and the office has none with this id. */
    private readonly families: Map<number, FamilyFacts | null>,
    private readonly children: Map<number, ChildFacts | null>,
    private readonly requestIds: Map<string, number>,
    private readonly rejected: Set<string>,
    private readonly asked: Set<string>,
    readonly book: DayBook,
  ) {}

  static async load(trx: Trx, requests: readonly FactsRequest[]): Promise<SubmissionFacts> {
    const uids = [...new Set(requests.map((r) => r.uid))];
    const familyIds = [...new Set(requests.flatMap((r) => (r.familyId === null ? [] : [r.familyId])))];
    const childIds = [
      ...new Set(requests.flatMap((r) => [...r.items.flatMap((item) => (item.childId === null ? [] : [item.childId])), ...(r.photo ? [r.photo.childId] : [])])),
    ];
    const cells: Cell[] = requests.flatMap((r) =>
      r.kind !== null && isPlanningKind(r.kind as never)
        ? r.items.flatMap((item) => (item.childId !== null && item.serviceId !== null && item.day !== null ? [{ childId: item.childId, serviceId: item.serviceId, day: item.day }] : []))
        : [],
    );
    const [serviceList, calendar] = await Promise.all([loadServices(trx), loadCalendar(trx)]);
    const families = new Map<number, FamilyFacts | null>(familyIds.map((id) => [id, null]));
    const children = new Map<number, ChildFacts | null>(childIds.map((id) => [id, null]));
    const requestIds = new Map<string, number>();
    const rejected = new Set<string>();
    for (const slice of chunks(familyIds)) {
      for (const row of await trx.selectFrom('families').select(['id', 'archived_at']).where('id', 'in', slice).execute()) families.set(row.id, row);
    }
    for (const slice of chunks(childIds)) {
      for (const row of await trx.selectFrom('children').select(['id', 'family_id', 'archived_at', 'prenom']).where('id', 'in', slice).execute()) children.set(row.id, row);
    }
    for (const slice of chunks(uids)) {
      const [held, rejects] = await Promise.all([
        trx.selectFrom('requests').select(['id', 'uid']).where('uid', 'in', slice).execute(),
        trx.selectFrom('sync_rejects').select('uid').where('uid', 'in', slice).execute(),
      ]);
      for (const row of held) requestIds.set(row.uid, row.id);
      for (const row of rejects) rejected.add(row.uid);
    }
    const longestYear = Math.max(MAX_SCHOOL_YEAR_DAYS, ...calendar.schoolYears.map((year) => daysBetween(year.startDate, year.endDate) + 1));
    const book = await DayBook.load(trx, cells, serviceList, calendar);
    return new SubmissionFacts(new Map(serviceList.map((s) => [s.id, s])), calendar, longestYear, families, children, requestIds, rejected, new Set(uids), book);
  }

  private known(uid: string): void {
    if (!this.asked.has(uid)) throw new Error(`request ${uid} was not in the batch these facts were loaded for`);
  }

  /** The office's id of the request with this uid, if it already holds it. */
  requestId(uid: string): number | undefined {
    this.known(uid);
    return this.requestIds.get(uid);
  }

  /** The uid is already held, as a request or in sync_rejects. */
  holds(uid: string): boolean {
    this.known(uid);
    return this.requestIds.has(uid) || this.rejected.has(uid);
  }

  /** The caller stored the request (id) or kept it in sync_rejects (null). */
  held(uid: string, requestId: number | null): void {
    if (requestId === null) this.rejected.add(uid);
    else this.requestIds.set(uid, requestId);
  }

  family(id: number): FamilyFacts | undefined {
    const family = this.families.get(id);
    if (family === undefined) throw new Error(`family ${id} was not in the batch these facts were loaded for`);
    return family ?? undefined;
  }

  child(id: number): ChildFacts | undefined {
    const child = this.children.get(id);
    if (child === undefined) throw new Error(`child ${id} was not in the batch these facts were loaded for`);
    return child ?? undefined;
  }
}
