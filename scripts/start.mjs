// `npm start`: build the renderer and the shell, prepare better-sqlite3 for Electron, launch Electron on '.'.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  builtBinding,
  electronLaunch,
  electronMissingMessage,
  nativeBuildFailedMessage,
  nativePaths,
  nativeStamp,
  needsNativeBuild,
  nodeGypRebuildCommand,
  npmRunCommand,
  prebuildInstallCommand,
  shouldCopyPackageEntry,
} from './electron-native.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function run({ command, args, cwd, shell = false }) {
  const result = spawnSync(command, args, { cwd: cwd ?? root, stdio: 'inherit', shell });
  return result.status === 0;
}

function electronBinary() {
  try {
    // The electron package downloads its binary on first use and returns its path.
    return { path: require('electron') };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** Builds better-sqlite3 for Electron in a temporary copy, never in node_modules (the tests need the Node build). */
function ensureElectronSqlite(electronVersion) {
  const paths = nativePaths(root);
  const expectedStamp = nativeStamp({
    electronVersion,
    betterSqliteVersion: readJson(path.join(paths.sourcePackage, 'package.json')).version,
    platform: process.platform,
    arch: process.arch,
  });
  const recordedStamp = fs.existsSync(paths.stamp) ? fs.readFileSync(paths.stamp, 'utf8') : null;
  if (!needsNativeBuild({ bindingExists: fs.existsSync(paths.binding), recordedStamp, expectedStamp })) return true;

  console.warn(`Préparation de better-sqlite3 pour Electron ${electronVersion}...`);
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'grenette-sqlite-electron-'));
  const workDir = path.join(tempDir, 'better-sqlite3');
  try {
    fs.cpSync(paths.sourcePackage, workDir, {
      recursive: true,
      dereference: true,
      filter: (entry) => shouldCopyPackageEntry(paths.sourcePackage, entry),
    });
    const input = { root, workDir, electronVersion, arch: process.arch, nodePath: process.execPath };
    const built =
      (run(prebuildInstallCommand(input)) && fs.existsSync(builtBinding(workDir))) ||
      (run(nodeGypRebuildCommand(input)) && fs.existsSync(builtBinding(workDir)));
    if (!built) return false;
    fs.mkdirSync(paths.dir, { recursive: true });
    fs.copyFileSync(builtBinding(workDir), paths.binding);
    fs.writeFileSync(paths.stamp, `${expectedStamp}\n`);
    return true;
  } finally {
    fs.rmSync(tempDir, { recursive: true, force: true });
  }
}

function main() {
  const electron = electronBinary();
  if (!electron.path) {
    console.error(electronMissingMessage(electron.error));
    process.exit(1);
  }
  const electronVersion = readJson(path.join(root, 'node_modules', 'electron', 'package.json')).version;

  if (!run(npmRunCommand('build', { env: process.env, nodePath: process.execPath, platform: process.platform }))) {
    console.error('La construction de Grenette a échoué (voir ci-dessus). / Build failed (see above).');
    process.exit(1);
  }
  if (!ensureElectronSqlite(electronVersion)) {
    console.error(nativeBuildFailedMessage(electronVersion));
    process.exit(1);
  }

  const launch = electronLaunch({ electronPath: electron.path, root, argv: process.argv.slice(2), env: process.env });
  const child = spawn(launch.command, launch.args, { cwd: launch.cwd, env: launch.env, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('error', (error) => {
    console.error(electronMissingMessage(error.message));
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

main();
