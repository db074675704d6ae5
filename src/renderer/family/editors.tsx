import { useState } from 'react';
import { CAF_REGIMES, SITUATIONS, type CafRegime, type FamilyInput, type ResponsableInput, type Situation } from '../../shared/families/input.js';
import { checkRib, ibanFromRib, isMaskedIban, type RibParts } from '../../shared/validation/bank.js';
import { typedOverMasked } from './masked-iban.js';
export { bankForCheck } from './masked-iban.js';
import { api } from '../api/bridge.js';
import { useCan } from '../api/permissions.js';
import type { FieldErrors } from '../api/useApi.js';
import { CheckboxField, DateField, SelectField, TextArea, TextField } from '../components/fields.js';
import { formatIban } from '../lib/format.js';

/** Controlled editors of each FamilyInput section; SectionForm (file) or the creation page supplies save/cancel. */

export function emptyResponsable(): ResponsableInput {
  return {
    civilite: '',
    nom: '',
    prenom: '',
    dateNaissance: null,
    adresse: '',
    codePostal: '',
    ville: '',
    telMobile: '',
    telFixe: '',
    email: '',
    profession: '',
    employeur: '',
    telPro: '',
  };
}

export function emptyFamily(): FamilyInput {
  return {
    responsable1: emptyResponsable(),
    responsable2: null,
    household: { situation: '', resident: true, notes: '' },
    fiscal: { rfrCents: null, partsX100: null, year: null },
    caf: { regime: '', number: '', qf: null, qfValidUntil: null },
    bank: { holder: '', iban: '', bic: '' },
    custom: {},
  };
}

interface EditorProps<T> {
  value: T;
  onChange(value: T): void;
  errors: FieldErrors;
  prefix: string;
}

export function ResponsableEditor({ value, onChange, errors, prefix, autoFocus }: EditorProps<ResponsableInput> & { autoFocus?: boolean }) {
  const set = <K extends keyof ResponsableInput>(key: K, next: ResponsableInput[K]) => onChange({ ...value, [key]: next });
  const common = (key: keyof ResponsableInput) => ({ path: `${prefix}.${key}`, errors });
  return (
    <div className="form-grid">
      <SelectField
        {...common('civilite')}
        label="Civilité"
        value={value.civilite ?? ''}
        options={[['', '—'], ['Mme', 'Mme'], ['M.', 'M.']] as const}
        onChange={(next) => set('civilite', next)}
      />
      <TextField {...common('nom')} label="Nom" value={value.nom} onChange={(next) => set('nom', next)} autoFocus={autoFocus} />
      <TextField {...common('prenom')} label="Prénom" value={value.prenom} onChange={(next) => set('prenom', next)} />
      <DateField
        {...common('dateNaissance')}
        label="Date de naissance"
        value={value.dateNaissance ?? ''}
        onChange={(next) => set('dateNaissance', next === '' ? null : next)}
      />
      <TextField {...common('adresse')} label="Adresse" value={value.adresse} onChange={(next) => set('adresse', next)} className="field-wide" />
      <TextField {...common('codePostal')} label="Code postal" inputMode="numeric" value={value.codePostal} onChange={(next) => set('codePostal', next)} />
      <TextField {...common('ville')} label="Ville" value={value.ville} onChange={(next) => set('ville', next)} />
      <TextField {...common('telMobile')} label="Téléphone mobile" type="tel" value={value.telMobile} onChange={(next) => set('telMobile', next)} />
      <TextField {...common('telFixe')} label="Téléphone fixe" type="tel" value={value.telFixe} onChange={(next) => set('telFixe', next)} />
      <TextField {...common('email')} label="E-mail" type="email" value={value.email} onChange={(next) => set('email', next)} />
      <TextField {...common('profession')} label="Profession" value={value.profession} onChange={(next) => set('profession', next)} />
      <TextField {...common('employeur')} label="Employeur" value={value.employeur} onChange={(next) => set('employeur', next)} />
      <TextField {...common('telPro')} label="Téléphone professionnel" type="tel" value={value.telPro} onChange={(next) => set('telPro', next)} />
    </div>
  );
}

export function HouseholdEditor({ value, onChange, errors, prefix }: EditorProps<FamilyInput['household']>) {
  return (
    <div className="form-grid">
      <SelectField
        path={`${prefix}.situation`}
        errors={errors}
        label="Situation familiale"
        value={value.situation as Situation}
        options={SITUATIONS}
        onChange={(situation) => onChange({ ...value, situation })}
      />
      <CheckboxField
        path={`${prefix}.resident`}
        errors={errors}
        label="Résident de la commune"
        checked={value.resident}
        onChange={(resident) => onChange({ ...value, resident })}
      />
      <TextArea path={`${prefix}.notes`} errors={errors} label="Notes" value={value.notes} onChange={(notes) => onChange({ ...value, notes })} />
    </div>
  );
}

/** Amounts and parts are typed as French text ("32 450,50", "2,5") and converted on save. */
export interface FiscalDraft {
  rfr: string;
  parts: string;
  year: string;
}

export function FiscalEditor({ value, onChange, errors, prefix }: EditorProps<FiscalDraft>) {
  return (
    <div className="form-grid">
      <TextField
        path={`${prefix}.rfrCents`}
        errors={errors}
        label="Revenu fiscal de référence (€)"
        inputMode="decimal"
        hint="En euros, ex. 32 450,50"
        value={value.rfr}
        onChange={(rfr) => onChange({ ...value, rfr })}
      />
      <TextField
        path={`${prefix}.partsX100`}
        errors={errors}
        label="Nombre de parts"
        inputMode="decimal"
        hint="Ex. 2,5"
        value={value.parts}
        onChange={(parts) => onChange({ ...value, parts })}
      />
      <TextField
        path={`${prefix}.year`}
        errors={errors}
        label="Année des revenus (sur l’avis)"
        inputMode="numeric"
        maxLength={4}
        value={value.year}
        onChange={(year) => onChange({ ...value, year })}
      />
    </div>
  );
}

export interface CafDraft {
  regime: CafRegime;
  number: string;
  qf: string;
  qfValidUntil: string;
}

export function CafEditor({ value, onChange, errors, prefix }: EditorProps<CafDraft>) {
  return (
    <div className="form-grid">
      <SelectField
        path={`${prefix}.regime`}
        errors={errors}
        label="Régime"
        value={value.regime}
        options={CAF_REGIMES}
        onChange={(regime) => onChange({ ...value, regime })}
      />
      <TextField
        path={`${prefix}.number`}
        errors={errors}
        label="N° allocataire"
        inputMode="numeric"
        value={value.number}
        onChange={(number) => onChange({ ...value, number })}
      />
      <TextField
        path={`${prefix}.qf`}
        errors={errors}
        label="Quotient familial"
        inputMode="numeric"
        value={value.qf}
        onChange={(qf) => onChange({ ...value, qf })}
      />
      <DateField
        path={`${prefix}.qfValidUntil`}
        errors={errors}
        label="QF valable jusqu’au"
        value={value.qfValidUntil}
        onChange={(qfValidUntil) => onChange({ ...value, qfValidUntil })}
      />
    </div>
  );
}

const EMPTY_RIB: RibParts = { banque: '', guichet: '', compte: '', cle: '' };

/** The IBAN in clear for the régisseur, on request, audited by the office (« IBAN affiché »); never put in the draft. */
function RevealIban({ familyId }: { familyId: number }) {
  const can = useCan();
  const [shown, setShown] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  if (!can('sepa.revealIban')) return null;
  if (shown !== null) {
    return (
      <p className="muted">
        IBAN : <strong>{formatIban(shown)}</strong>{' '}
        <button type="button" className="button link" onClick={() => setShown(null)}>
          Masquer
        </button>
      </p>
    );
  }
  return (
    <p>
      <button
        type="button"
        className="button link"
        onClick={() => {
          void api.call('sepa.revealIban', { familyId, accountId: null }).then((result) => {
            if (result.ok) {
              setShown(result.value.iban);
              setProblem(null);
            } else setProblem(result.error.message);
          });
        }}
      >
        Afficher l’IBAN
      </button>
      {problem ? <span role="alert"> {problem}</span> : null}
    </p>
  );
}

export function BankEditor({ value, onChange, errors, prefix, familyId }: EditorProps<FamilyInput['bank']> & { familyId?: number }) {
  const masked = isMaskedIban(value.iban);
  const [ribOpen, setRibOpen] = useState(false);
  const [rib, setRib] = useState<RibParts>(EMPTY_RIB);
  const [ribErrors, setRibErrors] = useState<FieldErrors>({});
  const allErrors = { ...errors, ...ribErrors };

  function applyRib() {
    const problems = checkRib(rib);
    const keyed: FieldErrors = {};
    for (const [part, message] of Object.entries(problems)) keyed[`rib.${part}`] = message;
    setRibErrors(keyed);
    if (Object.keys(keyed).length > 0) return;
    onChange({ ...value, iban: formatIban(ibanFromRib(rib)) });
    setRib(EMPTY_RIB);
    setRibOpen(false);
  }

  const ribField = (part: keyof RibParts, label: string, maxLength: number) => (
    <TextField
      path={`rib.${part}`}
      errors={allErrors}
      label={label}
      inputMode={part === 'compte' ? 'text' : 'numeric'}
      maxLength={maxLength}
      value={rib[part]}
      onChange={(next) => setRib({ ...rib, [part]: next.trim() })}
    />
  );

  return (
    <>
      <div className="form-grid">
        <TextField path={`${prefix}.holder`} errors={errors} label="Titulaire du compte" value={value.holder} onChange={(holder) => onChange({ ...value, holder })} />
        <TextField
          path={`${prefix}.iban`}
          errors={errors}
          label="IBAN"
          value={value.iban}
          className="field-wide"
          hint={masked ? 'IBAN masqué : saisissez un nouvel IBAN pour le remplacer.' : undefined}
          onChange={(iban) => onChange({ ...value, iban: masked ? typedOverMasked(value.iban, iban) : iban })}
        />
        <TextField path={`${prefix}.bic`} errors={errors} label="BIC" value={value.bic} onChange={(bic) => onChange({ ...value, bic })} />
      </div>
      {masked && familyId !== undefined ? <RevealIban familyId={familyId} /> : null}
      {ribOpen ? (
        <div
          className="subpanel"
          role="group"
          aria-label="Saisie d’un RIB"
          onKeyDown={(event) => {
            // Enter here computes the IBAN instead of saving the section with the old one.
            if (event.key === 'Enter' && (event.target as HTMLElement).tagName === 'INPUT') {
              event.preventDefault();
              applyRib();
            }
          }}
        >
          <p className="muted">Les quatre parties du RIB français ; l’IBAN est calculé quand la clé est juste.</p>
          <div className="form-grid">
            {ribField('banque', 'Code banque', 5)}
            {ribField('guichet', 'Code guichet', 5)}
            {ribField('compte', 'N° de compte', 11)}
            {ribField('cle', 'Clé RIB', 2)}
          </div>
          <div className="form-actions">
            <button type="button" className="button" onClick={applyRib}>
              Calculer l’IBAN
            </button>
            <button
              type="button"
              className="button link"
              onClick={() => {
                setRibOpen(false);
                setRibErrors({});
              }}
            >
              Fermer
            </button>
          </div>
        </div>
      ) : (
        <button type="button" className="button link" onClick={() => setRibOpen(true)}>
          Saisir un RIB
        </button>
      )}
    </>
  );
}
