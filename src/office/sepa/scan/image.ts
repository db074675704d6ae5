import { createCanvas, loadImage } from '@napi-rs/canvas';

/**
 * Images prepared for the OCR with @napi-rs/canvas: decoded to know their size, and cleaned of the specks a dusty
 * scanner glass or a fax leaves (a 3 x 3 median on the grey levels), which tesseract otherwise reads as letters and
 * which break its lines. The clean copy is handed to tesseract as PNG.
 */

export interface DecodedImage {
  width: number;
  height: number;
  /** Grey levels, one byte a pixel, row by row. */
  grey: Uint8Array;
  /** The image's own size, when it was scaled down to `maxPixels` (width and height are then the smaller copy's). */
  scaledFrom?: { width: number; height: number };
}

/**
 * The image's grey levels, scaled down (never up) so that they hold at most `maxPixels`: a 40-megapixel photo is
 * read by the OCR at the resolution of an A4 page at 300 dpi, which is enough, faster, and bounds the memory the
 * cleaning and tesseract's own copy take.
 */
export async function decodeImage(bytes: Buffer, maxPixels = Number.POSITIVE_INFINITY): Promise<DecodedImage> {
  const image = await loadImage(bytes);
  if (!image.width || !image.height) throw new Error('image could not be decoded');
  const factor = Math.min(1, Math.sqrt(maxPixels / (image.width * image.height)));
  const width = Math.max(1, Math.round(image.width * factor));
  const height = Math.max(1, Math.round(image.height * factor));
  const canvas = createCanvas(width, height);
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, width, height);
  context.drawImage(image, 0, 0, width, height);
  const rgba = context.getImageData(0, 0, width, height).data;
  const grey = new Uint8Array(width * height);
  for (let i = 0, p = 0; i < grey.length; i += 1, p += 4) {
    grey[i] = ((rgba[p] as number) * 299 + (rgba[p + 1] as number) * 587 + (rgba[p + 2] as number) * 114) / 1000;
  }
  return factor < 1 ? { width, height, grey, scaledFrom: { width: image.width, height: image.height } } : { width, height, grey };
}

/** The 3 x 3 median of every pixel (edges kept as they are): isolated dots vanish, strokes of two pixels or more stay. */
export function medianFiltered(image: DecodedImage): DecodedImage {
  const { width, height, grey } = image;
  const out = new Uint8Array(grey);
  const window = new Uint8Array(9);
  for (let y = 1; y < height - 1; y += 1) {
    for (let x = 1; x < width - 1; x += 1) {
      let n = 0;
      for (let dy = -1; dy <= 1; dy += 1) {
        const row = (y + dy) * width + x;
        window[n++] = grey[row - 1] as number;
        window[n++] = grey[row] as number;
        window[n++] = grey[row + 1] as number;
      }
      window.sort();
      out[y * width + x] = window[4] as number;
    }
  }
  return { width, height, grey: out };
}

/** The grey image as PNG, the way tesseract.js takes images in. */
export function toPng(image: DecodedImage): Buffer {
  const canvas = createCanvas(image.width, image.height);
  const context = canvas.getContext('2d');
  const data = context.createImageData(image.width, image.height);
  for (let i = 0, p = 0; i < image.grey.length; i += 1, p += 4) {
    const level = image.grey[i] as number;
    data.data[p] = level;
    data.data[p + 1] = level;
    data.data[p + 2] = level;
    data.data[p + 3] = 255;
  }
  context.putImageData(data, 0, 0);
  return canvas.toBuffer('image/png');
}
