/** Placeholder until the issue 11 work lands here. */
export function CashJournalPage({ day }: { day: string | null }) {
  const t = 'Journal de caisse';
  return <p>{t}{day ?? ''}</p>;
}
