import type { MandateStatus } from '../sepa/mandate.js';
import type { RejectCode } from '../sepa/reject-reasons.js';

/**
 * SEPA direct debit as the window sees it (issue #12): reading a scanned RIB, mandates and their accounts, collection
 * batches and rejects. IBANs cross this API masked (« FR76 •••• •••• 189 ») except through 'sepa.revealIban', which
 * is the régisseur's and audited.
 */

/** A scan given by the agent (file dialog or drag and drop) or one already attached to the family. */
export type ScanSource =
  | { kind: 'file'; fileName: string; mime: string; base64: string }
  | { kind: 'document'; documentId: number };

/** The fields a RIB is read into; the four RIB parts are France's banque, guichet, compte and clé. */
export type RibField = 'holder' | 'iban' | 'bic' | 'bankName' | 'banque' | 'guichet' | 'compte' | 'cle';

/** Where on a page a value was read, as fractions (0 to 1) of the page image's width and height. */
export interface ScanBox {
  page: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface ReadField {
  /** As it will pre-fill the form: an IBAN without spaces, a BIC upper case, a holder as printed. */
  value: string;
  boxes: ScanBox[];
  /** 0 to 100: the OCR's confidence in the words read (100 for a PDF's own text). */
  confidence: number;
}

export interface ScanReading {
  /** How the text was obtained: the PDF's own text, or OCR of an image or of an image-only PDF. */
  method: 'pdf_text' | 'ocr';
  /**
   * Each page as the agent sees it beside the form, PNG, with its size in pixels. `mime` says the image's type when it
   * is not PNG (a JPEG photo is shown as it was given); absent, PNG.
   */
  pages: { imageBase64: string; width: number; height: number; mime?: 'image/png' | 'image/jpeg' }[];
  fields: Partial<Record<RibField, ReadField>>;
  /** No IBAN found: the form stays empty and editable, and the screen says so (French message). */
  notice: string | null;
  /**
   * What the reading left out, in French, shown above the form (« Ce PDF a 5 pages : seules les 3 premières ont été
   * lues… »); empty when the whole document was read.
   */
  warnings: string[];
  /** Milliseconds spent reading (shown nowhere; for the benchmark and the log). */
  elapsedMs: number;
}

/** The account typed or confirmed by the agent; the scan it was read from, if any. */
export interface MandateAccountInput {
  holder: string;
  iban: string;
  bic: string;
  bankName: string;
  /** The RIB's four parts when they were read or typed: checked against the IBAN. */
  rib: { banque: string; guichet: string; compte: string; cle: string } | null;
  scan: ScanSource | null;
}

export interface MandateAccountView {
  id: number;
  holder: string;
  /** Always masked here. */
  ibanMasked: string;
  bic: string;
  bankName: string;
  documentId: number | null;
  validFrom: string;
  recordedAt: string;
  recordedBy: string | null;
}

export interface MandateView {
  id: number;
  familyId: number;
  rum: string;
  /** As of the office's today (a mandate unused for 36 months reads 'caduc'). */
  status: MandateStatus;
  statusLabel: string;
  statusNote: string;
  signedOn: string | null;
  createdAt: string;
  endedOn: string | null;
  lastCollectionOn: string | null;
  /** The account in force first, then the former ones (amendments), newest first. */
  accounts: MandateAccountView[];
  rejectCount: number;
  /** What the current user may do, read from the handlers' access and the status. */
  actions: { sign: boolean; amend: boolean; revoke: boolean; reactivate: boolean; print: boolean; reveal: boolean };
}

/** A family's direct debit: its mandates (newest first) and the reject flag. */
export interface FamilyDirectDebit {
  mandates: MandateView[];
  flag: { since: string; reason: string } | null;
  /** Whether the office can set one up now (ICS set in Paramètres, no live mandate); the French reason otherwise. */
  canSetUp: boolean;
  setUpBlockedBy: string | null;
}

export type Pain008Version = 'pain.008.001.02' | 'pain.008.001.08';

export interface DebitLine {
  /** null in a preview (not yet saved). */
  id: number | null;
  invoiceId: number;
  invoiceNumber: string;
  familyId: number;
  familyName: string;
  holder: string;
  ibanMasked: string;
  rum: string;
  amountCents: number;
  sequenceType: 'FRST' | 'RCUR' | 'OOFF' | 'FNAL';
  status: 'pending' | 'collected' | 'rejected' | 'cancelled';
  rejectCode: RejectCode | null;
  rejectLabel: string | null;
}

/** An invoice left out of a batch, with why in French (« pré-notification trop récente », « mandat à signer » …). */
export interface IneligibleInvoice {
  invoiceId: number;
  invoiceNumber: string;
  familyName: string;
  amountCents: number;
  why: string;
  /** A new « avis de prélèvement » would make it collectable (none given, another amount, or rejected since). */
  needsNotice: boolean;
}

export interface BatchPreview {
  collectionDate: string;
  debits: DebitLine[];
  count: number;
  controlSumCents: number;
  ineligible: IneligibleInvoice[];
}

export type BatchStatus = 'prepared' | 'sent' | 'cancelled';

export interface BatchSummary {
  id: number;
  messageId: string;
  collectionDate: string;
  status: BatchStatus;
  /** « Préparé », « Transmis », « Encaissé le … », « Annulé ». */
  statusLabel: string;
  count: number;
  controlSumCents: number;
  rejectedCount: number;
  createdAt: string;
  sentVersion: Pain008Version | null;
  /** Sent, due, and not settled because the last settlement failed: why, in French (retried at every read). */
  settlementProblem: string | null;
}

export interface BatchView extends BatchSummary {
  debits: DebitLine[];
  actions: { export: boolean; cancel: boolean; reject: boolean };
}

export interface RejectInput {
  debitId: number;
  code: RejectCode;
  /** The day the bank reported the reject (movement day of the reversal). */
  day: string;
  /** Fee invoiced to the family, integer cents; 0 = none. */
  feeCents: number;
}

export interface RejectOutcome {
  batch: BatchView;
  /** The mandate was suspended by this reject: the second one, or the first when its code says the account or mandate is gone (shared/sepa/suspension.ts). */
  mandateSuspended: boolean;
  feeInvoiceNumber: string | null;
}

/**
 * Preparing « avis de prélèvement » (pre-notifications posted apart from the invoice) for a collection date: for the
 * chosen invoices, or, without `invoiceIds`, every invoice of that date that needs one.
 */
export interface NoticesInput {
  collectionDate: string;
  invoiceIds?: number[];
}

export interface NoticesOutcome {
  /** One PDF, one page per family, to print and post. */
  file: { fileName: string; mime: string; base64: string };
  count: number;
  /** The debit date announced (the first date these invoices can be collected): the collection date, or later when the delay does not leave it. */
  debitDate: string;
}
