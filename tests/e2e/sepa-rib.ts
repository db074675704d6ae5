import path from 'node:path';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import { ibanFromRib, ribKey } from '../../src/shared/validation/bank.js';

/**
 * A French RIB as a bank prints it, drawn by the test itself (no fixture file): the holder, the bank, the four RIB
 * fields, the IBAN grouped by four and the BIC, rendered as a PNG at about 150 dpi. The font ships with pdfmake (in
 * node_modules on every machine), so the image is the same wherever the spec runs.
 */

const FONT = path.resolve(import.meta.dirname, '../../node_modules/pdfmake/build/fonts/Roboto/Roboto-Regular.ttf');
let registered = false;

export interface TestRib {
  holder: string;
  bankName: string;
  banque: string;
  guichet: string;
  compte: string;
  cle: string;
  iban: string;
  bic: string;
}

/** A valid RIB (its key and IBAN computed) for `holder`. */
export function testRib(holder: string, compte = '12345678901'): TestRib {
  const rib = { banque: '30006', guichet: '00001', compte, cle: ribKey('30006', '00001', compte) };
  return { holder, bankName: 'CREDIT AGRICOLE DES SAVOIE', ...rib, iban: ibanFromRib(rib), bic: 'AGRIFRPP' };
}

const grouped = (iban: string) => iban.replace(/(.{4})(?=.)/g, '$1 ');

export function renderRibPng(rib: TestRib): Buffer {
  if (!registered) {
    GlobalFonts.registerFromPath(FONT, 'RibTest');
    registered = true;
  }
  const width = 1240;
  const height = 640;
  const canvas = createCanvas(width, height);
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, width, height);
  context.fillStyle = '#000000';
  context.font = '34px RibTest';
  context.fillText('RELEVE D IDENTITE BANCAIRE', 60, 80);
  context.font = '28px RibTest';
  context.fillText(`Titulaire du compte : ${rib.holder}`, 60, 150);
  context.fillText(`Domiciliation : ${rib.bankName}`, 60, 200);
  context.fillText('Code banque', 60, 280);
  context.fillText('Code guichet', 300, 280);
  context.fillText('Numero de compte', 560, 280);
  context.fillText('Cle RIB', 900, 280);
  context.fillText(rib.banque, 60, 330);
  context.fillText(rib.guichet, 300, 330);
  context.fillText(rib.compte, 560, 330);
  context.fillText(rib.cle, 900, 330);
  context.fillText(`IBAN : ${grouped(rib.iban)}`, 60, 430);
  context.fillText(`BIC : ${rib.bic}`, 60, 500);
  return canvas.toBuffer('image/png');
}
