import { useRef, useState } from 'react';
import type { ChildFile } from '../../shared/api/contract.js';
import { api } from '../api/bridge.js';
import { useApi } from '../api/useApi.js';
import { ErrorBanner, SuccessNote } from '../components/Banner.js';
import { fieldId } from '../components/fields.js';
import { FileInput } from '../components/FileInput.js';
import { NOT_AN_IMAGE, resizeImage } from '../lib/files.js';

export function PhotoSection({ child, canEdit, onChanged }: { child: ChildFile; canEdit: boolean; onChanged(file: ChildFile): void }) {
  const call = useApi();
  const [saved, setSaved] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const id = fieldId('photo');
  const error = call.fields.photo;

  async function choose(file: File | undefined) {
    setSaved(null);
    call.clear();
    if (!file) return;
    // The browser decoding it is the real test: extensions and declared types can lie.
    const resized = await resizeImage(file);
    if (!resized) {
      call.setFields({ photo: NOT_AN_IMAGE });
      if (input.current) input.current.value = '';
      return;
    }
    const updated = await call.run(() => api.call('children.setPhoto', { id: child.id, mime: resized.mime, base64: resized.base64 }));
    if (updated) {
      onChanged(updated);
      setSaved('Photo enregistrée.');
    }
    if (input.current) input.current.value = '';
  }

  return (
    <section className="card" aria-labelledby="photo-title">
      <div className="card-header">
        <h2 id="photo-title">Photo</h2>
      </div>
      <div className="photo-row">
        {child.photo ? (
          <img className="photo" src={`data:${child.photo.mime};base64,${child.photo.base64}`} alt={`Photo de ${child.data.identity.prenom} ${child.data.identity.nom}`} />
        ) : (
          <div className="photo photo-empty" aria-hidden="true">
            Pas de photo
          </div>
        )}
        {canEdit ? (
          <div className={`field ${error ? 'field-invalid' : ''}`}>
            <label htmlFor={id}>Choisir une photo</label>
            <FileInput
              id={id}
              inputRef={input}
              accept="image/jpeg,image/png,image/webp"
              disabled={call.busy}
              invalid={Boolean(error)}
              describedBy={error ? `${id}-error` : `${id}-hint`}
              onFile={(file) => void choose(file ?? undefined)}
            />
            <span className="field-hint" id={`${id}-hint`}>
              JPEG, PNG ou WebP ; elle est réduite à 600 pixels.
            </span>
            {error ? (
              <span className="field-error" id={`${id}-error`}>
                {error}
              </span>
            ) : null}
            <SuccessNote message={saved} />
          </div>
        ) : null}
      </div>
      <ErrorBanner message={call.banner} />
    </section>
  );
}
