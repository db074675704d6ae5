/**
 * ISO 20022 reason codes of a rejected or returned direct debit (pain.002 / camt.054, EPC guidance), in French as the
 * régie shows them. Those a commune meets most come first in the list the reject dialog offers.
 */
export const REJECT_REASONS = {
  AM04: 'Provision insuffisante',
  AC04: 'Compte clôturé',
  MD01: 'Pas de mandat ou mandat invalide',
  MS02: 'Refus du débiteur (motif non communiqué)',
  MD06: 'Remboursement demandé par le débiteur',
  AC01: 'Numéro de compte (IBAN) incorrect',
  AC06: 'Compte bloqué',
  AG01: 'Prélèvement interdit sur ce compte',
  AG02: 'Code opération incorrect',
  BE05: 'Créancier inconnu',
  MD02: 'Informations du mandat manquantes ou incorrectes',
  MD07: 'Débiteur décédé',
  MS03: 'Motif non communiqué par la banque',
  RC01: 'BIC incorrect',
  RR01: 'Identification du débiteur manquante',
  RR02: 'Nom ou adresse du débiteur manquant',
  RR03: 'Nom ou adresse du créancier manquant',
  RR04: 'Motif réglementaire',
  SL01: 'Service spécifique de la banque du débiteur',
  FF01: 'Fichier ou opération invalide',
  AM05: 'Opération en double',
} as const;

export type RejectCode = keyof typeof REJECT_REASONS;

export const REJECT_CODES = Object.keys(REJECT_REASONS) as [RejectCode, ...RejectCode[]];

/** « AM04 · Provision insuffisante »; an unknown code is shown as it is, never hidden. */
export function rejectLabel(code: string): string {
  const label = (REJECT_REASONS as Record<string, string>)[code];
  return label ? `${code} · ${label}` : code;
}
