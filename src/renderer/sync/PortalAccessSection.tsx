import { useState } from 'react';
import type { FamilyFile } from '../../shared/api/contract.js';
import { api } from '../api/bridge.js';
import { useCan } from '../api/permissions.js';
import { describeError } from '../api/useApi.js';
import type { FileContent } from '../../shared/api/contract.js';
import { downloadFile } from '../lib/files.js';
import { formatInstantLongFr } from '../../shared/calendar/format.js';
import { useSyncStatus } from './status.js';

interface Person {
  rank: 1 | 2;
  prenom: string;
  nom: string;
  email: string;
}

interface Issued {
  code: string;
  expiresAt: string;
  /** The one-page letter (PDF) to post in a window envelope. */
  letter: FileContent;
}

function responsables(file: FamilyFile): Person[] {
  const people: Person[] = [];
  const { responsable1, responsable2 } = file.data;
  people.push({ rank: 1, prenom: responsable1.prenom, nom: responsable1.nom, email: responsable1.email?.trim() ?? '' });
  if (responsable2) people.push({ rank: 2, prenom: responsable2.prenom, nom: responsable2.nom, email: responsable2.email?.trim() ?? '' });
  return people;
}


function PersonAccess({ familyId, person, canIssue }: { familyId: number; person: Person; canIssue: boolean }) {
  const [issued, setIssued] = useState<Issued | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const name = `${person.prenom} ${person.nom}`;

  async function issue() {
    setBusy(true);
    setError(null);
    const result = await api.call('portal.issueActivation', { familyId, rank: person.rank });
    setBusy(false);
    if (result.ok) setIssued(result.value);
    else {
      const described = describeError(result.error);
      setError(described.fields.rank ?? described.banner ?? result.error.message);
    }
  }

  const errorId = `portal-access-${person.rank}-error`;
  return (
    <li className="portal-person">
      <div className="portal-person-head">
        <strong>
          Responsable {person.rank} : {name}
        </strong>
        {person.email ? <span className="muted">{person.email}</span> : null}
      </div>
      {person.email === '' ? (
        <p className="field-hint">
          Pas d’adresse e-mail : elle sert d’identifiant sur le portail. Ajoutez-la dans la section « Responsable {person.rank} » pour
          pouvoir générer un code d’activation.
        </p>
      ) : canIssue ? (
        <>
          <div className="toolbar">
            <button
              type="button"
              className="button small"
              onClick={() => void issue()}
              disabled={busy}
              aria-busy={busy}
              aria-label={`Générer un code d’activation pour ${name}`}
              aria-describedby={error ? errorId : undefined}
            >
              {busy ? 'Génération…' : 'Générer un code d’activation'}
            </button>
            <span className="field-hint">Un nouveau code remplace le précédent.</span>
          </div>
          {error ? (
            <p className="field-error" id={errorId} role="alert">
              {error}
            </p>
          ) : null}
          {issued ? (
            <div className="activation-code" role="status">
              <p>
                Code d’activation : <strong className="code">{issued.code}</strong>
              </p>
              <p>
                Valable jusqu’au {formatInstantLongFr(issued.expiresAt)}. Il ne sera plus affiché : remettez-le ou imprimez le courrier
                maintenant.
              </p>
              <button type="button" className="button small primary" onClick={() => downloadFile(issued.letter)}>
                Imprimer le courrier
              </button>
            </div>
          ) : null}
        </>
      ) : null}
    </li>
  );
}

/** Family file › Accès au portail famille: one activation code per responsable who has an email address. */
export function PortalAccessSection({ file }: { file: FamilyFile }) {
  const canIssue = useCan()('portal.issueActivation');
  const { status } = useSyncStatus();
  const archived = file.archivedAt !== null;
  return (
    <section className="card" aria-labelledby="portal-access-title">
      <h2 id="portal-access-title">Accès au portail famille</h2>
      {archived ? (
        <p className="muted">La fiche est archivée : aucun code d’activation ne peut être émis.</p>
      ) : (
        <>
          {status && !status.configured ? (
            <p className="field-hint">
              Le portail n’est pas encore configuré (Paramètres › Portail famille) : le courrier n’en donnera pas l’adresse.
            </p>
          ) : null}
          <ul className="plain-list portal-people">
            {responsables(file).map((person) => (
              <PersonAccess key={person.rank} familyId={file.id} person={person} canIssue={canIssue} />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
