import { useState } from 'react';
import type { SessionUser } from '../../shared/auth/roles.js';
import { Tabs } from '../components/Tabs.js';
import { CalendarSettings } from './CalendarSettings.js';
import { EventForm } from './EventForm.js';
import { RefusalReasonsSettings } from './RefusalReasonsSettings.js';
import { ServicesSettings } from './ServicesSettings.js';
import { PortalSettings } from '../sync/PortalSettings.js';
import { UsersSettings } from '../users/UsersSettings.js';

type Tab = 'services' | 'calendrier' | 'motifs' | 'evenement' | 'portail' | 'utilisateurs';

const TABS: readonly [Tab, string][] = [
  ['services', 'Services'],
  ['calendrier', 'Calendrier'],
  ['motifs', 'Motifs de refus'],
  ['evenement', 'Événement'],
  ['portail', 'Portail famille'],
  ['utilisateurs', 'Utilisateurs'],
];

export function SettingsPage({ user }: { user: SessionUser }) {
  const [tab, setTab] = useState<Tab>('services');
  if (user.role !== 'admin') {
    return (
      <main className="page" aria-labelledby="page-title">
        <h1 id="page-title">Paramètres</h1>
        <p className="banner banner-error" role="alert">
          Les paramètres sont réservés aux administrateurs.
        </p>
      </main>
    );
  }
  return (
    <main className="page" aria-labelledby="page-title">
      <div className="page-header">
        <h1 id="page-title">Paramètres</h1>
      </div>
      <Tabs<Tab> idPrefix="settings" tabs={TABS} current={tab} onChange={setTab} />
      <div id="settings-panel" role="tabpanel" aria-labelledby={`settings-tab-${tab}`}>
        {tab === 'services' ? <ServicesSettings /> : null}
        {tab === 'calendrier' ? <CalendarSettings /> : null}
        {tab === 'motifs' ? <RefusalReasonsSettings /> : null}
        {tab === 'evenement' ? <EventForm /> : null}
        {tab === 'portail' ? <PortalSettings /> : null}
        {tab === 'utilisateurs' ? <UsersSettings /> : null}
      </div>
    </main>
  );
}
