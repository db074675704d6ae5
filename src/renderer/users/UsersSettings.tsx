import type { ColDef, ICellRendererParams } from 'ag-grid-community';
import { AgGridReact } from 'ag-grid-react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { StaffUser } from '../../shared/api/contract.js';
import { ROLES, type Role } from '../../shared/auth/roles.js';
import { api } from '../api/bridge.js';
import { useApi, type FieldErrors } from '../api/useApi.js';
import { ErrorBanner, SuccessNote } from '../components/Banner.js';
import { CheckboxField, SelectField, TextField } from '../components/fields.js';
import { fitColumns, FITTED_COLUMN, GRID_LOCALE_FR } from '../grid/setup.js';
import { PASSWORD_MIN } from './password.js';

interface Draft {
  id: number | null;
  username: string;
  displayName: string;
  role: Role;
  active: boolean;
  password: string;
}

const EMPTY: Draft = { id: null, username: '', displayName: '', role: 'agent', active: true, password: '' };

/** The same rules as users.save, checked here first so the errors appear without a round trip. */
function precheck(draft: Draft): FieldErrors {
  const errors: FieldErrors = {};
  if (!/^[\p{L}\d._-]{2,40}$/u.test(draft.username.trim())) errors.username = "L'identifiant compte 2 à 40 lettres, chiffres, points, tirets.";
  if (draft.displayName.trim() === '') errors.displayName = 'Le nom affiché est obligatoire.';
  if (draft.id === null && draft.password === '') errors.password = 'Le mot de passe est obligatoire pour un nouvel utilisateur.';
  else if (draft.password !== '' && draft.password.length < PASSWORD_MIN) errors.password = `Le mot de passe compte au moins ${PASSWORD_MIN} caractères.`;
  return errors;
}

interface GridContext {
  edit(user: StaffUser): void;
}

function EditCell({ data, context }: ICellRendererParams<StaffUser, unknown, GridContext>) {
  if (!data) return null;
  return (
    <button type="button" className="button small" aria-label={`Modifier ${data.displayName}`} onClick={() => context.edit(data)}>
      Modifier
    </button>
  );
}

function UserForm({ initial, onSaved, onCancel }: { initial: Draft; onSaved(user: StaffUser): void; onCancel(): void }) {
  const [draft, setDraft] = useState(initial);
  const call = useApi();
  const creating = draft.id === null;
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((current) => ({ ...current, [key]: value }));
  const title = creating ? 'Nouvel utilisateur' : `Modifier : ${initial.displayName}`;

  async function save() {
    const errors = precheck(draft);
    if (Object.keys(errors).length > 0) {
      call.clear();
      call.setFields(errors);
      return;
    }
    const saved = await call.run(() =>
      api.call('users.save', {
        id: draft.id,
        username: draft.username.trim(),
        displayName: draft.displayName.trim(),
        role: draft.role,
        active: draft.active,
        password: draft.password === '' ? null : draft.password,
      }),
    );
    if (saved) onSaved(saved);
  }

  return (
    <section className="subpanel" aria-labelledby="user-form-title">
      <h3 id="user-form-title">{title}</h3>
      <form
        noValidate
        className="form-grid"
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <TextField path="username" label="Identifiant" errors={call.fields} value={draft.username} maxLength={40} autoFocus onChange={(value) => set('username', value)} />
        <TextField path="displayName" label="Nom affiché" errors={call.fields} value={draft.displayName} maxLength={80} onChange={(value) => set('displayName', value)} />
        <SelectField<Role> path="role" label="Rôle" errors={call.fields} value={draft.role} options={ROLES} onChange={(value) => set('role', value)} />
        <TextField
          path="password"
          label={creating ? 'Mot de passe' : 'Nouveau mot de passe (facultatif)'}
          type="password"
          autoComplete="new-password"
          errors={call.fields}
          value={draft.password}
          maxLength={200}
          hint={creating ? `${PASSWORD_MIN} caractères au moins.` : `Laissez vide pour le garder ; sinon ${PASSWORD_MIN} caractères au moins.`}
          onChange={(value) => set('password', value)}
        />
        <CheckboxField path="active" label="Actif (peut se connecter)" errors={call.fields} checked={draft.active} onChange={(value) => set('active', value)} />
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={call.busy}>
            Enregistrer
          </button>
          <button type="button" className="button" onClick={onCancel}>
            Annuler
          </button>
        </div>
      </form>
      <ErrorBanner message={call.banner} />
    </section>
  );
}

/** Paramètres › Utilisateurs: the staff accounts of the office. */
export function UsersSettings() {
  const [users, setUsers] = useState<StaffUser[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [editing, setEditing] = useState<Draft | null>(null);
  const [formKey, setFormKey] = useState(0);
  const [note, setNote] = useState<string | null>(null);
  const newButton = useRef<HTMLButtonElement>(null);

  const load = useCallback(async () => {
    const result = await api.call('users.list', {});
    if (result.ok) setUsers(result.value);
    else setLoadError(result.error.message);
  }, []);

  useEffect(() => {
    void api.call('users.list', {}).then((result) => {
      if (result.ok) setUsers(result.value);
      else setLoadError(result.error.message);
    });
  }, []);

  const open = useCallback((draft: Draft) => {
    setNote(null);
    setEditing(draft);
    setFormKey((key) => key + 1);
  }, []);

  const context = useMemo<GridContext>(
    () => ({ edit: (user) => open({ id: user.id, username: user.username, displayName: user.displayName, role: user.role, active: user.active, password: '' }) }),
    [open],
  );

  const columns = useMemo<ColDef<StaffUser>[]>(
    () => [
      { headerName: 'Identifiant', field: 'username' },
      { headerName: 'Nom', field: 'displayName' },
      { headerName: 'Rôle', colId: 'role', valueGetter: (params) => (params.data ? ROLES[params.data.role] : '') },
      { headerName: 'Actif', colId: 'active', valueGetter: (params) => (params.data?.active ? 'Oui' : 'Non'), maxWidth: 110 },
      { headerName: 'Action', colId: 'edit', cellRenderer: EditCell, sortable: false, filter: false, maxWidth: 140 },
    ],
    [],
  );

  return (
    <section className="card" aria-labelledby="users-title">
      <div className="card-header">
        <h2 id="users-title">Utilisateurs</h2>
        <button ref={newButton} type="button" className="button small" onClick={() => open(EMPTY)}>
          Nouvel utilisateur
        </button>
      </div>
      <ErrorBanner message={loadError} />
      <div className="ag-theme-quartz users-grid">
        <AgGridReact<StaffUser>
          theme="legacy"
          rowData={users ?? []}
          columnDefs={columns}
          defaultColDef={{ ...FITTED_COLUMN, sortable: true, minWidth: 100 }}
          onFirstDataRendered={fitColumns}
          onRowDataUpdated={fitColumns}
          onGridSizeChanged={fitColumns}
          suppressColumnVirtualisation
          localeText={{ ...GRID_LOCALE_FR, noRowsToShow: 'Aucun utilisateur' }}
          getRowId={(params) => String(params.data.id)}
          getRowClass={(params) => (params.data?.active ? undefined : 'row-archived')}
          domLayout="autoHeight"
          context={context}
          loading={users === null}
        />
      </div>
      {editing ? (
        <UserForm
          key={formKey}
          initial={editing}
          onCancel={() => {
            setEditing(null);
            newButton.current?.focus();
          }}
          onSaved={(saved) => {
            setEditing(null);
            setNote(`Utilisateur « ${saved.displayName} » enregistré.`);
            void load();
            newButton.current?.focus();
          }}
        />
      ) : null}
      <SuccessNote message={note} />
    </section>
  );
}
