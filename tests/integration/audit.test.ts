import { afterEach, describe, expect, it } from 'vitest';
import { makeTestOffice, sampleChildInput, sampleFamilyInput, type TestOffice } from '../helpers/office.js';

let office: TestOffice;
afterEach(async () => {
  await office?.close();
});

describe('audit log', () => {
  it('shows a family its own and its children’s changes, newest first, with who made them', async () => {
    office = await makeTestOffice();
    const family = await office.value('families.create', { data: sampleFamilyInput() });
    const agent = await office.as('agent');
    office.clock.advance(60_000);
    const child = await agent.call('children.create', { familyId: family.id, data: sampleChildInput() });
    if (!child.ok) throw new Error(JSON.stringify(child.error));
    office.clock.advance(60_000);
    await office.value('families.update', {
      id: family.id,
      patch: { household: { situation: 'divorce', resident: true, notes: '' } },
    });

    const log = await office.value('audit.forFamily', { familyId: family.id });
    expect(log[0]).toMatchObject({
      at: '2026-11-28T10:02:00.000Z',
      user: 'Test admin 1',
      field: 'Foyer · Situation familiale',
      oldValue: 'Marié(e)',
      newValue: 'Divorcé(e)',
    });
    const childLines = log.filter((entry) => entry.entity === 'child');
    expect(childLines.length).toBeGreaterThan(0);
    expect(childLines.every((entry) => entry.user === 'Test agent 2' && entry.subject === 'Lucas Martin')).toBe(true);
    expect(log.map((entry) => entry.at)).toEqual([...log.map((entry) => entry.at)].sort().reverse());

    const childLog = await office.value('audit.forChild', { childId: child.value.id });
    expect(childLog.length).toBe(childLines.length);
    expect(childLog.map((entry) => entry.field)).toContain('Enfant · Allergies');
  });
});
