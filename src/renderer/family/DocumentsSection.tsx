import { useRef, useState } from 'react';
import { DOCUMENT_MAX_BYTES, DOCUMENT_TOO_BIG_MESSAGE } from '../../shared/files/limits.js';
import type { DocumentSummary } from '../../shared/api/contract.js';
import { DOCUMENT_KINDS, type DocumentKind } from '../../shared/families/input.js';
import { dayProblem } from '../../shared/validation/fields.js';
import { api } from '../api/bridge.js';
import { useApi } from '../api/useApi.js';
import { ErrorBanner, SuccessNote } from '../components/Banner.js';
import { DateField, fieldId, SelectField, TextField } from '../components/fields.js';
import { FileInput } from '../components/FileInput.js';
import { downloadFile, readAsBase64 } from '../lib/files.js';
import { frenchDay, todayInParis } from '../lib/format.js';
import { useUnsavedChanges } from '../lib/unsaved.js';


export function DocumentsSection({
  familyId,
  documents,
  canEdit,
  onAdded,
}: {
  familyId: number;
  documents: DocumentSummary[];
  canEdit: boolean;
  onAdded(): void;
}) {
  const [kind, setKind] = useState<DocumentKind>('avis_imposition');
  const [label, setLabel] = useState('');
  const [documentDate, setDocumentDate] = useState(todayInParis());
  const [file, setFile] = useState<File | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const call = useApi();
  const opener = useApi();
  // A label typed or a file chosen and not added yet: leaving asks first.
  useUnsavedChanges(label.trim() !== '' || file !== null);

  async function add() {
    setSaved(null);
    const dateProblem = dayProblem(documentDate, 'La date du document', 'Indiquez la date du document.');
    if (dateProblem) {
      call.setFields({ documentDate: dateProblem });
      return;
    }
    if (!file) {
      call.setFields({ file: 'Choisissez le fichier numérisé.' });
      return;
    }
    if (file.size > DOCUMENT_MAX_BYTES) {
      call.setFields({ file: DOCUMENT_TOO_BIG_MESSAGE });
      return;
    }
    const base64 = await readAsBase64(file);
    const added = await call.run(() =>
      api.call('documents.add', {
        familyId,
        kind,
        label: label.trim() || DOCUMENT_KINDS[kind],
        documentDate,
        fileName: file.name,
        mime: file.type || 'application/octet-stream',
        base64,
      }),
    );
    if (added) {
      setSaved('Document ajouté.');
      setLabel('');
      setFile(null);
      if (fileInput.current) fileInput.current.value = '';
      onAdded();
    }
  }

  async function open(document: DocumentSummary) {
    const content = await opener.run(() => api.call('documents.get', { id: document.id }));
    if (content) downloadFile(content);
  }

  return (
    <section className="card" aria-labelledby="documents-title">
      <div className="card-header">
        <h2 id="documents-title">Documents</h2>
      </div>
      {documents.length === 0 ? (
        <p className="muted">Aucun document.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Type</th>
              <th scope="col">Libellé</th>
              <th scope="col">Date</th>
              <th scope="col">Fichier</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {documents.map((document) => (
              <tr key={document.id}>
                <td>{DOCUMENT_KINDS[document.kind] ?? document.kind}</td>
                <td>{document.label}</td>
                <td>{frenchDay(document.documentDate)}</td>
                <td>
                  {document.fileName} <span className="muted">({Math.max(1, Math.round(document.size / 1024))} Ko)</span>
                </td>
                <td>
                  <button type="button" className="button small" onClick={() => void open(document)}>
                    Ouvrir
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ErrorBanner message={opener.banner} />
      {canEdit ? (
        <form
          className="subpanel"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void add();
          }}
        >
          <h3>Ajouter un document numérisé</h3>
          <div className="form-grid">
            <SelectField path="kind" errors={call.fields} label="Type de document" value={kind} options={DOCUMENT_KINDS} onChange={setKind} />
            <TextField path="label" errors={call.fields} label="Libellé" value={label} onChange={setLabel} />
            <DateField path="documentDate" errors={call.fields} label="Date du document" value={documentDate} onChange={setDocumentDate} />
            <div className={`field ${call.fields.file ? 'field-invalid' : ''}`}>
              <label htmlFor={fieldId('file')}>Fichier</label>
              <FileInput
                id={fieldId('file')}
                inputRef={fileInput}
                accept="application/pdf,image/jpeg,image/png"
                invalid={Boolean(call.fields.file)}
                describedBy={call.fields.file ? `${fieldId('file')}-error` : undefined}
                fileName={file?.name ?? null}
                onFile={setFile}
              />
              {call.fields.file ? (
                <span className="field-error" id={`${fieldId('file')}-error`}>
                  {call.fields.file}
                </span>
              ) : null}
            </div>
          </div>
          <ErrorBanner message={call.banner} />
          <div className="form-actions">
            <button type="submit" className="button" disabled={call.busy}>
              Ajouter le document
            </button>
            <SuccessNote message={saved} />
          </div>
        </form>
      ) : null}
    </section>
  );
}
