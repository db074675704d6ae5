import path from 'node:path';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import type { Configuration } from 'app-builder-lib';
import { DebugLogger } from 'builder-util';
import { describe, expect, it } from 'vitest';

const root = path.resolve('.');

async function loadConfig(): Promise<Configuration> {
  return getConfig(root, path.join(root, 'electron-builder.yml'), null);
}

describe('electron-builder.yml', () => {
  it("passes electron-builder's own schema validation", async () => {
    const config = await loadConfig();
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('packages Grenette with the commune id, Linux and Windows installers, and the native module unpacked', async () => {
    const config = await loadConfig();
    expect(config.appId).toBe('fr.epagnymetztesy.grenette');
    expect(config.productName).toBe('Grenette');
    expect(config.directories?.output).toBe('release');
    // getConfig normalises the list into one { filter } entry.
    const files = (config.files as { filter: string[] }[]).flatMap((entry) => entry.filter);
    expect(files).toEqual(expect.arrayContaining(['dist/main/**', 'dist/preload/**', 'dist/renderer/**', 'migrations/**', 'package.json']));
    expect(config.asarUnpack).toEqual(['node_modules/better-sqlite3/**']);
    expect(config.npmRebuild).toBe(true);
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.win?.target).toEqual(['nsis']);
    expect(config.copyright).toMatch(/Épagny Metz-Tessy/);
  });

  it('rejects an unknown key, so a typo cannot silently change the package', async () => {
    const config = { ...(await loadConfig()), npmRebuld: true } as Configuration;
    await expect(validateConfiguration(config, new DebugLogger(false))).rejects.toThrow(/npmRebuld/);
  });
});
