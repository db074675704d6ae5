import type { School } from '../../shared/api/contract.js';
import {
  AUTHORISATIONS,
  CLASSES,
  REGIMES,
  type AuthorisedPersonInput,
  type ChildHealth,
  type ChildInput,
  type Regime,
} from '../../shared/children/input.js';
import type { FieldErrors } from '../api/useApi.js';
import { CheckboxField, DateField, SelectField, TextArea, TextField } from '../components/fields.js';

/** Controlled editors of each ChildInput section, shared by the creation page and the child's file. */

export function emptyHealth(): ChildHealth {
  return {
    allergies: '',
    pai: false,
    paiEnd: null,
    paiOwnMeal: false,
    paiDetails: '',
    medecinNom: '',
    medecinTel: '',
    medicalNotes: '',
    vaccinations: [],
  };
}

export function emptyPerson(): AuthorisedPersonInput {
  return { nom: '', prenom: '', relation: '', tel1: '', tel2: '', mayPickUp: true, emergency: false };
}

export function emptyChild(nom: string): ChildInput {
  return {
    identity: { nom, prenom: '', sexe: '' as 'F', dateNaissance: '', schoolId: null, classe: '', regime: 'standard' },
    health: emptyHealth(),
    authorisedPersons: [],
    authorisations: { droitImage: false, sortieSeule: false, transport: false, soinsUrgence: true },
    custom: {},
  };
}

interface EditorProps<T> {
  value: T;
  onChange(value: T): void;
  errors: FieldErrors;
}

type Identity = ChildInput['identity'];

export function IdentityEditor({ value, onChange, errors, schools, autoFocus }: EditorProps<Identity> & { schools: School[]; autoFocus?: boolean }) {
  const set = <K extends keyof Identity>(key: K, next: Identity[K]) => onChange({ ...value, [key]: next });
  return (
    <div className="form-grid">
      <TextField path="identity.nom" errors={errors} label="Nom" value={value.nom} onChange={(next) => set('nom', next)} />
      <TextField path="identity.prenom" errors={errors} label="Prénom" value={value.prenom} onChange={(next) => set('prenom', next)} autoFocus={autoFocus} />
      <SelectField
        path="identity.sexe"
        errors={errors}
        label="Sexe"
        value={(value.sexe ?? '') as '' | 'F' | 'M'}
        options={[['', '—'], ['F', 'Fille'], ['M', 'Garçon']] as const}
        onChange={(next) => set('sexe', next as 'F' | 'M')}
      />
      <DateField path="identity.dateNaissance" errors={errors} label="Date de naissance" value={value.dateNaissance} onChange={(next) => set('dateNaissance', next)} />
      <SelectField
        path="identity.schoolId"
        errors={errors}
        label="École"
        value={value.schoolId === null ? '' : String(value.schoolId)}
        options={[['', 'Non scolarisé(e) / autre'], ...schools.map((school) => [String(school.id), school.name] as const)]}
        onChange={(next) => set('schoolId', next === '' ? null : Number(next))}
      />
      <SelectField
        path="identity.classe"
        errors={errors}
        label="Classe"
        value={value.classe ?? ''}
        options={[['', '—'], ...CLASSES.map((classe) => [classe, classe] as const)]}
        onChange={(next) => set('classe', next as Identity['classe'])}
      />
      <SelectField path="identity.regime" errors={errors} label="Régime alimentaire" value={value.regime as Regime} options={REGIMES} onChange={(next) => set('regime', next)} />
    </div>
  );
}

export function HealthEditor({ value, onChange, errors }: EditorProps<ChildHealth>) {
  const set = <K extends keyof ChildHealth>(key: K, next: ChildHealth[K]) => onChange({ ...value, [key]: next });
  const vaccinations = value.vaccinations ?? [];
  return (
    <>
      <div className="form-grid">
        <TextArea path="health.allergies" errors={errors} label="Allergies" value={value.allergies} onChange={(next) => set('allergies', next)} rows={2} />
        <CheckboxField path="health.pai" errors={errors} label="PAI (projet d’accueil individualisé)" checked={value.pai} onChange={(next) => set('pai', next)} />
        <DateField path="health.paiEnd" errors={errors} label="Fin du PAI" value={value.paiEnd ?? ''} onChange={(next) => set('paiEnd', next === '' ? null : next)} />
        <CheckboxField
          path="health.paiOwnMeal"
          errors={errors}
          // A non-breaking hyphen: the label wraps between words, never as « panier- / repas ».
          label={'Apporte son repas (panier\u2011repas PAI)'}
          checked={value.paiOwnMeal === true}
          // Offered with a PAI; left enabled when already ticked so that it can be unticked.
          disabled={!value.pai && value.paiOwnMeal !== true}
          onChange={(next) => set('paiOwnMeal', next)}
        />
        <TextArea path="health.paiDetails" errors={errors} label="Détails du PAI" value={value.paiDetails} onChange={(next) => set('paiDetails', next)} rows={2} />
        <TextField path="health.medecinNom" errors={errors} label="Médecin traitant" value={value.medecinNom} onChange={(next) => set('medecinNom', next)} />
        <TextField path="health.medecinTel" errors={errors} label="Téléphone du médecin" type="tel" value={value.medecinTel} onChange={(next) => set('medecinTel', next)} />
        <TextArea path="health.medicalNotes" errors={errors} label="Notes médicales" value={value.medicalNotes} onChange={(next) => set('medicalNotes', next)} rows={2} />
      </div>
      <fieldset className="subpanel">
        <legend>Vaccinations</legend>
        {vaccinations.length === 0 ? <p className="muted">Aucune vaccination saisie.</p> : null}
        {vaccinations.map((vaccination, index) => (
          <div className="form-grid row-editor" key={index}>
            <TextField
              path={`health.vaccinations.${index}.vaccine`}
              errors={errors}
              label={`Vaccin ${index + 1}`}
              value={vaccination.vaccine}
              onChange={(next) => set('vaccinations', vaccinations.map((item, i) => (i === index ? { ...item, vaccine: next } : item)))}
            />
            <DateField
              path={`health.vaccinations.${index}.date`}
              errors={errors}
              label={`Date du vaccin ${index + 1}`}
              value={vaccination.date}
              onChange={(next) => set('vaccinations', vaccinations.map((item, i) => (i === index ? { ...item, date: next } : item)))}
            />
            <button type="button" className="button link danger" onClick={() => set('vaccinations', vaccinations.filter((_, i) => i !== index))}>
              Retirer le vaccin {index + 1}
            </button>
          </div>
        ))}
        <button type="button" className="button small" onClick={() => set('vaccinations', [...vaccinations, { vaccine: '', date: '' }])}>
          Ajouter une vaccination
        </button>
      </fieldset>
    </>
  );
}

export function PersonsEditor({ value, onChange, errors }: EditorProps<AuthorisedPersonInput[]>) {
  const setPerson = (index: number, next: AuthorisedPersonInput) => onChange(value.map((person, i) => (i === index ? next : person)));
  return (
    <>
      {value.length === 0 ? <p className="muted">Aucune personne autorisée.</p> : null}
      {value.map((person, index) => {
        const path = (key: keyof AuthorisedPersonInput) => `authorisedPersons.${index}.${key}`;
        const n = index + 1;
        return (
          <fieldset className="subpanel" key={index}>
            <legend>Personne {n}</legend>
            <div className="form-grid">
              <TextField path={path('nom')} errors={errors} label={`Nom (personne ${n})`} value={person.nom} onChange={(nom) => setPerson(index, { ...person, nom })} />
              <TextField path={path('prenom')} errors={errors} label={`Prénom (personne ${n})`} value={person.prenom} onChange={(prenom) => setPerson(index, { ...person, prenom })} />
              <TextField path={path('relation')} errors={errors} label={`Lien avec l’enfant (personne ${n})`} value={person.relation} onChange={(relation) => setPerson(index, { ...person, relation })} />
              <TextField path={path('tel1')} errors={errors} label={`Téléphone (personne ${n})`} type="tel" value={person.tel1} onChange={(tel1) => setPerson(index, { ...person, tel1 })} />
              <TextField path={path('tel2')} errors={errors} label={`Autre téléphone (personne ${n})`} type="tel" value={person.tel2} onChange={(tel2) => setPerson(index, { ...person, tel2 })} />
              <CheckboxField path={path('mayPickUp')} errors={errors} label={`Peut venir chercher l’enfant (personne ${n})`} checked={person.mayPickUp} onChange={(mayPickUp) => setPerson(index, { ...person, mayPickUp })} />
              <CheckboxField path={path('emergency')} errors={errors} label={`À prévenir en cas d’urgence (personne ${n})`} checked={person.emergency} onChange={(emergency) => setPerson(index, { ...person, emergency })} />
            </div>
            <button type="button" className="button link danger" onClick={() => onChange(value.filter((_, i) => i !== index))}>
              Retirer la personne {n}
            </button>
          </fieldset>
        );
      })}
      <button type="button" className="button small" onClick={() => onChange([...value, emptyPerson()])}>
        Ajouter une personne
      </button>
    </>
  );
}

export function AuthorisationsEditor({ value, onChange, errors }: EditorProps<ChildInput['authorisations']>) {
  return (
    <div className="form-grid">
      {(Object.entries(AUTHORISATIONS) as [keyof typeof AUTHORISATIONS, string][]).map(([key, label]) => (
        <CheckboxField key={key} path={`authorisations.${key}`} errors={errors} label={label} checked={value[key]} onChange={(checked) => onChange({ ...value, [key]: checked })} />
      ))}
    </div>
  );
}
