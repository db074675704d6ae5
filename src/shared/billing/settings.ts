import type { QfRule } from './qf.js';
import type { InvoiceIssuer } from './invoice.js';

/**
 * The office's billing settings (Paramètres › Facturation), stored as the JSON of the settings row 'billing.settings':
 * the rule choosing the QF, when invoices fall due, and the issuer printed on every invoice.
 */
export interface BillingSettings {
  qfRule: QfRule;
  /** An invoice is due this many days after its issue date (DOMAIN.md: typically 30). */
  dueDays: number;
  issuer: InvoiceIssuer;
}

export const BILLING_SETTINGS_KEY = 'billing.settings';

export const DEFAULT_APPEAL =
  'Vous disposez d’un délai de deux mois suivant la réception de cette facture pour contester la somme en saisissant ' +
  'directement le tribunal judiciaire ou le tribunal administratif compétent selon la nature de la créance ' +
  '(article L1617-5 du code général des collectivités territoriales).\n\n' +
  'Une réclamation amiable ne suspend pas le délai de recours. Pour toute question sur cette facture, adressez-vous ' +
  'à la régie aux heures d’ouverture.';

/** What a new office starts with; the demo commune's issuer. Every field can be changed in Paramètres. */
export const DEFAULT_BILLING_SETTINGS: Readonly<BillingSettings> = {
  qfRule: 'caf_first',
  dueDays: 30,
  issuer: {
    communeName: 'Commune d’Epagny Metz-Tessy',
    address: ['Place de la Mairie', '74330 Epagny Metz-Tessy'],
    siret: '21740112600017',
    regieName: 'Régie de recettes Enfance Jeunesse',
    regieAddress: ['15 rue de la Grenette', '74370 Epagny Metz-Tessy'],
    regieHours: 'Lundi et vendredi 8h30-12h00, mardi et jeudi 13h30-17h30, mercredi 8h30-12h00 et 13h30-17h30',
    phone: '04 50 22 98 19',
    email: 'enfance-jeunesse@epagnymetztesy.fr',
    signatoryName: 'Roland DAVIET',
    signatoryQuality: 'Maire',
    payfipId: '012345',
    chequeOrder: 'Trésor public',
    appeal: DEFAULT_APPEAL,
  },
};
