import type { Pain008Version } from '../../shared/api/sepa.js';
import { toSepaText } from '../../shared/sepa/charset.js';

/**
 * The pain.008 file of a collection batch (ISO 20022 customer direct debit initiation, SDD CORE), versions
 * pain.008.001.02 (the CFONB guide's) and pain.008.001.08 (the EPC rulebook's since 2024); both validated against the
 * official schemas in tests/integration/sepa-pain008.test.ts.
 *
 * Why our own writer and not the npm package `sepa` (3.0.0), which does produce valid files for both versions: it takes
 * amounts as JavaScript numbers and sums them as floats (the control sum of thousands of debits is then a rounding away
 * from the batch's), and its amendment details only carry a change of creditor identifier, not the change of debtor
 * account (OrgnlDbtrAcct, SMNDA for another bank) a mandate amended by the office needs. What a CORE direct debit needs
 * is a fixed tree of some forty elements: written here from integer cents, every text through toSepaText.
 */

export type SequenceType = 'FRST' | 'RCUR' | 'OOFF' | 'FNAL';

/** A change of the debtor's account since the last collection (or the signature): EPC AT-24. */
export type Amendment = { kind: 'account'; originalIban: string } | { kind: 'agent' };

export interface Pain008Debit {
  endToEndId: string;
  amountCents: number;
  sequenceType: SequenceType;
  rum: string;
  signedOn: string;
  debtorName: string;
  debtorIban: string;
  debtorBic: string;
  remittance: string;
  amendment: Amendment | null;
}

export interface Pain008Batch {
  messageId: string;
  /** The file's creation, as the office's wall clock reads it ('2026-12-01T10:15:00'). */
  createdAt: string;
  collectionDate: string;
  creditor: { name: string; iban: string; bic: string; ics: string };
  debits: Pain008Debit[];
}

/** 4650 → '46.50': exact, from integer cents (never a float). */
export function decimalAmount(cents: number): string {
  if (!Number.isSafeInteger(cents) || cents < 0) throw new Error(`pain.008: not an amount in cents: ${cents}`);
  return `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** An element with text, or nested elements given as already written strings. */
function el(name: string, content: string | string[], attributes = ''): string {
  const inner = Array.isArray(content) ? content.join('') : escape(content);
  return `<${name}${attributes}>${inner}</${name}>`;
}

const SEQUENCE_ORDER: SequenceType[] = ['FRST', 'RCUR', 'OOFF', 'FNAL'];

export function writePain008(batch: Pain008Batch, version: Pain008Version): string {
  if (batch.debits.length === 0) throw new Error('pain.008: a batch without debits');
  const bicTag = version === 'pain.008.001.02' ? 'BIC' : 'BICFI';
  // A debtor's BIC is optional in the EPC rulebook since 2016: without one, the bank is « NOTPROVIDED ».
  const agent = (bic: string) => {
    const plain = bic.replace(/\s+/g, '').toUpperCase();
    return el('FinInstnId', [plain === '' ? el('Othr', [el('Id', 'NOTPROVIDED')]) : el(bicTag, plain)]);
  };
  const sum = (debits: Pain008Debit[]) => debits.reduce((total, debit) => total + debit.amountCents, 0);
  const creditorName = toSepaText(batch.creditor.name, 70);

  const groups = SEQUENCE_ORDER.map((type) => ({ type, debits: batch.debits.filter((debit) => debit.sequenceType === type) })).filter(
    (group) => group.debits.length > 0,
  );

  const transaction = (debit: Pain008Debit): string => {
    const mandate = [el('MndtId', debit.rum), el('DtOfSgntr', debit.signedOn), el('AmdmntInd', debit.amendment ? 'true' : 'false')];
    if (debit.amendment) {
      // EPC: a new account at the same bank is named (its former IBAN); a move to another bank says SMNDA (« same
      // mandate, new debtor agent ») and is collected as a first debit (FRST, decided when the batch is prepared).
      const original =
        debit.amendment.kind === 'account'
          ? el('OrgnlDbtrAcct', [el('Id', [el('IBAN', debit.amendment.originalIban)])])
          : el('OrgnlDbtrAcct', [el('Id', [el('Othr', [el('Id', 'SMNDA')])])]);
      mandate.push(el('AmdmntInfDtls', [original]));
    }
    return el('DrctDbtTxInf', [
      el('PmtId', [el('EndToEndId', debit.endToEndId)]),
      el('InstdAmt', decimalAmount(debit.amountCents), ' Ccy="EUR"'),
      el('DrctDbtTx', [el('MndtRltdInf', mandate)]),
      el('DbtrAgt', [agent(debit.debtorBic)]),
      el('Dbtr', [el('Nm', toSepaText(debit.debtorName, 70))]),
      el('DbtrAcct', [el('Id', [el('IBAN', debit.debtorIban.replace(/\s+/g, '').toUpperCase())])]),
      el('RmtInf', [el('Ustrd', toSepaText(debit.remittance, 140))]),
    ]);
  };

  const paymentInfo = (group: { type: SequenceType; debits: Pain008Debit[] }): string =>
    el('PmtInf', [
      el('PmtInfId', `${batch.messageId}-${group.type}`),
      el('PmtMtd', 'DD'),
      el('BtchBookg', 'true'),
      el('NbOfTxs', String(group.debits.length)),
      el('CtrlSum', decimalAmount(sum(group.debits))),
      el('PmtTpInf', [el('SvcLvl', [el('Cd', 'SEPA')]), el('LclInstrm', [el('Cd', 'CORE')]), el('SeqTp', group.type)]),
      el('ReqdColltnDt', batch.collectionDate),
      el('Cdtr', [el('Nm', creditorName)]),
      el('CdtrAcct', [el('Id', [el('IBAN', batch.creditor.iban)])]),
      el('CdtrAgt', [agent(batch.creditor.bic)]),
      el('ChrgBr', 'SLEV'),
      el('CdtrSchmeId', [el('Id', [el('PrvtId', [el('Othr', [el('Id', batch.creditor.ics), el('SchmeNm', [el('Prtry', 'SEPA')])])])])]),
      ...group.debits.map(transaction),
    ]);

  const document = el(
    'Document',
    [
      el('CstmrDrctDbtInitn', [
        el('GrpHdr', [
          el('MsgId', batch.messageId),
          el('CreDtTm', batch.createdAt),
          el('NbOfTxs', String(batch.debits.length)),
          el('CtrlSum', decimalAmount(sum(batch.debits))),
          el('InitgPty', [el('Nm', creditorName)]),
        ]),
        ...groups.map(paymentInfo),
      ]),
    ],
    ` xmlns="urn:iso:std:iso:20022:tech:xsd:${version}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n${document}\n`;
}
