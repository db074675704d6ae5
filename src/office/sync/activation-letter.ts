import type { Content, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import type { InvoiceIssuer } from '../../shared/billing/invoice.js';
import { formatInstantLongFr, monthNameFr } from '../../shared/calendar/format.js';
import { renderPdf } from '../../server/pdfmake.js';

/**
 * The portal activation letter (« Courrier d'activation du portail famille »), one A4 page to post in a window
 * envelope: the commune's service as sender, the responsable's name and postal address where a French window envelope
 * shows it (La Poste's DL/C5 window: 100 mm from the left, 50 mm from the top, about 90 × 45 mm), the place and date,
 * then how to activate with the one-time code. The sender is the commune as Paramètres › Facturation names it.
 */

export interface ActivationLetter {
  issuer: InvoiceIssuer;
  /** Day of the letter, ISO. */
  day: string;
  recipient: { civilite: string; prenom: string; nom: string; address: string[] };
  email: string;
  code: string;
  expiresAt: string;
  /** Empty while the portal is not configured: the letter then says the service will give the address. */
  portalUrl: string;
}

const MM = 72 / 25.4;

/** « Epagny Metz-Tessy, le 30 novembre 2026 »: the town from the commune's last address line « 74330 Epagny ». */
export function placeAndDate(address: readonly string[], day: string): string {
  const date = Number(day.slice(8, 10));
  const written = `${date === 1 ? '1er' : date} ${monthNameFr(day)} ${day.slice(0, 4)}`;
  const town = /^\d{5}\s+(.+)$/.exec(address[address.length - 1]?.trim() ?? '')?.[1];
  return town ? `${town}, le ${written}` : `Le ${written}`;
}

export function activationLetterDocument(letter: ActivationLetter): TDocumentDefinitions {
  const { issuer, recipient } = letter;
  const address = letter.portalUrl ? `${letter.portalUrl}/activation` : '';
  const name = [recipient.civilite, recipient.prenom, recipient.nom.toLocaleUpperCase('fr-FR')].filter(Boolean).join(' ');
  const sender: Content = {
    // The sender's block, top left, beside (never under) the window.
    absolutePosition: { x: 20 * MM, y: 15 * MM },
    columns: [{ width: 80 * MM, stack: [
      { text: issuer.communeName, bold: true, fontSize: 11 },
      { text: 'Service Enfance Jeunesse' },
      ...issuer.address.map((line) => ({ text: line })),
      ...(issuer.phone ? [{ text: `Tél. ${issuer.phone}` }] : []),
      ...(issuer.email ? [{ text: issuer.email }] : []),
    ] }],
    fontSize: 9,
    color: '#1a1a1a',
  };
  const window: Content = {
    // Absolutely placed: whatever the sender block's height, the address stays in the envelope's window.
    absolutePosition: { x: 105 * MM, y: 52 * MM },
    columns: [{ width: 85 * MM, stack: [{ text: name, bold: true }, ...recipient.address.map((line) => ({ text: line }))] }],
    fontSize: 10.5,
  };
  const steps: Content = {
    ol: [
      address ? { text: ['rendez-vous à l’adresse ', { text: address, bold: true }, ' ;'] } : 'rendez-vous à l’adresse du portail que le service vous communiquera ;',
      { text: ['saisissez votre adresse e-mail : ', { text: letter.email, bold: true }, ' ;'] },
      { text: ['saisissez le code d’activation : ', { text: letter.code, bold: true, fontSize: 13, characterSpacing: 1 }, ' ;'] },
      'choisissez votre mot de passe (10 caractères au moins).',
    ],
    margin: [0, 4, 0, 8],
    lineHeight: 1.3,
  };
  return {
    pageSize: 'A4',
    pageMargins: [20 * MM, 15 * MM, 20 * MM, 15 * MM],
    info: { title: 'Courrier d’activation du portail famille', author: issuer.communeName, creator: 'Grenette' },
    defaultStyle: { font: 'Roboto', fontSize: 10, lineHeight: 1.15, color: '#1a1a1a' },
    content: [
      sender,
      window,
      // The letter itself starts under the envelope's window (100 mm from the top of the page).
      { text: placeAndDate(issuer.address, letter.day), alignment: 'right', margin: [0, 100 * MM - 15 * MM, 0, 14] },
      { text: 'Objet : activation de votre accès au portail famille', bold: true, margin: [0, 0, 0, 12] },
      { text: 'Madame, Monsieur,', margin: [0, 0, 0, 8] },
      {
        text:
          'Le portail famille vous permet de suivre et de modifier les réservations de vos enfants (restauration scolaire, ' +
          'accueils périscolaires et de loisirs), de déclarer leurs absences, de consulter vos factures et votre compte. ' +
          'Pour activer votre accès :',
      },
      steps,
      {
        text:
          `Ce code ne sert qu’une fois et reste valable jusqu’au ${formatInstantLongFr(letter.expiresAt)}. Passé ce délai, ` +
          'demandez-en un nouveau au service. Ne le communiquez à personne : le service ne vous le demandera jamais.',
        margin: [0, 0, 0, 8],
      },
      ...(issuer.regieHours ? [{ text: `Le service vous accueille ${issuer.regieHours.replace(/^./, (c) => c.toLowerCase()).replace(/\.?$/, '.')}`, margin: [0, 0, 0, 8] as [number, number, number, number] }] : []),
      { text: 'Nous vous prions d’agréer, Madame, Monsieur, nos salutations distinguées.', margin: [0, 0, 0, 20] },
      {
        stack: [{ text: issuer.signatoryQuality }, { text: issuer.signatoryName, bold: true }],
        alignment: 'right',
      },
    ],
  };
}

export function activationLetterPdf(letter: ActivationLetter): Promise<Buffer> {
  return renderPdf(activationLetterDocument(letter));
}
