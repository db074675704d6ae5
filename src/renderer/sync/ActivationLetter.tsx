import { useEffect } from 'react';
import { formatInstantLongFr } from '../../shared/calendar/format.js';

export interface LetterContent {
  prenom: string;
  nom: string;
  email: string;
  code: string;
  expiresAt: string;
  /** Empty while the portal is not configured: the letter then says the service will give the address. */
  portalUrl: string;
}

/**
 * The activation letter as a plain page section: while printing, the body class hides everything else (see styles.css),
 * so window.print() gives one clean sheet without opening a window (the app denies window.open).
 */
export function ActivationLetter({ letter, onClose }: { letter: LetterContent; onClose(): void }) {
  useEffect(() => {
    document.body.classList.add('printing-letter');
    const timer = window.setTimeout(() => window.print(), 50);
    return () => {
      window.clearTimeout(timer);
      document.body.classList.remove('printing-letter');
    };
  }, [letter]);

  const address = letter.portalUrl ? `${letter.portalUrl}/activation` : '';
  return (
    <article className="print-letter" aria-labelledby="letter-title">
      <div className="letter-actions">
        <button type="button" className="button small" onClick={() => window.print()}>
          Imprimer de nouveau
        </button>
        <button type="button" className="button small" onClick={onClose}>
          Fermer le courrier
        </button>
      </div>
      <p className="letter-from">Service Enfance Jeunesse</p>
      <p className="letter-to">
        {letter.prenom} {letter.nom}
      </p>
      <h2 id="letter-title">Courrier d’activation du portail famille</h2>
      <p>Madame, Monsieur,</p>
      <p>
        Le portail famille vous permet de suivre et de modifier les réservations de vos enfants (restauration scolaire, accueils
        périscolaires), de déclarer leurs absences et de consulter votre compte. Pour activer votre accès :
      </p>
      <ol className="letter-steps">
        <li>
          Rendez-vous à l’adresse{' '}
          {address ? <strong className="letter-url">{address}</strong> : 'du portail que le service vous communiquera'} ;
        </li>
        <li>
          saisissez votre adresse e-mail : <strong className="letter-email">{letter.email}</strong> ;
        </li>
        <li>
          saisissez le code d’activation : <strong className="letter-code">{letter.code}</strong> ;
        </li>
        <li>choisissez votre mot de passe (10 caractères au moins).</li>
      </ol>
      <p>
        Ce code ne sert qu’une fois et reste valable jusqu’au {formatInstantLongFr(letter.expiresAt)}. Passé ce délai, demandez-en un
        nouveau au service. Ne le communiquez à personne : le service ne vous le demandera jamais.
      </p>
      <p>Nous vous prions d’agréer, Madame, Monsieur, nos salutations distinguées.</p>
    </article>
  );
}
