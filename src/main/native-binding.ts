import path from 'node:path';

/**
 * better-sqlite3 compiled for Electron's ABI by `npm start` (scripts/start.mjs). The build in node_modules stays the
 * Node one for the tests; a packaged app has neither file and loads node_modules' copy, rebuilt at packaging.
 */
export function electronNativeBinding(appRoot: string, exists: (file: string) => boolean): string | undefined {
  const file = path.join(appRoot, '.electron-native', 'better_sqlite3.node');
  return exists(file) ? file : undefined;
}
