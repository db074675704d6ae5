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

/**
 * A one-page A4 PDF painting an image XObject that declares `width` x `height` 1-bit grey pixels, its data a deflated
 * stream of zeros (about 110 kB for 30000 x 30000): small on disk, gigabytes once drawn.
 */
export async function pdfWithImageBomb(width = 30_000, height = 30_000): Promise<Buffer> {
  const png = await pngBomb(width, height);
  // The PNG's IDAT is a zlib stream of rows each led by a filter byte; PDF's FlateDecode with the PNG predictor reads
  // exactly that.
  const idatLength = png.readUInt32BE(33);
  const data = png.subarray(41, 41 + idatLength);
  const content = 'q 500 0 0 500 50 300 cm /Im1 Do Q';
  const parts: (string | Buffer)[] = [];
  const offsets: number[] = [];
  let length = 0;
  const push = (part: string | Buffer) => {
    parts.push(part);
    length += typeof part === 'string' ? Buffer.byteLength(part, 'latin1') : part.length;
  };
  push('%PDF-1.4\n');
  const objects: (string | [string, Buffer])[] = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    [
      `<< /Type /XObject /Subtype /Image /Width ${width} /Height ${height} /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /FlateDecode /DecodeParms << /Predictor 15 /Columns ${width} /Colors 1 /BitsPerComponent 1 >> /Length ${data.length} >>\nstream\n`,
      data,
    ],
  ];
  objects.forEach((object, index) => {
    offsets.push(length);
    push(`${index + 1} 0 obj\n`);
    if (typeof object === 'string') push(object);
    else {
      push(object[0]);
      push(object[1]);
      push('\nendstream');
    }
    push('\nendobj\n');
  });
  const xref = length;
  push(`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('')}`);
  push(`trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  return Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : part)));
}
