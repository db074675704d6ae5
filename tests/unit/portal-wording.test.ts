import { describe, expect, it } from 'vitest';
import { waitMessage } from '../../src/portal/auth/throttle.js';
import { tooLargeMessage } from '../../src/portal/http/limits.js';
import { DEFAULT_SETTINGS } from '../../src/portal/content.js';
import { DEFAULT_BILLING_SETTINGS } from '../../src/shared/billing/settings.js';

describe('portal wording', () => {
  it('says « 1 seconde » in the singular and the plural above it', () => {
    expect(waitMessage(1000)).toBe('Trop de tentatives. Réessayez dans 1 seconde.');
    expect(waitMessage(400)).toBe('Trop de tentatives. Réessayez dans 1 seconde.');
    expect(waitMessage(2000)).toBe('Trop de tentatives. Réessayez dans 2 secondes.');
    expect(waitMessage(5 * 60 * 1000)).toBe('Trop de tentatives. Réessayez dans 5 minutes.');
  });

  it('names what was too large by the route that refused it', () => {
    expect(tooLargeMessage('/mes-enfants/:childId/photo')).toContain('La photo envoyée est trop volumineuse');
    expect(tooLargeMessage('/planning/:childId/:serviceId/:day')).toContain('Le justificatif envoyé est trop volumineux');
    const form = tooLargeMessage('/mon-compte/modification');
    expect(form).toContain('Le formulaire envoyé est trop long (64 Ko au plus)');
    expect(form).not.toMatch(/photo/i);
  });

  it('writes the commune’s name and e-mail as the office does (DOMAIN.md)', () => {
    expect(DEFAULT_SETTINGS.commune.name).toBe('Epagny Metz-Tessy');
    expect(DEFAULT_SETTINGS.commune.address).toContain('Epagny Metz-Tessy');
    expect(DEFAULT_SETTINGS.commune.email).toBe('enfance-jeunesse@epagnymetztesy.fr');
    // The invoices the portal offers are written by the office's billing settings: the same e-mail, the same name.
    expect(DEFAULT_BILLING_SETTINGS.issuer.email).toBe(DEFAULT_SETTINGS.commune.email);
    expect(DEFAULT_BILLING_SETTINGS.issuer.communeName).toContain(DEFAULT_SETTINGS.commune.name);
  });
});
