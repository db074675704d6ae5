import { createWorker, OEM, type Worker as TesseractWorker } from 'tesseract.js';
import { frenchLanguageDir, tesseractWorkerScript } from './assets.js';
import type { ScanWord } from './rib-fields.js';

/**
 * OCR with tesseract.js and the French data shipped in @tesseract.js-data/fra, fully offline: the data are read from
 * the package's folder (`langPath`, gzipped as shipped) and never cached elsewhere (`cacheMethod: 'none'`), so no CDN
 * and no write outside the app. One tesseract worker (a thread running the WebAssembly engine) is kept between reads,
 * since starting one and loading the language costs about a second; it is started on the first read and stopped after
 * IDLE_MS without any, or when the office closes (closeOcr).
 */

export const IDLE_MS = 2 * 60_000;

/** The settings every read uses; the benchmark gives the same to tesseract.js alone, to compare like with like. */
export function tesseractOptions(): Parameters<typeof createWorker>[2] {
  return {
    langPath: frenchLanguageDir(),
    gzip: true,
    cacheMethod: 'none',
    workerPath: tesseractWorkerScript(),
    logger: (message: { status: string; progress: number }) => listener?.(message),
    errorHandler: () => {},
  };
}

export const TESSERACT_LANGUAGE = 'fra';
export const TESSERACT_OEM = OEM.LSTM_ONLY;

let worker: Promise<TesseractWorker> | null = null;
let idleTimer: NodeJS.Timeout | null = null;
/** Reads one after the other: the engine does one image at a time anyway, and progress goes to the read under way. */
let queue: Promise<unknown> = Promise.resolve();
let listener: ((message: { status: string; progress: number }) => void) | null = null;

function theWorker(): Promise<TesseractWorker> {
  if (!worker) {
    const starting = createWorker(TESSERACT_LANGUAGE, TESSERACT_OEM, tesseractOptions());
    worker = starting;
    // A worker that failed to start is forgotten, so that the next read tries again.
    starting.catch(() => {
      if (worker === starting) worker = null;
    });
  }
  return worker;
}

function armIdleStop(): void {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = setTimeout(() => void closeOcr(), IDLE_MS);
  idleTimer.unref();
}

export interface OcrPage {
  words: ScanWord[];
  /** The mean confidence tesseract gives the page (0 to 100). */
  confidence: number;
}

/**
 * The words of an image (PNG, JPEG or PGM bytes) of `width` x `height` pixels, boxes as fractions of the image, each
 * word tagged with its OCR line. `onProgress` hears tesseract's recognition progress (0 to 1).
 */
export function recognizeWords(image: Buffer, size: { width: number; height: number; page: number }, onProgress?: (fraction: number) => void): Promise<OcrPage> {
  const run = async (): Promise<OcrPage> => {
    if (idleTimer) clearTimeout(idleTimer);
    try {
      const engine = await theWorker();
      listener = (message) => {
        if (message.status === 'recognizing text') onProgress?.(message.progress);
      };
      const { data } = await engine.recognize(image, {}, { blocks: true, text: false });
      const words: ScanWord[] = [];
      (data.blocks ?? []).forEach((block, b) =>
        block.paragraphs.forEach((paragraph, p) =>
          paragraph.lines.forEach((line, l) => {
            for (const word of line.words) {
              words.push({
                text: word.text,
                page: size.page,
                x: word.bbox.x0 / size.width,
                y: word.bbox.y0 / size.height,
                width: (word.bbox.x1 - word.bbox.x0) / size.width,
                height: (word.bbox.y1 - word.bbox.y0) / size.height,
                confidence: word.confidence,
                line: `${b}.${p}.${l}`,
              });
            }
          }),
        ),
      );
      return { words, confidence: data.confidence };
    } finally {
      listener = null;
      armIdleStop();
    }
  };
  const result = queue.then(run, run);
  queue = result.catch(() => undefined);
  return result;
}

/** Stops the kept worker (the office closing, or idle); the next read starts a new one. */
export async function closeOcr(): Promise<void> {
  if (idleTimer) {
    clearTimeout(idleTimer);
    idleTimer = null;
  }
  const stopping = worker;
  worker = null;
  if (!stopping) return;
  try {
    await (await stopping).terminate();
  } catch {
    // A worker that never started has nothing to stop.
  }
}
