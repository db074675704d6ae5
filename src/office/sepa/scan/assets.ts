import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * Where the OCR and PDF packages keep the files they read at run time: the French language data
 * (@tesseract.js-data/fra), tesseract.js's worker script, pdfjs's fonts, character maps and image decoders. All are
 * resolved from this module's own location, which is the source file under tsx and vitest and the bundle
 * (dist/main/office-worker.cjs, whose import.meta.url the build's banner provides) in the app: both find the
 * project's node_modules above them, and electron-builder packages the production dependencies beside dist/. Nothing is
 * ever fetched: these folders ship with the app.
 */

const require = createRequire(import.meta.url);

const packageDir = (name: string): string => path.dirname(require.resolve(`${name}/package.json`));

/** The folder of fra.traineddata.gz, as the package itself describes it (its index.js). */
export function frenchLanguageDir(): string {
  const described = require('@tesseract.js-data/fra') as { langPath: string; gzip: boolean };
  return described.langPath;
}

/** tesseract.js's own worker script for Node, named explicitly so it is found whatever bundles tesseract.js. */
export function tesseractWorkerScript(): string {
  return path.join(packageDir('tesseract.js'), 'src', 'worker-script', 'node', 'index.js');
}

/** pdfjs's data folders, each with the trailing separator pdfjs requires. */
export function pdfjsDataDirs(): { standardFontDataUrl: string; cMapUrl: string; wasmUrl: string; iccUrl: string } {
  const root = packageDir('pdfjs-dist');
  const dir = (name: string) => `${path.join(root, name)}${path.sep}`;
  return { standardFontDataUrl: dir('standard_fonts'), cMapUrl: dir('cmaps'), wasmUrl: dir('wasm'), iccUrl: dir('iccs') };
}
