import { useState } from 'react';
import type { SessionUser } from '../../shared/auth/roles.js';
import { Tabs } from '../components/Tabs.js';
import { BillingSettingsForm } from './BillingSettingsForm.js';
import { CalendarSettings } from './CalendarSettings.js';
import { CustomFieldsSettings } from './CustomFieldsSettings.js';
import { EventForm } from './EventForm.js';
import { RefusalReasonsSettings } from './RefusalReasonsSettings.js';
import { ServicesSettings } from './ServicesSettings.js';
import { TariffsSettings } from './TariffsSettings.js';
import { PortalSettings } from '../sync/PortalSettings.js';
import { UsersSettings } from '../users/UsersSettings.js';

type Tab = 'services' | 'tarifs' | 'facturation' | 'calendrier' | 'motifs' | 'champs' | 'evenement' | 'portail' | 'utilisateurs';

const TABS: readonly [Tab, string][] = [
  ['services', 'Services'],
  ['tarifs', 'Tarifs'],
  ['facturation', 'Facturation'],
  ['calendrier', 'Calendrier'],
  ['motifs', 'Motifs de refus'],
  ['champs', 'Champs complémentaires'],
  ['evenement', 'Événement'],
  ['portail', 'Portail famille'],
  ['utilisateurs', 'Utilisateurs'],
];

/** The régisseur answers for the régie's receipts: they set the tariffs and the billing, nothing else here. */
const REGISSEUR_TABS: readonly Tab[] = ['tarifs', 'facturation'];

export function SettingsPage({ user }: { user: SessionUser }) {
  const admin = user.role === 'admin';
  const tabs = admin ? TABS : TABS.filter(([key]) => REGISSEUR_TABS.includes(key));
  const [tab, setTab] = useState<Tab>(admin ? 'services' : 'tarifs');
  if (!admin && user.role !== 'regisseur') {
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
      <Tabs<Tab> idPrefix="settings" tabs={tabs} current={tab} onChange={setTab} />
      <div id="settings-panel" role="tabpanel" aria-labelledby={`settings-tab-${tab}`}>
        {tab === 'services' ? <ServicesSettings /> : null}
        {tab === 'tarifs' ? <TariffsSettings canEdit /> : null}
        {tab === 'facturation' ? <BillingSettingsForm canEdit /> : null}
        {tab === 'calendrier' ? <CalendarSettings /> : null}
        {tab === 'motifs' ? <RefusalReasonsSettings /> : null}
        {tab === 'champs' ? <CustomFieldsSettings /> : null}
        {tab === 'evenement' ? <EventForm /> : null}
        {tab === 'portail' ? <PortalSettings /> : null}
        {tab === 'utilisateurs' ? <UsersSettings /> : null}
      </div>
    </main>
  );
}
