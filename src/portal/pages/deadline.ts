import { addDays, mondayOf } from '../../shared/calendar/days.js';
import { monthNameFr } from '../../shared/calendar/format.js';
import { parisDay } from '../../shared/clock.js';
import { deadlineFor, describeDeadline } from '../../shared/planning/deadlines.js';
import { DEFAULT_DEADLINE_RULE, type DeadlineRule } from '../../shared/planning/rules.js';
import type { PortalSettings } from '../../shared/sync/contract.js';

const KINDS = new Set(['weekday_of_previous_week', 'days_before', 'working_days_before', 'day_of_previous_month', 'none']);

function asRule(value: unknown): DeadlineRule | null {
  if (!value || typeof value !== 'object') return null;
  const kind = (value as { kind?: unknown }).kind;
  return typeof kind === 'string' && KINDS.has(kind) ? (value as DeadlineRule) : null;
}

/** The booking rule of the first published service that has one; the local Wednesday-noon rule otherwise. */
export function defaultRule(settings: PortalSettings): DeadlineRule {
  for (const service of settings.services) {
    const rule = asRule(service.deadlines.booking);
    if (rule) return rule;
  }
  return DEFAULT_DEADLINE_RULE;
}

/** '7 décembre' ('1er décembre'). */
function dayAndMonth(day: string): string {
  const d = Number(day.slice(8, 10));
  return `${d === 1 ? '1er' : d} ${monthNameFr(day)}`;
}

/**
 * 'Modifications pour la semaine du 7 décembre jusqu'au mercredi 2 décembre 2026 à 12h00': the first week whose
 * Monday can still be changed at `now`.
 */
export function nextDeadlineSentence(settings: PortalSettings, now: Date): string | null {
  // The sentence found at an instant holds, the same Paris day, until the deadline it names passes (the earlier
  // Mondays' deadlines had passed already): kept with the settings (the same frozen object while their version
  // holds, content.ts), it is not looked for again on every page.
  if (!Object.isFrozen(settings)) return findNextDeadline(settings, now).sentence;
  const at = now.getTime();
  const today = parisDay(now);
  const known = sentences.get(settings);
  if (known && known.day === today && known.from <= at && at < known.until) return known.sentence;
  const found = findNextDeadline(settings, now);
  sentences.set(settings, { day: today, from: at, until: found.until, sentence: found.sentence });
  return found.sentence;
}

const sentences = new WeakMap<PortalSettings, { day: string; from: number; until: number; sentence: string | null }>();

/** The sentence at `now` and the instant until which it holds (the end of the day's search when none was found). */
function findNextDeadline(settings: PortalSettings, now: Date): { sentence: string | null; until: number } {
  const none = { sentence: null, until: Number.POSITIVE_INFINITY };
  const rule = defaultRule(settings);
  let monday = mondayOf(parisDay(now));
  for (let i = 0; i < 10; i += 1) {
    try {
      const deadline = deadlineFor(rule, monday);
      const until = Date.parse(deadline);
      if (until > now.getTime()) {
        return { sentence: `Modifications pour la semaine du ${dayAndMonth(monday)} jusqu’au ${describeDeadline(deadline)}`, until };
      }
    } catch {
      return none;
    }
    monday = addDays(monday, 7);
  }
  return none;
}

/** The sentence looked for afresh (a test holds the kept one to it). */
export function nextDeadlineSentenceUncached(settings: PortalSettings, now: Date): string | null {
  return findNextDeadline(settings, now).sentence;
}
