import { Tabs } from '../components/Tabs.js';
import { AccountsPage } from './AccountsPage.js';
import { CashJournalPage } from './CashJournalPage.js';
import { RemindersPage } from './RemindersPage.js';
import { regieHref, type RegiePage as Page, type RegieTab } from './routes.js';

const TABS: readonly [RegieTab, string][] = [
  ['comptes', 'Comptes'],
  ['caisse', 'Journal de caisse'],
  ['relances', 'Relances'],
];

/** « Régie »: the families' accounts, the day's cash journal, the reminders. */
export function RegiePage({ page }: { page: Page }) {
  return (
    <main className="page">
      <h1>Régie</h1>
      <Tabs tabs={TABS} current={page.tab} idPrefix="regie" onChange={(tab) => (window.location.hash = regieHref(tab))} />
      <div role="tabpanel" id="regie-panel" aria-labelledby={`regie-tab-${page.tab}`}>
        {page.tab === 'comptes' ? <AccountsPage /> : page.tab === 'caisse' ? <CashJournalPage day={page.day} /> : <RemindersPage />}
      </div>
    </main>
  );
}
