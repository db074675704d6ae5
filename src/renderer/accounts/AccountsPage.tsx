/** Placeholder until the issue 11 work lands here. */
export function AccountsPage() {
  const t = 'Comptes des familles';
  return <p>{t}</p>;
}
