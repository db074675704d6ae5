import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { maskIban } from '../../src/shared/validation/bank.js';
import { rumFor } from '../../src/shared/sepa/rum.js';
import { ibanVault } from '../../src/office/sepa/iban-vault.js';
import type { TestOffice } from './office.js';

/**
 * Mandates written straight into an office file for the collections' tests (mandates' own path, from a scan to the
 * signature, is the mandates' tests'): a signed active mandate and its account, the IBAN sealed by the vault as the
 * office stores it.
 */
export function insertSignedMandate(
  office: TestOffice,
  familyId: number,
  account: { holder: string; iban: string; bic: string },
  options: { signedOn?: string; status?: 'actif' | 'a_signer' | 'suspendu' | 'revoque' } = {},
): { mandateId: number; accountId: number; rum: string } {
  const status = options.status ?? 'actif';
  const signedOn = status === 'a_signer' ? null : (options.signedOn ?? '2026-10-15');
  const { sqlite } = office;
  const mandateId = Number(
    sqlite
      .prepare("INSERT INTO sepa_mandates (family_id, rum, status, signed_on, created_at) VALUES (?, ?, ?, ?, '2026-10-15T08:00:00.000Z')")
      .run(familyId, `tmp-${familyId}-${Date.now()}-${Math.random()}`, status, signedOn).lastInsertRowid,
  );
  const rum = rumFor(familyId, mandateId);
  sqlite.prepare('UPDATE sepa_mandates SET rum = ? WHERE id = ?').run(rum, mandateId);
  const accountId = amendAccount(office, mandateId, account, signedOn ?? '2026-10-15');
  return { mandateId, accountId, rum };
}

/** A new account row for the mandate (an amendment when it is not the first). */
export function amendAccount(office: TestOffice, mandateId: number, account: { holder: string; iban: string; bic: string }, validFrom: string): number {
  return Number(
    office.sqlite
      .prepare(
        "INSERT INTO sepa_mandate_accounts (mandate_id, holder, iban_cipher, iban_masked, bic, valid_from, recorded_at) VALUES (?, ?, ?, ?, ?, ?, '2026-10-15T08:00:00.000Z')",
      )
      .run(mandateId, account.holder, ibanVault(office.db).seal(account.iban), maskIban(account.iban), account.bic, validFrom).lastInsertRowid,
  );
}

/**
 * The ISO schemas: ../shared/sepa beside the repository (COMMON.md); from a git worktree elsewhere, beside the main
 * checkout.
 */
export function schemaDir(): string {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const beside = path.resolve(root, '../shared/sepa');
  if (fs.existsSync(beside)) return beside;
  const common = execFileSync('git', ['rev-parse', '--path-format=absolute', '--git-common-dir'], { cwd: root, encoding: 'utf8' }).trim();
  return path.resolve(path.dirname(common), '../shared/sepa');
}

/** xmllint against the official schema: '' when valid, its complaints otherwise. */
export function validatePain008(file: string, version: string): string {
  try {
    execFileSync('xmllint', ['--noout', '--schema', path.join(schemaDir(), `${version}.xsd`), file], { encoding: 'utf8', stdio: 'pipe' });
    return '';
  } catch (error) {
    return String((error as { stderr?: string }).stderr ?? error);
  }
}

/**
 * A pre-notification recorded straight into the office file (migration 0009), as an invoice issued under the mandate
 * would have recorded it: for invoices the tests insert by hand, which carry none.
 */
export function insertNotice(
  office: TestOffice,
  notice: { invoiceId: number; familyId: number; mandateId: number; rum: string; amountCents: number; notifiedOn: string; debitDate?: string; source?: 'invoice' | 'avis' },
): number {
  return Number(
    office.sqlite
      .prepare(
        'INSERT INTO sepa_notices (invoice_id, family_id, mandate_id, rum, amount_cents, debit_date, notified_on, source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        notice.invoiceId,
        notice.familyId,
        notice.mandateId,
        notice.rum,
        notice.amountCents,
        notice.debitDate ?? notice.notifiedOn,
        notice.notifiedOn,
        notice.source ?? 'invoice',
        `${notice.notifiedOn}T08:00:00.000Z`,
      ).lastInsertRowid,
  );
}
