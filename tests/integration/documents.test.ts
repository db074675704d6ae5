import { afterEach, describe, expect, it } from 'vitest';
import { makeTestOffice, sampleFamilyInput, type TestOffice } from '../helpers/office.js';

let office: TestOffice;
afterEach(async () => {
  await office?.close();
});

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n').toString('base64');

describe('documents', () => {
  it('adds a PDF, lists it without its bytes, returns it, archives it, all audited', async () => {
    office = await makeTestOffice();
    const family = await office.value('families.create', { data: sampleFamilyInput() });
    const added = await office.value('documents.add', {
      familyId: family.id,
      kind: 'avis_imposition',
      label: 'Avis 2025',
      documentDate: '2025-09-01',
      fileName: 'avis.pdf',
      mime: 'application/pdf',
      base64: PDF,
    });
    expect(added).toMatchObject({ kind: 'avis_imposition', mime: 'application/pdf', size: Buffer.from(PDF, 'base64').length });
    const file = await office.value('families.get', { id: family.id });
    expect(file.documents).toEqual([added]);
    expect(await office.value('documents.get', { id: added.id })).toEqual({ fileName: 'avis.pdf', mime: 'application/pdf', base64: PDF });
    await office.value('documents.archive', { id: added.id });
    expect((await office.value('families.get', { id: family.id })).documents).toEqual([]);
    const fields = (await office.value('audit.forFamily', { familyId: family.id })).map((entry) => entry.field);
    expect(fields.slice(0, 2)).toEqual(['Document retiré', 'Document ajouté']);
  });

  it('refuses a file that is not a PDF, JPEG or PNG whatever its declared type, and a future date', async () => {
    office = await makeTestOffice();
    const family = await office.value('families.create', { data: sampleFamilyInput() });
    const args = {
      familyId: family.id,
      kind: 'rib' as const,
      label: '',
      documentDate: '2026-11-01',
      fileName: 'rib.pdf',
      mime: 'application/pdf',
      base64: Buffer.from('MZ\x90\x00 executable').toString('base64'),
    };
    expect(await office.call('documents.add', args)).toMatchObject({
      ok: false,
      error: { fields: { file: 'Seuls les fichiers PDF, JPEG ou PNG sont acceptés.' } },
    });
    expect(await office.call('documents.add', { ...args, base64: PDF, documentDate: '2026-12-01' })).toMatchObject({
      ok: false,
      error: { fields: { documentDate: 'La date du document ne peut pas être dans le futur.' } },
    });
    const tooBig = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(10 * 1024 * 1024)]).toString('base64');
    expect(await office.call('documents.add', { ...args, base64: tooBig })).toMatchObject({
      ok: false,
      error: { fields: { file: 'Le fichier dépasse 10 Mo.' } },
    });
    expect(await office.db.selectFrom('family_documents').select('id').execute()).toEqual([]);
  });
});
