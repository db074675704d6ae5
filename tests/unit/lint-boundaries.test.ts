import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/*
 * The runtime boundaries of ARCHITECTURE.md are enforced by eslint.config.js. These cases lint small sources as if
 * they lived in a given folder, with the project's real configuration, so a boundary dropped or overridden by a later
 * entry (one no-restricted-imports entry per folder wins) fails here.
 */

const root = path.resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: root });

async function restrictedImports(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  if (!result) throw new Error('ESLint returned no result');
  const fatal = result.messages.filter((message) => message.fatal);
  if (fatal.length > 0) throw new Error(fatal.map((message) => message.message).join('\n'));
  return result.messages.filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message);
}

describe('lint boundaries', () => {
  it.each([
    ['the portal importing the office', 'src/portal/pages/example.ts', "import { openOfficeDatabase } from '../../office/db/open.js';\nexport const x = openOfficeDatabase;\n"],
    ['the office importing the portal', 'src/office/sync/example.ts', "import { openPortalDatabase } from '../../portal/db/open.js';\nexport const x = openPortalDatabase;\n"],
    ['src/server importing the office', 'src/server/example.ts', "import { openOfficeDatabase } from '../office/db/open.js';\nexport const x = openOfficeDatabase;\n"],
    ['src/server importing the portal', 'src/server/example.ts', "import { openPortalDatabase } from '../portal/db/open.js';\nexport const x = openPortalDatabase;\n"],
    ['src/shared importing Node', 'src/shared/calendar/example.ts', "import fs from 'node:fs';\nexport const x = fs;\n"],
    ['src/shared importing a bare Node module', 'src/shared/example.ts', "import path from 'path';\nexport const x = path;\n"],
    ['the renderer importing the office', 'src/renderer/planning/Example.tsx', "import { childPlanning } from '../../office/planning/child-planning.js';\nexport const x = childPlanning;\n"],
    ['the renderer importing the portal', 'src/renderer/lib/example.ts', "import { euros } from '../../portal/http/format.js';\nexport const x = euros;\n"],
  ])('refuses %s', async (_what, file, code) => {
    // ESLint's patterns are gitignore-like: a path may match more than one (e.g. 'http' is also a Node builtin).
    expect((await restrictedImports(file, code)).length).toBeGreaterThan(0);
  });

  it.each([
    ['the portal using the sync contract and src/server', 'src/portal/pages/example.ts', "import { renderPdf } from '../../server/pdfmake.js';\nimport { SYNC_PROTOCOL } from '../../shared/sync/contract.js';\nexport const x = [renderPdf, SYNC_PROTOCOL];\n"],
    ['the office using src/server', 'src/office/db/example.ts', "import { loadMigrations } from '../../server/migrate.js';\nexport const x = loadMigrations;\n"],
    ['src/shared importing src/shared', 'src/shared/calendar/example.ts', "import { addDays } from './days.js';\nexport const x = addDays;\n"],
    ['the renderer using the typed API', 'src/renderer/lib/example.ts', "import type { ServiceConfig } from '../../shared/api/contract.js';\nexport type X = ServiceConfig;\n"],
  ])('accepts %s', async (_what, file, code) => {
    expect(await restrictedImports(file, code)).toEqual([]);
  });
});
