import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NewerDatabaseError } from '../../src/server/migrate.js';
import { CorruptDatabaseError } from '../../src/office/db/open.js';
import { applicationMenuTemplate, type MenuItemSpec } from '../../src/main/menu-template.js';
import { electronNativeBinding } from '../../src/main/native-binding.js';
import { OfficeSessions } from '../../src/main/office-sessions.js';
import { startupErrorDialog } from '../../src/main/startup-errors.js';

describe('start-up error dialog', () => {
  it("shows the database's own French explanation for a newer or damaged database", () => {
    const newer = startupErrorDialog(new NewerDatabaseError(9, 3), '/data/grenette.log');
    expect(newer.message).toContain('version plus récente de Grenette');
    const corrupt = startupErrorDialog(new CorruptDatabaseError('/data/grenette.sqlite', 'page 4'), '/data/grenette.log');
    expect(corrupt.message).toContain('endommagée');
    expect(corrupt.message).toContain('sauvegarde');
  });

  it('gives a short French message pointing to the log for anything else, without the technical detail', () => {
    const other = startupErrorDialog(new Error('SQLITE_CANTOPEN: unable to open database file'), '/data/grenette.log');
    expect(other.title).toBe('Grenette ne peut pas démarrer');
    expect(other.message).toContain('/data/grenette.log');
    expect(other.message).not.toContain('SQLITE_CANTOPEN');
  });
});

describe('Electron build of better-sqlite3', () => {
  it('is used when npm start compiled it, and otherwise left to node_modules', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-root-'));
    expect(electronNativeBinding(root, fs.existsSync)).toBeUndefined();
    fs.mkdirSync(path.join(root, '.electron-native'));
    fs.writeFileSync(path.join(root, '.electron-native', 'better_sqlite3.node'), '');
    expect(electronNativeBinding(root, fs.existsSync)).toBe(path.join(root, '.electron-native', 'better_sqlite3.node'));
    fs.rmSync(root, { recursive: true, force: true });
  });
});

describe('application menu', () => {
  const labels = (items: MenuItemSpec[]) => items.map((item) => item.label);

  it('is in French with Fichier, Édition, Affichage and Aide', () => {
    const menu = applicationMenuTemplate({ showAbout: () => {} });
    expect(labels(menu)).toEqual(['Fichier', 'Édition', 'Affichage', 'Aide']);
    const [file, edit, view, help] = menu;
    expect(file?.submenu?.[0]).toMatchObject({ label: 'Quitter', role: 'quit' });
    expect(edit?.submenu?.map((item) => item.role).filter(Boolean)).toEqual(
      expect.arrayContaining(['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll']),
    );
    expect(labels(view?.submenu ?? [])).toEqual(expect.arrayContaining(['Recharger', 'Zoom avant', 'Zoom arrière', 'Plein écran']));
    expect(help?.submenu?.[0]?.label).toBe('À propos de Grenette');
  });

  it('opens the about box from Aide', () => {
    let shown = 0;
    const menu = applicationMenuTemplate({ showAbout: () => (shown += 1) });
    menu[3]?.submenu?.[0]?.click?.();
    expect(shown).toBe(1);
  });
});

describe('one office session per renderer', () => {
  it('keeps a renderer on its session and forgets it when the renderer is destroyed', () => {
    let opened = 0;
    const sessions = new OfficeSessions(() => {
      opened += 1;
      return { user: null };
    });
    const first = sessions.for(1);
    first.user = { id: 1, username: 'claire', displayName: 'Claire', role: 'admin' };
    expect(sessions.for(1).user?.username).toBe('claire');
    expect(sessions.for(2).user).toBeNull();
    sessions.drop(1);
    expect(sessions.for(1).user).toBeNull();
    expect(opened).toBe(3);
  });
});
