import { useState } from 'react';
import type { DocumentSummary } from '../../shared/api/contract.js';
import { DOCUMENT_MAX_BYTES, SCAN_TOO_BIG_MESSAGE } from '../../shared/files/limits.js';
import type { CallProgress } from '../../shared/api/progress.js';
import type { MandateView, RibField, ScanReading, ScanSource } from '../../shared/api/sepa.js';
import { useGuardedClose } from '../accounts/PaymentForm.js';
import { api } from '../api/bridge.js';
import { ErrorBanner } from '../components/Banner.js';
import { TextField } from '../components/fields.js';
import { readAsBase64 } from '../lib/files.js';
import { Dialog } from '../planning/Dialog.js';
import { accountInput, accountProblems, ACCOUNT_FIELDS, draftFromReading, emptyAccount, FIELD_LABELS, formPaths, type AccountDraft } from './account-form.js';
import { ScanPicker } from './ScanPicker.js';
import { ScanPreview } from './ScanPreview.js';
import { useDialogCall } from '../lib/dialog-call.js';
import './sepa.css';

/**
 * « Mettre en place le prélèvement » (and « Changer de compte », the same form amending the mandate): the scanned RIB
 * is chosen (file dialog, drag and drop, or a document of the family) and read by the office, locally, while a
 * progress bar says how far it is; then the scan is shown beside the form pre-filled with what was read, the places it
 * was read from boxed. Every field stays editable and is checked as it is typed; the office checks again on saving and
 * its refusals land under the fields. The scan is sent with the account so that it stays attached to the mandate.
 */

/** The office's paths for this form's fields (before formPaths maps them back). */
const PATHS = [...ACCOUNT_FIELDS.flatMap((field) => [field, `account.${field}`, `rib.${field}`, `account.rib.${field}`]), 'scan', 'account.scan'];

const LOW_CONFIDENCE = 80;

export function MandateDialog({
  familyId,
  documents,
  amend,
  onDone,
  onClose,
}: {
  familyId: number;
  documents: readonly DocumentSummary[];
  /** The mandate whose account changes; null: a new mandate. */
  amend: MandateView | null;
  onDone(mandate: MandateView): void;
  onClose(): void;
}) {
  const [initial] = useState(emptyAccount);
  const [draft, setDraft] = useState<AccountDraft>(initial);
  const [scan, setScan] = useState<ScanSource | null>(null);
  const [reading, setReading] = useState<ScanReading | null>(null);
  const [readingBusy, setReadingBusy] = useState(false);
  const [progress, setProgress] = useState<CallProgress | null>(null);
  const [scanError, setScanError] = useState<string | null>(null);
  const [active, setActive] = useState<RibField | null>(null);
  const [submitted, setSubmitted] = useState(false);
  const call = useDialogCall<MandateView>(PATHS, onDone);
  const busy = call.busy || readingBusy;
  const dirty = scan !== null || JSON.stringify(draft) !== JSON.stringify(initial);
  const close = useGuardedClose(dirty, busy, onClose);

  // Live: what is typed and wrong; once « Enregistrer » was pressed, what is missing too; the office's own refusals
  // stay until the field is changed.
  const live = accountProblems(draft, submitted);
  const errors = { ...formPaths(call.errors), ...live };

  async function read(source: ScanSource) {
    setScanError(null);
    setReadingBusy(true);
    setProgress(null);
    const result = await api.call('sepa.readScan', { familyId, source }, { onProgress: setProgress });
    setReadingBusy(false);
    setProgress(null);
    if (!result.ok) {
      const fields = Object.values(result.error.fields ?? {});
      setScanError(fields[0] ?? result.error.message);
      return;
    }
    setScan(source);
    setReading(result.value);
    setDraft(draftFromReading(result.value));
    setSubmitted(false);
    call.setErrors({});
    call.setBanner(null);
  }

  async function readFile(file: File) {
    // The office's own limit (the same for reading the scan and storing it with the mandate), said at once.
    if (file.size > DOCUMENT_MAX_BYTES) {
      setScanError(SCAN_TOO_BIG_MESSAGE);
      return;
    }
    const base64 = await readAsBase64(file);
    await read({ kind: 'file', fileName: file.name, mime: file.type || 'application/octet-stream', base64 });
  }

  function set(field: RibField, value: string) {
    setDraft((current) => ({ ...current, [field]: value }));
    // The office's refusal of a field goes once the agent corrects it.
    if (call.errors[field] !== undefined || Object.keys(call.errors).some((path) => path.endsWith(`.${field}`))) {
      call.setErrors(Object.fromEntries(Object.entries(call.errors).filter(([path]) => path !== field && !path.endsWith(`.${field}`))));
    }
  }

  async function submit() {
    setSubmitted(true);
    const found = accountProblems(draft, true);
    const input = accountInput(draft, scan);
    await call.send(found, () => (amend ? api.call('mandates.amend', { mandateId: amend.id, account: input }) : api.call('mandates.create', { familyId, account: input })));
  }

  function field(name: RibField, options: { inputMode?: 'numeric' | 'text'; maxLength?: number; wide?: boolean } = {}) {
    const read = reading?.fields[name];
    const hint = read && read.confidence < LOW_CONFIDENCE ? `Lu avec peu de certitude (${Math.round(read.confidence)} %) : vérifiez.` : read ? 'Lu sur le RIB.' : undefined;
    return (
      <div className={`scan-field${options.wide ? ' scan-field-wide' : ''}${active === name ? ' scan-field-active' : ''}`} onFocus={() => setActive(name)} onBlur={() => setActive(null)} onMouseEnter={() => setActive(name)} onMouseLeave={() => setActive(null)}>
        <TextField path={name} label={FIELD_LABELS[name]} value={draft[name]} errors={errors} hint={hint} inputMode={options.inputMode} maxLength={options.maxLength} onChange={(value) => set(name, value)} />
      </div>
    );
  }

  const title = amend ? `Changer de compte — mandat ${amend.rum}` : 'Mettre en place le prélèvement';
  const reader = (
    <div className="scan-reading" aria-busy={readingBusy}>
      <ScanPicker documents={documents} busy={busy} error={scanError ?? errors.scan ?? null} onFile={(file) => void readFile(file)} onDocument={(documentId) => void read({ kind: 'document', documentId })} />
      {readingBusy ? (
        <div className="scan-progress" role="status">
          <progress
            aria-label={progress?.label ?? 'Lecture du RIB'}
            {...(progress && progress.total > 0 ? { value: progress.done, max: progress.total } : {})}
          />
          <span>{progress ? `${progress.label}${progress.total > 0 ? ` — ${Math.round((progress.done / progress.total) * 100)} %` : ''}` : 'Lecture du RIB…'}</span>
        </div>
      ) : null}
    </div>
  );

  return (
    <Dialog id="mandate-dialog" title={title} onClose={close}>
      <form
        className="mandate-form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        {amend ? <p>Le mandat garde sa référence (RUM) et sa signature ; l’ancien compte reste dans son historique.</p> : null}
        <div className={`mandate-layout${reading && reading.pages.length > 0 ? ' with-scan' : ''}`}>
          {reading && reading.pages.length > 0 ? (
            <div className="mandate-scan">
              <ScanPreview reading={reading} active={active} onHover={setActive} />
            </div>
          ) : null}
          <div className="mandate-fields">
            {reader}
            {reading?.notice ? (
              <p className="banner banner-warning" role="status">
                {reading.notice}
              </p>
            ) : null}
            {reading?.warnings.map((warning) => (
              <p key={warning} className="banner banner-warning" role="status">
                {warning}
              </p>
            ))}
            {reading && !reading.notice ? <p className="muted">Vérifiez chaque valeur avec le RIB : survolez ou sélectionnez un champ pour voir où il a été lu.</p> : null}
            <fieldset className="plain-fieldset">
              <legend>Compte à débiter</legend>
              <div className="form-grid mandate-grid">
                {field('holder', { wide: true })}
                {field('iban', { maxLength: 42, wide: true })}
                {field('bic', { maxLength: 14 })}
                {field('bankName', { maxLength: 70 })}
              </div>
            </fieldset>
            <fieldset className="plain-fieldset">
              <legend>RIB (facultatif, vérifié avec l’IBAN)</legend>
              <div className="form-grid rib-grid">
                {field('banque', { inputMode: 'numeric', maxLength: 5 })}
                {field('guichet', { inputMode: 'numeric', maxLength: 5 })}
                {field('compte', { maxLength: 11 })}
                {field('cle', { inputMode: 'numeric', maxLength: 2 })}
              </div>
            </fieldset>
          </div>
        </div>
        <ErrorBanner message={call.banner} />
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={busy} aria-busy={call.busy}>
            {call.busy ? 'Enregistrement…' : amend ? 'Enregistrer le nouveau compte' : 'Enregistrer le mandat'}
          </button>
          <button type="button" className="button" onClick={close} disabled={call.busy}>
            Annuler
          </button>
        </div>
      </form>
    </Dialog>
  );
}
