import { useEffect, useState } from 'react';
import { ROLES, type SessionUser } from '../shared/auth/roles.js';
import { api, onSignedOut } from './api/bridge.js';
import { PermissionsProvider, useCan } from './api/permissions.js';
import { BillingPage } from './billing/BillingPage.js';
import { RegiePage } from './accounts/RegiePage.js';
import { REGIE_HREF, useRegiePage } from './accounts/routes.js';
import { BILLING_HREF, useBillingPage } from './billing/routes.js';
import { ChildFilePage } from './child/ChildFilePage.js';
import { NewChildPage } from './child/NewChildPage.js';
import { FamilyFilePage } from './family/FamilyFilePage.js';
import { NewFamilyPage } from './family/NewFamilyPage.js';
import { QfToUpdatePage } from './family/QfToUpdatePage.js';
import { ChildrenPage } from './pages/ChildrenPage.js';
import { FamiliesPage } from './pages/FamiliesPage.js';
import { LoginPage } from './pages/LoginPage.js';
import { routeHref, useRoute, type Route } from './lib/route.js';
import { setOfficeInstant } from './lib/today.js';
import { usePendingCount } from './requests/pendingCount.js';
import { QueuePage } from './requests/QueuePage.js';
import { EXTRA_HREF, useExtraPage } from './requests/routes.js';
import { SettingsPage, useSettingsTabs } from './settings/SettingsPage.js';
import { DayPage } from './planning/DayPage.js';
import { PLANNING_HREF, usePlanningPage } from './planning/useHashPage.js';
import { SyncIndicator } from './sync/SyncIndicator.js';
import { PasswordButton } from './users/PasswordDialog.js';

function Page({ route }: { route: Route }) {
  switch (route.name) {
    case 'families':
      return <FamiliesPage />;
    case 'newFamily':
      return <NewFamilyPage />;
    case 'family':
      return <FamilyFilePage key={route.id} id={route.id} />;
    case 'qfToUpdate':
      return <QfToUpdatePage />;
    case 'newChild':
      return <NewChildPage key={route.familyId} familyId={route.familyId} />;
    case 'children':
      return <ChildrenPage />;
    case 'child':
      return <ChildFilePage key={route.id} id={route.id} />;
  }
}

export function App() {
  const [user, setUser] = useState<SessionUser | null | undefined>(undefined);
  const pending = usePendingCount(Boolean(user));

  const [clockRead, setClockRead] = useState(false);

  useEffect(() => {
    void api.call('auth.me', {}).then((result) => setUser(result.ok ? result.value : null));
    // The office's clock first, so that every page opens on the office's today.
    const sentAt = Date.now();
    void api.call('clock.now', {}).then((result) => {
      const read = result.ok && setOfficeInstant(result.value.instant, sentAt, Date.now());
      if (!read) console.warn(`Horloge du bureau illisible (${result.ok ? result.value.instant : result.error.message}) : l'horloge de l'ordinateur est utilisée.`);
      setClockRead(true);
    });
    return onSignedOut(() => setUser(null));
  }, []);

  if (user === undefined || !clockRead) return <p className="muted page">Chargement…</p>;
  if (user === null) return <LoginPage onLoggedIn={setUser} />;
  const loading = <p className="muted page">Chargement…</p>;
  return (
    <PermissionsProvider userId={user.id} fallback={loading}>
      <Office user={user} pending={pending} onLoggedOut={() => setUser(null)} />
    </PermissionsProvider>
  );
}

/** The logged-in window; every action it offers is one the session's role may call (see PermissionsProvider). */
function Office({ user, pending, onLoggedOut }: { user: SessionUser; pending: number | null; onLoggedOut(): void }) {
  const route = useRoute();
  const extraPage = useExtraPage();
  const planningPage = usePlanningPage();
  const billingPage = useBillingPage();
  const regiePage = useRegiePage();
  const can = useCan();
  const settingsTabs = useSettingsTabs();

  const section = extraPage ?? planningPage ?? (billingPage ? 'billing' : null) ?? (regiePage ? 'regie' : null) ?? (route.name === 'children' || route.name === 'child' ? 'children' : 'families');
  return (
    <>
      <header className="topbar">
        <span className="brand">Grenette</span>
        <nav aria-label="Navigation principale" className="mainnav">
          <a href={routeHref({ name: 'families' })} aria-current={section === 'families' ? 'page' : undefined}>
            Familles
          </a>
          <a href={routeHref({ name: 'children' })} aria-current={section === 'children' ? 'page' : undefined}>
            Enfants
          </a>
          <a href={PLANNING_HREF.journee} aria-current={section === 'journee' ? 'page' : undefined}>
            Journée
          </a>
          <a href={EXTRA_HREF.queue} aria-current={extraPage === 'queue' ? 'page' : undefined}>
            Demandes
            {pending ? (
              <span className="nav-badge">
                {pending}
                <span className="visually-hidden"> en attente</span>
              </span>
            ) : null}
          </a>
          <a href={BILLING_HREF} aria-current={section === 'billing' ? 'page' : undefined}>
            Facturation
          </a>
          <a href={REGIE_HREF} aria-current={section === 'regie' ? 'page' : undefined}>
            Régie
          </a>
          {settingsTabs.length > 0 ? (
            <a href={EXTRA_HREF.settings} aria-current={extraPage === 'settings' ? 'page' : undefined}>
              Paramètres
            </a>
          ) : null}
        </nav>
        <SyncIndicator />
        <div className="user-box">
          <span className="user-name">{user.displayName}</span>
          <span className="user-role">{ROLES[user.role]}</span>
          <PasswordButton />
          <button
            type="button"
            className="button small"
            onClick={async () => {
              await api.call('auth.logout', {});
              onLoggedOut();
            }}
          >
            Déconnexion
          </button>
        </div>
      </header>
      {extraPage === 'queue' ? (
        <QueuePage />
      ) : extraPage === 'settings' ? (
        <SettingsPage />
      ) : billingPage ? (
        <BillingPage page={billingPage} />
      ) : regiePage ? (
        <RegiePage page={regiePage} />
      ) : (
        planningPage === 'journee' ? <DayPage canMark={can('planning.apply')} /> : <Page route={route} />
      )}
    </>
  );
}
