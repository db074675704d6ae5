import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  builtBinding,
  electronLaunch,
  electronMissingMessage,
  nativePaths,
  nativeStamp,
  needsNativeBuild,
  nodeGypRebuildCommand,
  npmRunCommand,
  prebuildInstallCommand,
  shouldCopyPackageEntry,
} from '../../scripts/electron-native.mjs';
import { electronNativeBinding } from '../../src/main/native-binding.js';

const root = path.resolve('/home/agent/grenette');

describe('npm start: better-sqlite3 for Electron', () => {
  it('lives in .electron-native, exactly where the main process looks for it', () => {
    const paths = nativePaths(root);
    expect(paths.binding).toBe(path.join(root, '.electron-native', 'better_sqlite3.node'));
    expect(electronNativeBinding(root, (file) => file === paths.binding)).toBe(paths.binding);
  });

  it('is rebuilt when missing or when Electron, better-sqlite3 or the platform changed', () => {
    const stamp = nativeStamp({ electronVersion: '45.3.4', betterSqliteVersion: '12.11.1', platform: 'linux', arch: 'x64' });
    expect(needsNativeBuild({ bindingExists: true, recordedStamp: `${stamp}\n`, expectedStamp: stamp })).toBe(false);
    expect(needsNativeBuild({ bindingExists: false, recordedStamp: stamp, expectedStamp: stamp })).toBe(true);
    expect(needsNativeBuild({ bindingExists: true, recordedStamp: null, expectedStamp: stamp })).toBe(true);
    const newer = nativeStamp({ electronVersion: '46.0.0', betterSqliteVersion: '12.11.1', platform: 'linux', arch: 'x64' });
    expect(needsNativeBuild({ bindingExists: true, recordedStamp: stamp, expectedStamp: newer })).toBe(true);
  });

  it('builds in a copy of the package that leaves the Node build behind, never in node_modules', () => {
    const source = path.resolve('node_modules/better-sqlite3');
    const work = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-copy-')), 'better-sqlite3');
    fs.cpSync(source, work, { recursive: true, filter: (entry) => shouldCopyPackageEntry(source, entry) });
    expect(fs.existsSync(path.join(work, 'package.json'))).toBe(true);
    expect(fs.existsSync(path.join(work, 'binding.gyp'))).toBe(true);
    expect(fs.existsSync(path.join(work, 'build'))).toBe(false);
    // The Node build the tests use is still in place.
    expect(fs.existsSync(path.join(source, 'build', 'Release', 'better_sqlite3.node'))).toBe(true);
    fs.rmSync(path.dirname(work), { recursive: true, force: true });

    const input = { root, workDir: '/tmp/x/better-sqlite3', electronVersion: '45.3.4', arch: 'x64', nodePath: '/usr/bin/node' };
    for (const command of [prebuildInstallCommand(input), nodeGypRebuildCommand(input)]) {
      expect(command.cwd).toBe('/tmp/x/better-sqlite3');
      expect(command.command).toBe('/usr/bin/node');
    }
    expect(prebuildInstallCommand(input).args.slice(1)).toEqual(expect.arrayContaining(['--runtime', 'electron', '--target', '45.3.4']));
    expect(nodeGypRebuildCommand(input).args).toEqual(
      expect.arrayContaining(['rebuild', '--runtime=electron', '--target=45.3.4', '--dist-url=https://electronjs.org/headers']),
    );
    expect(builtBinding('/tmp/x/better-sqlite3')).toBe(path.join('/tmp/x/better-sqlite3', 'build', 'Release', 'better_sqlite3.node'));
  });
});

describe('npm start: build and launch', () => {
  it('runs npm scripts through the npm that started it', () => {
    expect(npmRunCommand('build', { env: { npm_execpath: '/usr/lib/npm/bin/npm-cli.js' }, nodePath: '/usr/bin/node', platform: 'linux' })).toEqual({
      command: '/usr/bin/node',
      args: ['/usr/lib/npm/bin/npm-cli.js', 'run', 'build'],
      shell: false,
    });
    expect(npmRunCommand('build', { env: {}, nodePath: 'node', platform: 'win32' })).toMatchObject({ command: 'npm.cmd', shell: true });
  });

  it("launches Electron on '.' with the user's arguments and never as plain Node", () => {
    const launch = electronLaunch({
      electronPath: '/e/electron',
      root,
      argv: ['--db', '/srv/essai.sqlite'],
      env: { PATH: '/usr/bin', ELECTRON_RUN_AS_NODE: '1' },
    });
    expect(launch).toMatchObject({ command: '/e/electron', args: ['.', '--db', '/srv/essai.sqlite'], cwd: root });
    expect(launch.env.ELECTRON_RUN_AS_NODE).toBeUndefined();
    expect(launch.env.PATH).toBe('/usr/bin');
  });

  it('explains in French and English how to use the browser when Electron cannot be downloaded', () => {
    const message = electronMissingMessage('fetch failed');
    expect(message).toContain("Impossible d'obtenir le programme Electron");
    expect(message).toContain('Could not obtain the Electron binary');
    expect(message).toContain('npm run dev:browser');
    expect(message).toContain('fetch failed');
  });
});
