import { useEffect, useState } from 'react';
import type { PhoneToFix } from '../../shared/api/contract.js';
import { api } from '../api/bridge.js';
import { routeHref } from '../lib/route.js';

/**
 * « Téléphones à corriger (N) » in the families page's header, only when some phones could not be read when the office
 * moved every phone to the international format: each kept as typed, listed with a link to its family's file.
 */
export function PhonesToFixNotice() {
  const [phones, setPhones] = useState<PhoneToFix[]>([]);
  useEffect(() => {
    void api.call('families.phonesToFix', {}).then((result) => {
      if (result.ok) setPhones(result.value);
    });
  }, []);
  if (phones.length === 0) return null;
  return (
    <details className="class-sheets phones-to-fix">
      <summary className="button">Téléphones à corriger ({phones.length})</summary>
      <div className="class-sheets-form">
        <p className="field-hint">
          Ces numéros n’ont pas pu être lus lors du passage au format international : ils sont gardés tels que saisis. Corrigez-les
          dans la fiche de la famille.
        </p>
        <ul className="plain-list">
          {phones.map((phone, index) => (
            <li key={`${phone.familyId}-${index}`}>
              {/* One item for the list's flex row: its gap never stands before the colon. */}
              <span>
                <a href={routeHref({ name: 'family', id: phone.familyId })}>
                  Famille n° {phone.familyId} — {phone.where}
                </a>{' '}
                : « {phone.phone} »
              </span>
            </li>
          ))}
        </ul>
      </div>
    </details>
  );
}
