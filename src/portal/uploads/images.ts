import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { jpegSize, pngSize } from '../../shared/files/dimensions.js';
import { IMAGE_TOO_MANY_PIXELS_MESSAGE, IMAGE_UNREADABLE_MESSAGE, UPLOAD_MAX_PIXELS } from '../../shared/files/limits.js';
import { imageMime } from '../../shared/files/sniff.js';
import { readingSlot, runChild } from './isolated-child.js';

/**
 * An uploaded image decoded and encoded again as JPEG, reduced to `maxSide` pixels on its longer side: only pixels
 * survive (no bytes before or after the image, no metadata, no script appended to it). The decoding runs in a child
 * process: @napi-rs/canvas (Skia) ends the whole process with a segmentation fault on some malformed files (a PNG
 * signature followed by an HTML page), which must cost one upload, not the portal. The size the file declares is
 * checked from its header before anything is decoded (a decompression bomb never reaches the decoder).
 */
export type Reencoded = { ok: true; bytes: Buffer; mime: 'image/jpeg'; width: number; height: number } | { ok: false; message: string };

const JPEG_QUALITY = 88;

const canvasUrl = pathToFileURL(createRequire(import.meta.url).resolve('@napi-rs/canvas')).href;

/**
 * The child's program: reads the image on stdin, draws it on a white background (a transparent PNG does not turn
 * black), reduced to maxSide, and writes the JPEG on stdout after a one-line JSON header with its size. Skia turns a
 * JPEG upright by its EXIF orientation as it decodes it (tests/unit/upload-images.test.ts checks it), so a phone's
 * portrait photo stays a portrait once its metadata are gone.
 */
const CHILD_SOURCE = `
const canvasModule = await import(process.argv[1]);
const { createCanvas, loadImage } = canvasModule.default ?? canvasModule;
const [maxSide, quality] = process.argv.slice(2).map(Number);
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const image = await loadImage(Buffer.concat(chunks));
if (!(image.width > 0 && image.height > 0)) { process.stderr.write('empty image'); process.exit(2); }
const scale = Math.min(1, maxSide / Math.max(image.width, image.height));
const width = Math.max(1, Math.round(image.width * scale));
const height = Math.max(1, Math.round(image.height * scale));
const canvas = createCanvas(width, height);
const g = canvas.getContext('2d');
g.fillStyle = '#ffffff';
g.fillRect(0, 0, width, height);
g.drawImage(image, 0, 0, width, height);
const out = canvas.toBuffer('image/jpeg', quality);
process.stdout.write(JSON.stringify({ width, height }) + '\\n');
process.stdout.write(out);
`;

/** Decodes and encodes `bytes` again, or says in French why it cannot be. */
export async function reencodeImage(bytes: Buffer, maxSide: number): Promise<Reencoded> {
  const mime = imageMime(bytes);
  if (mime !== 'image/jpeg' && mime !== 'image/png') return { ok: false, message: IMAGE_UNREADABLE_MESSAGE };
  const size = mime === 'image/png' ? pngSize(bytes) : jpegSize(bytes);
  if (!size || size.width === 0 || size.height === 0) return { ok: false, message: IMAGE_UNREADABLE_MESSAGE };
  if (size.width * size.height > UPLOAD_MAX_PIXELS) return { ok: false, message: IMAGE_TOO_MANY_PIXELS_MESSAGE };
  const { code, stdout } = await readingSlot(() =>
    runChild(['--input-type=module', '-e', CHILD_SOURCE, canvasUrl, String(maxSide), String(JPEG_QUALITY)], bytes),
  );
  const newline = stdout.indexOf(0x0a);
  if (code !== 0 || newline < 0) return { ok: false, message: IMAGE_UNREADABLE_MESSAGE };
  const header = JSON.parse(stdout.subarray(0, newline).toString('utf8')) as { width: number; height: number };
  const jpeg = stdout.subarray(newline + 1);
  if (imageMime(jpeg) !== 'image/jpeg') return { ok: false, message: IMAGE_UNREADABLE_MESSAGE };
  return { ok: true, bytes: Buffer.from(jpeg), mime: 'image/jpeg', width: header.width, height: header.height };
}
