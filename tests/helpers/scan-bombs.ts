import { once } from 'node:events';
import zlib from 'node:zlib';
import { createCanvas } from '@napi-rs/canvas';

/**
 * Images that declare far more pixels than they weigh (decompression bombs), built by the tests: a real PNG whose
 * IHDR says 30000 x 30000 and whose data are that many rows of deflated zeros, and a real JPEG whose frame header is
 * rewritten to say 30000 x 30000. Decoding either would take gigabytes; the office must refuse them from the header.
 */

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (crcTable[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid 1-bit grey PNG of `width` x `height`, all black: about 110 kB for 30000 x 30000 (900 Mpx). */
export async function pngBomb(width = 30_000, height = 30_000): Promise<Buffer> {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  // Every row: filter byte 0 and zeros. Deflated as a stream, so the test never holds the 110 MB of raw rows.
  const rowBytes = 1 + Math.ceil(width / 8);
  const deflate = zlib.createDeflate({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (part: Buffer) => out.push(part));
  const ended = once(deflate, 'end');
  const slice = Buffer.alloc(rowBytes * 1000);
  for (let left = height; left > 0; left -= 1000) {
    if (!deflate.write(left >= 1000 ? slice : slice.subarray(0, rowBytes * left))) await once(deflate, 'drain');
  }
  deflate.end();
  await ended;
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', Buffer.concat(out)), chunk('IEND', Buffer.alloc(0))]);
}

/** A real JPEG drawn by @napi-rs/canvas whose start-of-frame is rewritten to declare `width` x `height`. */
export function jpegBomb(width = 30_000, height = 30_000): Buffer {
  const canvas = createCanvas(64, 64);
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, 64, 64);
  const jpeg = Buffer.from(canvas.toBuffer('image/jpeg', 80));
  const at = startOfFrame(jpeg);
  jpeg.writeUInt16BE(height, at + 5);
  jpeg.writeUInt16BE(width, at + 7);
  return jpeg;
}

/** The offset of a JPEG's first SOFn marker, walking the segments by their lengths. */
export function startOfFrame(jpeg: Buffer): number {
  let at = 2;
  for (;;) {
    const marker = jpeg[at + 1] as number;
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) return at;
    at += 2 + jpeg.readUInt16BE(at + 2);
  }
}
