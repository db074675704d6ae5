import { addDays } from '../../shared/calendar/days.js';
import { DateField } from '../components/fields.js';
import type { FieldErrors } from '../api/useApi.js';

/** A statement's period: « Du » and « Au », French dates, each with the office's refusal next to it. */
export interface Period {
  from: string;
  to: string;
}

/** The last three months to today: the period a statement is most often asked for. */
export function defaultPeriod(today: string): Period {
  return { from: `${addDays(today, -92).slice(0, 7)}-01`, to: today };
}

export function StatementPeriodFields({ idPrefix, period, errors, disabled, onChange }: { idPrefix: string; period: Period; errors: FieldErrors; disabled?: boolean; onChange(period: Period): void }) {
  // The office says which of `from` / `to` is wrong; the fields are named under the prefix so two forms never share ids.
  const scoped: FieldErrors = {};
  if (errors.from) scoped[`${idPrefix}.from`] = errors.from;
  if (errors.to) scoped[`${idPrefix}.to`] = errors.to;
  return (
    <div className="form-grid">
      <DateField path={`${idPrefix}.from`} label="Du" errors={scoped} value={period.from} disabled={disabled} onChange={(from) => onChange({ ...period, from })} />
      <DateField path={`${idPrefix}.to`} label="Au" errors={scoped} value={period.to} disabled={disabled} onChange={(to) => onChange({ ...period, to })} />
    </div>
  );
}
