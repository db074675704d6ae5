import { createCanvas } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { boundedScale, jpegSize, pngSize } from '../../src/shared/files/dimensions.js';
import { decodeImage } from '../../src/office/sepa/scan/image.js';
import { jpegBomb, pngBomb, startOfFrame } from '../helpers/scan-bombs.js';

/** The sizes PNG and JPEG headers declare, read without decoding (the decompression-bomb check of read-scan.ts). */

function drawn(width: number, height: number, format: 'image/png' | 'image/jpeg'): Buffer {
  const canvas = createCanvas(width, height);
  const context = canvas.getContext('2d');
  context.fillStyle = '#fff';
  context.fillRect(0, 0, width, height);
  context.fillStyle = '#000';
  context.fillText('FR76', 2, 12);
  return format === 'image/png' ? canvas.toBuffer('image/png') : canvas.toBuffer('image/jpeg', 85);
}

describe('declared image sizes', () => {
  it('a PNG: its IHDR, and a 30000 x 30000 bomb weighing little', async () => {
    expect(pngSize(drawn(317, 45, 'image/png'))).toEqual({ width: 317, height: 45 });
    const bomb = await pngBomb();
    expect(bomb.length).toBeLessThan(1024 * 1024);
    expect(pngSize(bomb)).toEqual({ width: 30_000, height: 30_000 });
    expect(pngSize(bomb.subarray(0, 20))).toBeNull();
    expect(pngSize(Buffer.from('not a png at all, really not one'))).toBeNull();
  });

  it('a JPEG: its frame header, past an EXIF segment holding a thumbnail\'s frame', () => {
    const jpeg = drawn(401, 123, 'image/jpeg');
    expect(jpegSize(jpeg)).toEqual({ width: 401, height: 123 });
    // An APP1 segment inserted after SOI, carrying bytes that look like a 16 x 16 SOF0: skipped by its length.
    const fakeFrame = Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0x10, 0x00, 0x10, 0x03]);
    const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), fakeFrame, Buffer.alloc(8)]);
    const app1 = Buffer.concat([Buffer.from([0xff, 0xe1]), Buffer.from([0, payload.length + 2]), payload]);
    expect(jpegSize(Buffer.concat([jpeg.subarray(0, 2), app1, jpeg.subarray(2)]))).toEqual({ width: 401, height: 123 });
    // A progressive frame (SOF2) is a frame too.
    const progressive = Buffer.from(jpeg);
    progressive[startOfFrame(progressive) + 1] = 0xc2;
    expect(jpegSize(progressive)).toEqual({ width: 401, height: 123 });
    expect(jpegSize(jpegBomb())).toEqual({ width: 30_000, height: 30_000 });
    // Cut before its frame, or with no frame before the scan: no size.
    expect(jpegSize(jpeg.subarray(0, startOfFrame(jpeg) + 4))).toBeNull();
    expect(jpegSize(Buffer.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x08]))).toBeNull();
  });
});

describe('a PDF page raster', () => {
  it('A4 at 300 dpi as asked; a 200-inch poster page bounded in pixels and sides', () => {
    expect(boundedScale(595.28, 841.89, 300, 12_000_000, 12_000)).toBeCloseTo(300 / 72, 6);
    const poster = boundedScale(14_400, 14_400, 300, 12_000_000, 12_000);
    expect((14_400 * poster) ** 2).toBeLessThanOrEqual(12_000_000 + 1);
    // A ribbon: few pixels, but one side far too long for a canvas.
    const ribbon = boundedScale(100_000, 10, 300, 12_000_000, 12_000);
    expect(100_000 * ribbon).toBeLessThanOrEqual(12_000);
  });
});

describe('an image decoded for the OCR', () => {
  it('is scaled down to the pixel budget, keeping its shape and saying its own size; a small one is left as it is', async () => {
    const png = drawn(1200, 800, 'image/png');
    const scaled = await decodeImage(png, 240_000);
    expect(scaled.width * scaled.height).toBeLessThanOrEqual(240_000 + scaled.width + scaled.height);
    expect(scaled.width / scaled.height).toBeCloseTo(1.5, 2);
    expect(scaled.grey).toHaveLength(scaled.width * scaled.height);
    expect(scaled.scaledFrom).toEqual({ width: 1200, height: 800 });
    const whole = await decodeImage(png, 12_000_000);
    expect({ width: whole.width, height: whole.height, scaledFrom: whole.scaledFrom }).toEqual({ width: 1200, height: 800, scaledFrom: undefined });
  });
});
