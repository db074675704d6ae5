import { useEffect, useState } from 'react';
import { useUnsavedChanges } from '../lib/unsaved.js';
import type { School, ServiceConfig } from '../../shared/api/contract.js';
import { dayRange } from '../../shared/calendar/days.js';
import { CLASSES } from '../../shared/children/input.js';
import { ABSENCE_REASONS, type AbsenceReason } from '../../shared/planning/reasons.js';
import { api } from '../api/bridge.js';
import { useApi, type FieldErrors } from '../api/useApi.js';
import { ErrorBanner, SuccessNote } from '../components/Banner.js';
import { DateField, SelectField, TextArea } from '../components/fields.js';
import { dayProblem } from '../../shared/validation/fields.js';
import { CheckboxGroup } from './CheckboxGroup.js';
import { eventAbsenceNote } from './rules.js';

/** The three usual events first, then the other reasons. */
const REASON_OPTIONS = (['STRIKE', 'TEACHER_ABSENT', 'SCHOOL_TRIP'] as AbsenceReason[])
  .concat((Object.keys(ABSENCE_REASONS) as AbsenceReason[]).filter((code) => !['STRIKE', 'TEACHER_ABSENT', 'SCHOOL_TRIP'].includes(code)))
  .map((code) => [code, ABSENCE_REASONS[code]] as const);

const MAX_DAYS = 31;

/** Strike, school trip, teacher absent: one absence for every child of a school (or of one class) at once. */
export function EventForm() {
  const [schools, setSchools] = useState<School[]>([]);
  const [services, setServices] = useState<ServiceConfig[]>([]);
  const [schoolId, setSchoolId] = useState('');
  const [classe, setClasse] = useState('');
  const [serviceIds, setServiceIds] = useState<number[]>([]);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [reason, setReason] = useState<AbsenceReason>('STRIKE');
  const [comment, setComment] = useState('');
  const [note, setNote] = useState<string | null>(null);
  const call = useApi();
  useUnsavedChanges(schoolId !== '' || classe !== '' || serviceIds.length > 0 || from !== '' || to !== '' || reason !== 'STRIKE' || comment.trim() !== '');

  useEffect(() => {
    void api.call('schools.list', {}).then((result) => {
      if (result.ok) setSchools(result.value);
    });
    void api.call('services.list', {}).then((result) => {
      if (result.ok) setServices(result.value.filter((service) => service.active));
    });
  }, []);

  async function submit() {
    setNote(null);
    const errors: FieldErrors = {};
    if (schoolId === '') errors.schoolId = 'Choisissez l’école concernée.';
    if (serviceIds.length === 0) errors.serviceIds = 'Cochez au moins un service.';
    const fromProblem = dayProblem(from, 'Le premier jour', 'Indiquez le premier jour.');
    const toProblem = dayProblem(to, 'Le dernier jour');
    if (fromProblem) errors.from = fromProblem;
    if (toProblem) errors.to = toProblem;
    const last = to || from;
    if (!fromProblem && !toProblem && last < from) errors.to = 'Le dernier jour doit suivre le premier.';
    const days = !fromProblem && !toProblem && last >= from ? dayRange(from, last) : [];
    if (days.length > MAX_DAYS) errors.to = `Au plus ${MAX_DAYS} jours à la fois.`;
    if (Object.keys(errors).length > 0) {
      call.setFields(errors);
      call.setBanner(null);
      return;
    }
    const value = await call.run(() =>
      api.call('events.declareAbsence', { schoolId: Number(schoolId), classe: classe === '' ? null : classe, serviceIds, days, reason, comment: comment.trim() }),
    );
    if (value) {
      setNote(eventAbsenceNote(value));
      // Declared: the form is empty again, so leaving it no longer asks.
      setSchoolId('');
      setClasse('');
      setServiceIds([]);
      setFrom('');
      setTo('');
      setReason('STRIKE');
      setComment('');
    }
  }

  const errors = call.fields;
  return (
    <section className="card" aria-labelledby="event-title">
      <h2 id="event-title">Événement : absence collective</h2>
      <p className="muted">Grève, sortie scolaire, enseignant absent : l’absence est enregistrée pour chaque enfant attendu de l’école (ou de la classe).</p>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <fieldset className="plain-fieldset" disabled={call.busy}>
          <legend className="visually-hidden">Absence collective</legend>
          <div className="form-grid">
            <SelectField
              path="schoolId"
              label="École"
              errors={errors}
              value={schoolId}
              options={[['', '— Choisir —'] as const, ...schools.map((school) => [String(school.id), school.name] as const)]}
              onChange={setSchoolId}
            />
            <SelectField
              path="classe"
              label="Classe (facultatif)"
              errors={errors}
              value={classe}
              options={[['', 'Toute l’école'] as const, ...CLASSES.map((level) => [level, level] as const)]}
              onChange={setClasse}
            />
            <DateField path="from" label="Premier jour" errors={errors} value={from} onChange={setFrom} />
            <DateField path="to" label="Dernier jour (facultatif)" errors={errors} value={to} onChange={setTo} />
            <SelectField path="reason" label="Motif" errors={errors} value={reason} options={REASON_OPTIONS} onChange={setReason} />
            <CheckboxGroup
              path="serviceIds"
              legend="Services concernés"
              errors={errors}
              options={services.map((service) => [service.id, service.name] as const)}
              value={serviceIds}
              onChange={setServiceIds}
            />
            <TextArea path="comment" label="Commentaire" errors={errors} value={comment} onChange={setComment} rows={2} />
          </div>
        </fieldset>
        <ErrorBanner message={call.banner} />
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={call.busy}>
            Déclarer l’absence
          </button>
          <SuccessNote message={note} />
        </div>
      </form>
    </section>
  );
}
