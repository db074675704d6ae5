import { useState, type Ref } from 'react';

/**
 * The office's file picker, in French whatever the computer's language: the browser's own <input type="file"> draws
 * « Choose File / No file chosen » in Electron's language. The real input stays in the page (hidden to the eye, still
 * focusable and labelled by the form's <label for>), a label styled as a button opens it, and the chosen file's name
 * or « Aucun fichier choisi » is written beside it. Every file input of the office goes through here.
 */
export function FileInput({
  id,
  accept,
  disabled,
  invalid,
  describedBy,
  inputRef,
  fileName,
  buttonText = 'Choisir un fichier…',
  clearAfterPick,
  onFile,
}: {
  id: string;
  accept: string;
  disabled?: boolean;
  invalid?: boolean;
  describedBy?: string;
  inputRef?: Ref<HTMLInputElement>;
  /** The file the form holds, when it holds one (null once cleared); left out, the last file picked is shown. */
  fileName?: string | null;
  buttonText?: string;
  /** Emptied once read, so that the same file picked again (after a refusal) is read again. */
  clearAfterPick?: boolean;
  onFile(file: File | null): void;
}) {
  const [picked, setPicked] = useState<string | null>(null);
  const shown = fileName === undefined ? picked : fileName;
  return (
    <span className="file-input">
      <input
        id={id}
        ref={inputRef}
        className="visually-hidden"
        type="file"
        accept={accept}
        disabled={disabled}
        aria-invalid={invalid ? true : undefined}
        aria-describedby={describedBy}
        onChange={(event) => {
          const file = event.target.files?.[0] ?? null;
          setPicked(file?.name ?? null);
          if (clearAfterPick) event.target.value = '';
          onFile(file);
        }}
      />
      <label htmlFor={id} className="button small">
        {buttonText}
      </label>
      <span className="file-input-name">{shown ?? 'Aucun fichier choisi'}</span>
    </span>
  );
}
