/**
 * The size a PNG or a JPEG declares, read from its header without decoding it. A few kilobytes of PNG can declare
 * 30000 x 30000 pixels (a decompression bomb): decoding it would take gigabytes, so the size is checked first
 * (the office's RIB reading and the portal's uploads refuse anything over their limit). Only the header is trusted here
 * for the count; the decoder itself rejects a file whose data do not match it.
 */

export interface DeclaredSize {
  width: number;
  height: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** A PNG's IHDR, which the format requires to be the first chunk: width and height at bytes 16 and 20. */
export function pngSize(bytes: Uint8Array): DeclaredSize | null {
  if (bytes.length < 24 || !PNG_SIGNATURE.every((byte, index) => bytes[index] === byte)) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') return null;
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** Start-of-frame markers (baseline, progressive, lossless, arithmetic …): all but DHT (C4), JPG (C8) and DAC (CC). */
const isStartOfFrame = (marker: number) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

/**
 * A JPEG's frame size, from its first start-of-frame segment: the segments before it (APPn with an EXIF thumbnail,
 * tables, comments) are skipped by their own lengths, so a thumbnail's frame inside APP1 is never taken for the image's.
 */
export function jpegSize(bytes: Uint8Array): DeclaredSize | null {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  let at = 2;
  while (at + 1 < bytes.length) {
    if (bytes[at] !== 0xff) return null;
    let marker = bytes[at + 1] as number;
    // Fill bytes: any number of 0xFF before a marker.
    while (marker === 0xff && at + 2 < bytes.length) {
      at += 1;
      marker = bytes[at + 1] as number;
    }
    at += 2;
    // Markers without a length: TEM, RSTn (and a stray SOI).
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) continue;
    // End of image or start of scan before any frame: no size declared.
    if (marker === 0xd9 || marker === 0xda) return null;
    if (at + 2 > bytes.length) return null;
    const length = ((bytes[at] as number) << 8) | (bytes[at + 1] as number);
    if (length < 2) return null;
    if (isStartOfFrame(marker)) {
      if (at + 7 > bytes.length) return null;
      const height = ((bytes[at + 3] as number) << 8) | (bytes[at + 4] as number);
      const width = ((bytes[at + 5] as number) << 8) | (bytes[at + 6] as number);
      return { width, height };
    }
    at += length;
  }
  return null;
}

export function declaredImageSize(bytes: Uint8Array, kind: 'image/png' | 'image/jpeg'): DeclaredSize | null {
  return kind === 'image/png' ? pngSize(bytes) : jpegSize(bytes);
}

/**
 * The scale (pixels per PDF point) at which a page of `width` x `height` points is drawn at `dpi`, lowered so that the
 * raster holds at most `maxPixels` pixels and neither side exceeds `maxSide`: a page can declare any size (a poster,
 * a user unit of 75000), and its raster must stay bounded whatever it says.
 */
export function boundedScale(width: number, height: number, dpi: number, maxPixels: number, maxSide: number): number {
  let scale = dpi / 72;
  const area = Math.max(1, width) * Math.max(1, height);
  if (area * scale * scale > maxPixels) scale = Math.sqrt(maxPixels / area);
  const side = Math.max(width, height, 1);
  if (side * scale > maxSide) scale = maxSide / side;
  return scale;
}
