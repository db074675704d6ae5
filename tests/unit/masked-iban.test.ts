import { describe, expect, it } from 'vitest';
import { bankForCheck, typedOverMasked } from '../../src/renderer/family/masked-iban.js';

const MASKED = 'FR76 •••• •••• •••• •••• •••• 189';

describe('typing into a masked IBAN', () => {
  it('replaces the mask with what is typed, wherever the caret was', () => {
    expect(typedOverMasked(MASKED, `F${MASKED}`)).toBe('F');
    expect(typedOverMasked(MASKED, `${MASKED}F`)).toBe('F');
    expect(typedOverMasked(MASKED, `FR76 •••• ••X•• •••• •••• •••• 189`)).toBe('X');
  });

  it('empties the field when something is deleted from the mask', () => {
    expect(typedOverMasked(MASKED, MASKED.slice(0, -1))).toBe('');
    expect(typedOverMasked(MASKED, MASKED.slice(1))).toBe('');
  });

  it('keeps a value pasted over the whole mask', () => {
    expect(typedOverMasked(MASKED, 'FR76 3000 6000 0112 3456 7890 189')).toBe('FR76 3000 6000 0112 3456 7890 189');
  });
});

describe('the bank section checked by the form', () => {
  it('leaves a masked IBAN to the office and checks a typed one', () => {
    expect(bankForCheck({ holder: 'A', iban: MASKED, bic: 'AGRIFRPP' })).toEqual({ holder: 'A', iban: '', bic: 'AGRIFRPP' });
    const typed = { holder: 'A', iban: 'FR77', bic: '' };
    expect(bankForCheck(typed)).toBe(typed);
  });
});
