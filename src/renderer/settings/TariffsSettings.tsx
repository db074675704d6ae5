import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ServiceBillingRules, TariffRecord } from '../../shared/api/billing.js';
import type { ServiceConfig } from '../../shared/api/contract.js';
import { tariffYears, type TariffYear } from '../../shared/billing/settings.js';
import { unitLabel, type Pricing } from '../../shared/billing/tariffs.js';
import { shortDayFr } from '../../shared/calendar/format.js';
import { formatEuros } from '../../shared/money.js';
import { api } from '../api/bridge.js';
import { ErrorBanner, SuccessNote } from '../components/Banner.js';
import { SelectField } from '../components/fields.js';
import { officeToday } from '../lib/today.js';
import { BillingRulesForm } from './BillingRulesForm.js';
import { TariffForm } from './TariffForm.js';
import { formatPercent, newTariffDraft, tariffToDraft } from './tariff-draft.js';
import { mayDiscard } from '../lib/unsaved.js';

function pricingSummary(pricing: Pricing): string {
  if (pricing.kind === 'effort') {
    const { resident } = pricing;
    return `Taux d’effort ${formatPercent(resident.rateBasisPoints)} % (de ${formatEuros(resident.minCents)} à ${formatEuros(resident.maxCents)})`;
  }
  const prices = pricing.brackets.map((bracket) => bracket.residentCents);
  const n = pricing.brackets.length;
  return `${n} tranche${n > 1 ? 's' : ''} de QF, de ${formatEuros(Math.min(...prices))} à ${formatEuros(Math.max(...prices))}`;
}

type Editing = { kind: 'new' } | { kind: 'tariff'; id: number } | null;

/** Paramètres › Tarifs: a service's dated tariffs, one edited at a time, and the service's billing rules. */
export function TariffsSettings({ canEdit }: { canEdit: boolean }) {
  const [services, setServices] = useState<ServiceConfig[] | null>(null);
  const [years, setYears] = useState<TariffYear[]>([]);
  const [serviceId, setServiceId] = useState<number | null>(null);
  const [tariffs, setTariffs] = useState<TariffRecord[] | null>(null);
  const [rules, setRules] = useState<ServiceBillingRules[]>([]);
  const [editing, setEditing] = useState<Editing>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);

  useEffect(() => {
    const year = Number(officeToday().slice(0, 4));
    void Promise.all([api.call('services.list', {}), api.call('calendar.get', { from: `${year - 4}-01-01`, to: `${year + 4}-12-31` }), api.call('billingRules.list', {})]).then(
      ([servicesResult, calendar, rulesResult]) => {
        if (servicesResult.ok) {
          setServices(servicesResult.value);
          setServiceId((current) => current ?? servicesResult.value[0]?.id ?? null);
        } else setError(servicesResult.error.message);
        if (calendar.ok) setYears(tariffYears(calendar.value.schoolYears));
        else setError(calendar.error.message);
        if (rulesResult.ok) setRules(rulesResult.value);
        else setError(rulesResult.error.message);
      },
    );
  }, []);

  const load = useCallback(async (id: number) => {
    const result = await api.call('tariffs.list', { serviceId: id });
    if (result.ok) setTariffs(result.value);
    else setError(result.error.message);
  }, []);

  useEffect(() => {
    if (serviceId === null) return;
    void api.call('tariffs.list', { serviceId }).then((result) => {
      if (result.ok) setTariffs(result.value);
      else setError(result.error.message);
    });
  }, [serviceId]);

  const service = services?.find((candidate) => candidate.id === serviceId) ?? null;
  const current = editing?.kind === 'tariff' ? (tariffs?.find((tariff) => tariff.id === editing.id) ?? null) : null;
  const today = officeToday();
  const initial = useMemo(() => {
    if (current) return tariffToDraft(current);
    if (editing?.kind !== 'new' || serviceId === null) return null;
    // A new tariff starts on the current school year, or on the first one after the last tariff of the service.
    const lastEnd = tariffs?.at(-1)?.validTo ?? '';
    const year = years.find((candidate) => candidate.lastTariffDay >= today && candidate.startDate > lastEnd) ?? years.find((candidate) => candidate.lastTariffDay >= today) ?? null;
    return newTariffDraft(serviceId, year);
  }, [current, editing, serviceId, tariffs, years, today]);

  async function remove(tariff: TariffRecord) {
    setNote(null);
    setError(null);
    const result = await api.call('tariffs.remove', { id: tariff.id });
    setConfirming(null);
    if (!result.ok) {
      setError(result.error.message);
      return;
    }
    if (editing?.kind === 'tariff' && editing.id === tariff.id) setEditing(null);
    setNote(`Tarif du ${shortDayFr(tariff.validFrom)} au ${shortDayFr(tariff.validTo)} supprimé.`);
    await load(tariff.serviceId);
  }

  const entry = rules.find((candidate) => candidate.serviceId === serviceId) ?? null;
  return (
    <div className="sections">
      <section className="card" aria-labelledby="tariffs-title">
        <h2 id="tariffs-title">Tarifs</h2>
        <p className="muted">Les prix d’une facture émise ne changent plus : un tarif modifié vaut pour les facturations à venir.</p>
        {services === null ? (
          <p className="muted">Chargement des services…</p>
        ) : (
          <div className="form-grid">
            <SelectField
              path="tariff-service"
              label="Service"
              errors={{}}
              value={String(serviceId ?? '')}
              options={services.map((candidate) => [String(candidate.id), candidate.name] as const)}
              onChange={(next) => {
                // The list reloads when the service changes; the same service chosen again keeps what is shown.
                if (Number(next) === serviceId || !mayDiscard()) return;
                setServiceId(Number(next));
                setTariffs(null);
                setEditing(null);
                setConfirming(null);
                setNote(null);
                setError(null);
              }}
            />
          </div>
        )}
        {service && tariffs !== null ? (
          tariffs.length === 0 ? (
            <p>Aucun tarif pour ce service : ses jours ne peuvent pas être facturés.</p>
          ) : (
            <div className="table-scroll">
              <table className="table">
                <caption className="visually-hidden">Tarifs du service {service.name}</caption>
                <thead>
                  <tr>
                    <th scope="col">Validité</th>
                    <th scope="col">Unité</th>
                    <th scope="col">Prix</th>
                    <th scope="col">Modifié par</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {tariffs.map((tariff) => {
                    const validity = `du ${shortDayFr(tariff.validFrom)} au ${shortDayFr(tariff.validTo)}`;
                    return (
                      <tr key={tariff.id} aria-current={editing?.kind === 'tariff' && editing.id === tariff.id ? 'true' : undefined}>
                        <th scope="row">{validity}</th>
                        <td>{unitLabel(tariff)}</td>
                        <td>{pricingSummary(tariff.pricing)}</td>
                        <td>{tariff.updatedBy || '—'}</td>
                        <td>
                          <div className="row-actions">
                          <button type="button" className="button small" aria-label={`Modifier le tarif ${validity}`} onClick={() => mayDiscard() && setEditing({ kind: 'tariff', id: tariff.id })}>
                            {canEdit ? 'Modifier' : 'Voir'}
                          </button>
                          {canEdit ? (
                            confirming === tariff.id ? (
                              <>
                                <button type="button" className="button link danger" onClick={() => void remove(tariff)}>
                                  Confirmer la suppression
                                </button>
                                <button type="button" className="button link" onClick={() => setConfirming(null)}>
                                  Garder
                                </button>
                              </>
                            ) : (
                              <button type="button" className="button link danger" aria-label={`Supprimer le tarif ${validity}`} onClick={() => setConfirming(tariff.id)}>
                                Supprimer
                              </button>
                            )
                          ) : null}
                          </div>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )
        ) : null}
        <ErrorBanner message={error} />
        <SuccessNote message={note} />
        {canEdit && service ? (
          <div className="form-actions">
            <button type="button" className="button" onClick={() => mayDiscard() && setEditing({ kind: 'new' })}>
              Nouveau tarif
            </button>
          </div>
        ) : null}
      </section>
      {service && initial ? (
        <TariffForm
          key={service.id}
          record={current}
          initial={initial}
          serviceName={service.name}
          years={years}
          canEdit={canEdit}
          onSaved={(saved) => {
            // The saved tariff is shown at once (the form keeps its « enregistré » note), then the list is read again.
            setTariffs((list) => [...(list ?? []).filter((tariff) => tariff.id !== saved.id), saved].sort((a, b) => a.validFrom.localeCompare(b.validFrom)));
            setEditing({ kind: 'tariff', id: saved.id });
            void load(saved.serviceId);
          }}
        />
      ) : null}
      {service && entry ? (
        <BillingRulesForm
          key={`rules-${service.id}`}
          serviceName={service.name}
          entry={entry}
          canEdit={canEdit}
          onSaved={(saved) => setRules((list) => list.map((candidate) => (candidate.serviceId === saved.serviceId ? saved : candidate)))}
        />
      ) : null}
    </div>
  );
}
