import { createCanvas, loadImage } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { IMAGE_TOO_MANY_PIXELS_MESSAGE, IMAGE_UNREADABLE_MESSAGE } from '../../src/shared/files/limits.js';
import { reencodeImage } from '../../src/portal/uploads/images.js';

/** A 40 x 20 JPEG, red on its left half and blue on its right, with an EXIF orientation when given. */
function jpeg(orientation?: number): Buffer {
  const canvas = createCanvas(40, 20);
  const g = canvas.getContext('2d');
  g.fillStyle = '#ff0000';
  g.fillRect(0, 0, 20, 20);
  g.fillStyle = '#0000ff';
  g.fillRect(20, 0, 20, 20);
  const bytes = canvas.toBuffer('image/jpeg', 95);
  if (orientation === undefined) return bytes;
  // APP1 « Exif »: a big-endian TIFF header, one IFD with one entry, Orientation (0x0112, SHORT, 1 value).
  const tiff = Buffer.from([0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0]);
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(body.length + 2);
  return Buffer.concat([bytes.subarray(0, 2), Buffer.from([0xff, 0xe1]), length, body, bytes.subarray(2)]);
}

async function pixel(bytes: Buffer, x: number, y: number): Promise<[number, number, number]> {
  const image = await loadImage(bytes);
  const canvas = createCanvas(image.width, image.height);
  const g = canvas.getContext('2d');
  g.drawImage(image, 0, 0);
  const [r, gr, b] = g.getImageData(x, y, 1, 1).data;
  return [r!, gr!, b!];
}

const reddish = ([r, g, b]: [number, number, number]) => r > 200 && g < 60 && b < 60;
const bluish = ([r, g, b]: [number, number, number]) => b > 200 && r < 60 && g < 60;

describe('an uploaded image encoded again', () => {
  it('turns the picture upright by its EXIF orientation, as the phone showed it, before the metadata are dropped', async () => {
    const upright = await reencodeImage(jpeg(6), 1600);
    if (!upright.ok) throw new Error(upright.message);
    // Turned a quarter clockwise: 20 wide, 40 high, the left (red) half now on top.
    expect([upright.width, upright.height]).toEqual([20, 40]);
    expect(reddish(await pixel(upright.bytes, 10, 5))).toBe(true);
    expect(bluish(await pixel(upright.bytes, 10, 35))).toBe(true);
    const plain = await reencodeImage(jpeg(), 1600);
    if (!plain.ok) throw new Error(plain.message);
    expect([plain.width, plain.height]).toEqual([40, 20]);
    expect(reddish(await pixel(plain.bytes, 5, 10))).toBe(true);
  });

  it('refuses a decompression bomb from its header and a file that is not an image, without decoding', async () => {
    // A PNG header declaring 30000 x 30000 pixels.
    const header = Buffer.from('89504e470d0a1a0a0000000d49484452000075300000753008060000000000000000', 'hex');
    expect(await reencodeImage(header, 1600)).toEqual({ ok: false, message: IMAGE_TOO_MANY_PIXELS_MESSAGE });
    expect(await reencodeImage(Buffer.from('GIF89a'), 1600)).toEqual({ ok: false, message: IMAGE_UNREADABLE_MESSAGE });
  });
});
