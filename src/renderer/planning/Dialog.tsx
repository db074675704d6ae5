import { useEffect, useRef, type ReactNode } from 'react';

/** A modal <dialog>: the browser traps focus and Escape closes it; focus returns to `returnFocus` afterwards. */
export function Dialog({
  title,
  id,
  onClose,
  children,
}: {
  title: string;
  id: string;
  onClose(): void;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={`${id}-title`}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
    </dialog>
  );
}
