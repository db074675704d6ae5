import { useState } from 'react';
import type { OfficeMethod } from '../../shared/api/contract.js';
import { useCan } from '../api/permissions.js';
import { Tabs } from '../components/Tabs.js';
import { BillingSettingsForm } from './BillingSettingsForm.js';
import { CalendarSettings } from './CalendarSettings.js';
import { CustomFieldsSettings } from './CustomFieldsSettings.js';
import { EventForm } from './EventForm.js';
import { RefusalReasonsSettings } from './RefusalReasonsSettings.js';
import { ServicesSettings } from './ServicesSettings.js';
import { TariffsSettings } from './TariffsSettings.js';
import { IbanKeyExport } from '../sepa/IbanKeyExport.js';
import { SepaSettingsForm } from '../sepa/SepaSettingsForm.js';
import { PortalSettings } from '../sync/PortalSettings.js';
import { UsersSettings } from '../users/UsersSettings.js';

type Tab = 'services' | 'tarifs' | 'facturation' | 'prelevement' | 'calendrier' | 'motifs' | 'champs' | 'evenement' | 'portail' | 'utilisateurs';

/**
 * Each tab with the office method that saves it: a tab is shown to the roles the office lets save it (the régisseur:
 * tariffs and billing). The collective absence is the desk's too, but it is declared from the calendar's settings,
 * which are the administrator's.
 */
const TABS: readonly { key: Tab; label: string; saves: readonly OfficeMethod[] }[] = [
  { key: 'services', label: 'Services', saves: ['services.save'] },
  { key: 'tarifs', label: 'Tarifs', saves: ['tariffs.save'] },
  { key: 'facturation', label: 'Facturation', saves: ['billing.saveSettings'] },
  { key: 'prelevement', label: 'Prélèvement', saves: ['sepa.saveSettings'] },
  { key: 'calendrier', label: 'Calendrier', saves: ['calendar.savePeriod'] },
  { key: 'motifs', label: 'Motifs de refus', saves: ['refusalReasons.save'] },
  { key: 'champs', label: 'Champs complémentaires', saves: ['customFields.save'] },
  { key: 'evenement', label: 'Événement', saves: ['events.declareAbsence', 'calendar.savePeriod'] },
  { key: 'portail', label: 'Portail famille', saves: ['sync.configure'] },
  { key: 'utilisateurs', label: 'Utilisateurs', saves: ['users.save'] },
];

/** The settings tabs the session may use; none: no « Paramètres » in the top bar. */
export function useSettingsTabs(): readonly [Tab, string][] {
  const can = useCan();
  return TABS.filter((tab) => tab.saves.every(can)).map((tab) => [tab.key, tab.label]);
}

export function SettingsPage() {
  const tabs = useSettingsTabs();
  const [tab, setTab] = useState<Tab>(tabs[0]?.[0] ?? 'services');
  if (tabs.length === 0) {
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
        {tab === 'prelevement' ? <SepaSettingsForm canEdit /> : null}
        {tab === 'prelevement' ? <IbanKeyExport /> : null}
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
