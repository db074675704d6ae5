export function ErrorBanner({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <div className="banner banner-error" role="alert">
      {message}
    </div>
  );
}

export function SuccessNote({ message }: { message: string | null }) {
  return (
    <span className="success-note" role="status" aria-live="polite">
      {message ?? ''}
    </span>
  );
}
