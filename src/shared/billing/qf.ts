import { isIsoDay } from '../calendar/days.js';
import { formatDayShortFr } from '../calendar/format.js';
import { groupThousands } from '../money.js';

/**
 * The family quotient (QF) in force on a day, once for the family file, the grids, the portal and the invoice run.
 *
 * Use: give the family's proofs (the office record's `caf` and `fiscal` parts fit as they are), the day billed or
 * shown, and the office's rule from Paramètres. The answer says which proof was used and why, in French, for an agent
 * answering « pourquoi ce tarif ? ». A null QF means no usable proof: the caller applies the highest bracket (or the
 * taux d'effort maximum, see tariffs.ts unitPrice, which does it when given qf null) and lists the family in
 * « QF à mettre à jour » (`flagged`).
 *
 * QF values are whole euros, as the CAF states them.
 */

/** Which proof the office prefers: the CAF/MSA quotient, the tax notice, or whichever gives the lower QF. */
export type QfRule = 'caf_first' | 'tax_first' | 'lowest';

export const QF_RULES: Record<QfRule, string> = {
  caf_first: 'Quotient CAF/MSA en priorité, sinon avis d’imposition',
  tax_first: 'Avis d’imposition en priorité, sinon quotient CAF/MSA',
  lowest: 'Le plus bas des deux',
};

/** The proofs a family record holds; FamilyData (families/input.ts) is accepted as it is. */
export interface QfProofs {
  caf: { regime?: string; qf: number | null; qfValidUntil: string | null };
  fiscal: { rfrCents: number | null; partsX100: number | null; year: number | null };
}

export type QfSource = 'caf' | 'tax';

export interface QfInForce {
  /** Whole euros; null when no proof is usable on the day. */
  qf: number | null;
  source: QfSource | null;
  /** True exactly when qf is null: the highest bracket applies and the family must update its proof. */
  flagged: boolean;
  /** One French sentence, shown as it is. */
  why: string;
}

/**
 * A tax notice serves while the year of the income it declares is at most this many years before the day's year:
 * for a day of 2027, a notice on 2025 income (avis 2026) or 2026 income serves, one on 2024 income does not.
 * `fiscal.year` is read as that income year (« revenus 2025 »), not the year the notice was sent.
 * A later income year than the day's (a month re-billed after a newer notice came) is accepted: it is still the
 * family's latest proof.
 */
export const TAX_NOTICE_MAX_AGE_YEARS = 2;

/**
 * QF from the tax notice: revenu fiscal de référence / 12 / number of parts, rounded DOWN to a whole euro (the family
 * is never put in a higher bracket by a fraction of a euro). With cents and parts ×100 this is exactly
 * floor(rfrCents / (12 × partsX100)), computed on integers: 32 450,50 € and 2,5 parts → 3 245 050 / 3 000 → 1 081.
 */
export function qfFromTaxNotice(rfrCents: number, partsX100: number): number {
  if (!Number.isSafeInteger(rfrCents) || rfrCents < 0) throw new Error(`Not an income in cents: ${rfrCents}`);
  if (!Number.isSafeInteger(partsX100) || partsX100 <= 0) throw new Error(`Not a number of parts ×100: ${partsX100}`);
  return Math.floor(rfrCents / (12 * partsX100));
}

type Reading = { ok: true; qf: number; text: string } | { ok: false; text: string };

function readCaf(caf: QfProofs['caf'], day: string): Reading {
  const name = caf.regime === 'MSA' ? 'MSA' : 'CAF';
  if (caf.qf === null) return { ok: false, text: `aucun quotient ${name}` };
  // Without a validity date nothing says the quotient still holds: it is treated as missing proof, never as eternal.
  if (caf.qfValidUntil === null) return { ok: false, text: `quotient ${name} ${groupThousands(caf.qf)} sans date de validité` };
  // Valid until that day included.
  if (caf.qfValidUntil < day) {
    return { ok: false, text: `quotient ${name} ${groupThousands(caf.qf)} expiré le ${formatDayShortFr(caf.qfValidUntil)}` };
  }
  return { ok: true, qf: caf.qf, text: `quotient ${name} ${groupThousands(caf.qf)} valable jusqu’au ${formatDayShortFr(caf.qfValidUntil)}` };
}

function readTax(fiscal: QfProofs['fiscal'], day: string): Reading {
  const { rfrCents, partsX100, year } = fiscal;
  if (rfrCents === null || partsX100 === null || year === null) return { ok: false, text: 'aucun avis d’imposition complet' };
  const dayYear = Number(day.slice(0, 4));
  if (dayYear - year > TAX_NOTICE_MAX_AGE_YEARS) {
    return { ok: false, text: `avis d’imposition sur les revenus ${year} trop ancien (plus de ${TAX_NOTICE_MAX_AGE_YEARS} ans)` };
  }
  const qf = qfFromTaxNotice(rfrCents, partsX100);
  return { ok: true, qf, text: `avis d’imposition sur les revenus ${year}` };
}

const capital = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** The QF in force on `day` (ISO) under the office's rule. */
export function qfInForce(proofs: QfProofs, day: string, rule: QfRule): QfInForce {
  if (!isIsoDay(day)) throw new Error(`Not an ISO day: ${day}`);
  const caf = readCaf(proofs.caf, day);
  const tax = readTax(proofs.fiscal, day);
  const chosen = (source: QfSource, reading: Reading & { ok: true }, note: string): QfInForce => ({
    qf: reading.qf,
    source,
    flagged: false,
    why: `QF ${groupThousands(reading.qf)} : ${reading.text}${note}.`,
  });

  if (rule === 'lowest') {
    if (caf.ok && tax.ok) {
      // On a tie the CAF quotient is named: it is the proof the CAF itself vouches for.
      return tax.qf < caf.qf
        ? chosen('tax', tax, `, plus bas que le ${caf.text}`)
        : chosen('caf', caf, `, ${tax.qf === caf.qf ? 'égal à' : 'plus bas que'} l’${tax.text} (QF ${groupThousands(tax.qf)})`);
    }
    if (caf.ok) return chosen('caf', caf, ` (${tax.text})`);
    if (tax.ok) return chosen('tax', tax, ` (${caf.text})`);
  } else {
    const [first, second] = rule === 'caf_first' ? [caf, tax] : [tax, caf];
    const [firstSource, secondSource]: [QfSource, QfSource] = rule === 'caf_first' ? ['caf', 'tax'] : ['tax', 'caf'];
    if (first.ok) return chosen(firstSource, first, '');
    if (second.ok) return chosen(secondSource, second, ` (${first.text})`);
  }
  return {
    qf: null,
    source: null,
    flagged: true,
    why: `${capital(caf.text)} et ${tax.text} : tranche la plus haute appliquée, justificatif à mettre à jour.`,
  };
}
