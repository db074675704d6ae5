import { useState } from 'react';
import type { DocumentSummary } from '../../shared/api/contract.js';
import { DOCUMENT_KINDS } from '../../shared/families/input.js';
import { fieldId } from '../components/fields.js';
import { FileInput } from '../components/FileInput.js';
import { frenchDay } from '../lib/format.js';

/**
 * Where the scanned RIB comes from: a file chosen in the file dialog, a file dropped on the zone (from the scanner's
 * folder, the e-mail it came with), or a document already attached to the family (a RIB, a PDF or an image). The
 * office judges the file itself (a PDF or an image, read locally): its refusal is shown under the zone (`error`).
 */

/** The family's documents a RIB may be read from: those filed as RIB first, then any PDF or image. */
export function scanCandidates(documents: readonly DocumentSummary[]): DocumentSummary[] {
  const readable = documents.filter((document) => document.kind === 'rib' || document.mime === 'application/pdf' || document.mime.startsWith('image/'));
  return [...readable].sort((a, b) => Number(b.kind === 'rib') - Number(a.kind === 'rib') || b.documentDate.localeCompare(a.documentDate));
}

export function ScanPicker({
  documents,
  busy,
  error,
  onFile,
  onDocument,
}: {
  documents: readonly DocumentSummary[];
  busy: boolean;
  error: string | null;
  onFile(file: File): void;
  onDocument(documentId: number): void;
}) {
  const [over, setOver] = useState(false);
  // The file being read, picked or dropped: named beside the button.
  const [chosen, setChosen] = useState<string | null>(null);
  const candidates = scanCandidates(documents);
  const [documentId, setDocumentId] = useState<string>(candidates[0] ? String(candidates[0].id) : '');
  const errorId = `${fieldId('scan')}-error`;

  return (
    <div className="scan-picker">
      <div
        className={`scan-drop${over ? ' scan-drop-over' : ''}${error ? ' scan-drop-invalid' : ''}`}
        data-testid="scan-drop"
        role="group"
        aria-labelledby="scan-drop-title"
        aria-describedby={error ? errorId : undefined}
        onDragEnter={(event) => {
          event.preventDefault();
          setOver(true);
        }}
        onDragOver={(event) => {
          event.preventDefault();
          event.dataTransfer.dropEffect = 'copy';
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(event) => {
          event.preventDefault();
          setOver(false);
          const file = event.dataTransfer.files[0];
          if (file && !busy) {
            setChosen(file.name);
            onFile(file);
          }
        }}
      >
        <p id="scan-drop-title">
          <strong>Déposez ici le RIB numérisé</strong> (PDF ou image), ou
        </p>
        <FileInput
          id={fieldId('scan')}
          accept="application/pdf,image/*"
          disabled={busy}
          invalid={Boolean(error)}
          describedBy={error ? errorId : undefined}
          fileName={chosen}
          clearAfterPick
          onFile={(file) => {
            if (!file) return;
            setChosen(file.name);
            onFile(file);
          }}
        />
      </div>
      {error ? (
        <p className="field-error" id={errorId} role="alert">
          {error}
        </p>
      ) : null}
      {candidates.length > 0 ? (
        <div className="scan-documents">
          <label htmlFor={fieldId('scanDocument')}>Ou un document du dossier</label>
          <select id={fieldId('scanDocument')} value={documentId} disabled={busy} onChange={(event) => setDocumentId(event.target.value)}>
            {candidates.map((document) => (
              <option key={document.id} value={document.id}>
                {DOCUMENT_KINDS[document.kind] ?? document.kind} — {document.label} ({document.fileName}, {frenchDay(document.documentDate)})
              </option>
            ))}
          </select>
          <button type="button" className="button small" disabled={busy || documentId === ''} onClick={() => onDocument(Number(documentId))}>
            Lire ce document
          </button>
        </div>
      ) : null}
    </div>
  );
}
