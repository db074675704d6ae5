// Decisions of `npm start` (scripts/start.mjs) as pure functions, unit-tested under Node.
import path from 'node:path';

/** Where the Electron build of better-sqlite3 lives; node_modules keeps the Node build the tests need. */
export function nativePaths(root) {
  const dir = path.join(root, '.electron-native');
  return {
    dir,
    binding: path.join(dir, 'better_sqlite3.node'),
    stamp: path.join(dir, 'better_sqlite3.version'),
    sourcePackage: path.join(root, 'node_modules', 'better-sqlite3'),
  };
}

/** What the binary was built for: a change of Electron, better-sqlite3, OS or CPU means a rebuild. */
export function nativeStamp({ electronVersion, betterSqliteVersion, platform, arch }) {
  return `electron ${electronVersion} better-sqlite3 ${betterSqliteVersion} ${platform}-${arch}`;
}

export function needsNativeBuild({ bindingExists, recordedStamp, expectedStamp }) {
  return !bindingExists || (recordedStamp ?? '').trim() !== expectedStamp;
}

/**
 * The copy of better-sqlite3 we build in leaves out its build/ folder: that holds the Node build, which a failed
 * download must never let us mistake for an Electron one.
 */
export function shouldCopyPackageEntry(sourcePackage, entry) {
  const relative = path.relative(sourcePackage, entry);
  const first = relative.split(path.sep)[0];
  return first !== 'build' && first !== 'node_modules';
}

/** First try: the prebuilt binary for Electron's ABI from better-sqlite3's releases. */
export function prebuildInstallCommand({ root, workDir, electronVersion, arch, nodePath }) {
  return {
    command: nodePath,
    args: [
      path.join(root, 'node_modules', 'prebuild-install', 'bin.js'),
      '--runtime',
      'electron',
      '--target',
      electronVersion,
      '--arch',
      arch,
      '--verbose',
    ],
    cwd: workDir,
  };
}

/** Fallback: compile against Electron's headers (needs a C++ toolchain and Python, like any node-gyp build). */
export function nodeGypRebuildCommand({ root, workDir, electronVersion, arch, nodePath }) {
  return {
    command: nodePath,
    args: [
      path.join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
      'rebuild',
      '--release',
      '--runtime=electron',
      `--target=${electronVersion}`,
      `--arch=${arch}`,
      '--dist-url=https://electronjs.org/headers',
    ],
    cwd: workDir,
  };
}

/** The file either build leaves in the working copy. */
export function builtBinding(workDir) {
  return path.join(workDir, 'build', 'Release', 'better_sqlite3.node');
}

/**
 * `npm run build` from inside `npm start`: through the same npm (npm_execpath) when there is one, so Windows needs no
 * shell to find npm.cmd.
 */
export function npmRunCommand(script, { env, nodePath, platform }) {
  if (env.npm_execpath) return { command: nodePath, args: [env.npm_execpath, 'run', script], shell: false };
  return { command: platform === 'win32' ? 'npm.cmd' : 'npm', args: ['run', script], shell: platform === 'win32' };
}

/** Electron runs the app in '.', with the user's arguments (--db <file> ...) passed through. */
export function electronLaunch({ electronPath, root, argv, env }) {
  const childEnv = { ...env };
  // Set by some tools; it would make Electron behave as plain Node and never open a window.
  delete childEnv.ELECTRON_RUN_AS_NODE;
  return { command: electronPath, args: ['.', ...argv], cwd: root, env: childEnv };
}

export function electronMissingMessage(detail) {
  return [
    "Impossible d'obtenir le programme Electron : il est téléchargé au premier lancement et ce téléchargement a échoué.",
    "Vérifiez l'accès à Internet, puis relancez « npm start ». En attendant, l'interface fonctionne dans un navigateur :",
    '  npm run dev:browser   (puis ouvrez l’adresse GRENETTE_DEV_URL affichée)',
    '',
    'Could not obtain the Electron binary (downloaded on first run). Check internet access and run `npm start` again,',
    'or run the UI in a browser with `npm run dev:browser`.',
    detail ? `\nDétail / detail: ${detail}` : '',
  ].join('\n');
}

export function nativeBuildFailedMessage(electronVersion) {
  return [
    `Impossible de préparer better-sqlite3 pour Electron ${electronVersion} (ni binaire précompilé, ni compilation).`,
    'Installez les outils de compilation (Python 3 et un compilateur C++), puis relancez « npm start »,',
    'ou utilisez l’interface dans un navigateur : npm run dev:browser',
    '',
    `Could not prepare better-sqlite3 for Electron ${electronVersion} (no prebuilt binary, compilation failed).`,
    'Install Python 3 and a C++ toolchain and run `npm start` again, or use `npm run dev:browser`.',
  ].join('\n');
}
