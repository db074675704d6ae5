import { useCan } from '../api/permissions.js';
import { Tabs } from '../components/Tabs.js';
import { BatchesPage } from '../sepa/BatchesPage.js';
import { AccountsPage } from './AccountsPage.js';
import { CashJournalPage } from './CashJournalPage.js';
import { RemindersPage } from './RemindersPage.js';
import { regieHref, type RegiePage as Page, type RegieTab } from './routes.js';

const TABS: readonly [RegieTab, string][] = [
  ['comptes', 'Comptes'],
  ['caisse', 'Journal de caisse'],
  ['relances', 'Relances'],
  ['prelevements', 'Prélèvements'],
];

/** « Régie »: the families' accounts, the day's cash journal, the reminders, the direct debit batches. */
export function RegiePage({ page }: { page: Page }) {
  const can = useCan();
  // « Prélèvements » for the roles the office lets read the batches.
  const tabs = can('sepa.batches') ? TABS : TABS.filter(([tab]) => tab !== 'prelevements');
  // « Comptes » is a grid of every family: the page takes the window's width and height, the grid what is left of it.
  // The other tabs keep a page's width inside the same wide page, so the title and the tabs never move between tabs.
  return (
    <main className={page.tab === 'comptes' ? 'page page-grid regie-accounts' : 'page page-wide'}>
      <h1>Régie</h1>
      <Tabs tabs={tabs} current={page.tab} idPrefix="regie" onChange={(tab) => (window.location.hash = regieHref(tab))} />
      <div role="tabpanel" id="regie-panel" aria-labelledby={`regie-tab-${page.tab}`} className={page.tab === 'comptes' ? undefined : 'regie-panel-narrow'}>
        {page.tab === 'comptes' ? (
          <AccountsPage />
        ) : page.tab === 'caisse' ? (
          <CashJournalPage day={page.day} />
        ) : page.tab === 'prelevements' && can('sepa.batches') ? (
          <BatchesPage />
        ) : (
          <RemindersPage />
        )}
      </div>
    </main>
  );
}
