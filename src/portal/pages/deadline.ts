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
  const rule = defaultRule(settings);
  let monday = mondayOf(parisDay(now));
  for (let i = 0; i < 10; i += 1) {
    try {
      const deadline = deadlineFor(rule, monday);
      if (Date.parse(deadline) > now.getTime()) {
        return `Modifications pour la semaine du ${dayAndMonth(monday)} jusqu’au ${describeDeadline(deadline)}`;
      }
    } catch {
      return null;
    }
    monday = addDays(monday, 7);
  }
  return null;
}
