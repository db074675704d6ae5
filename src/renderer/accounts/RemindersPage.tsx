/** Placeholder until the issue 11 work lands here. */
export function RemindersPage() {
  const t = 'Relances';
  return <p>{t}</p>;
}
