/**
 * Test files for the stored-files tests: a real JPEG (16 x 12, written by Chromium's encoder, with
 * JFIF and an ICC profile), PNGs written by pngjs, small PDFs, and the metadata a phone adds.
 * Each metadata block carries MARKER, so a test can look for it in whatever is stored.
 */
import { readFileSync } from 'node:fs';
import { deflateSync, crc32 } from 'node:zlib';
import { PNG } from 'pngjs';

export const MARKER = 'ZNACZNIK-GPS-Żółć-50.0614N';

export const squareJpeg = (): Buffer => readFileSync(new URL('./fixtures/square.jpg', import.meta.url));

const segment = (marker: number, payload: Buffer) => {
  const header = Buffer.alloc(4);
  header.writeUInt8(0xff, 0);
  header.writeUInt8(marker, 1);
  header.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([header, payload]);
};

/**
 * A little-endian TIFF as EXIF carries it: IFD0 with an ImageDescription, the orientation when
 * given, and a GPS IFD (latitude 50° 3' 41" N).
 */
function exifWithGps(text: string, orientation?: number): Buffer {
  const description = Buffer.from(`${text}\0`, 'utf8');
  const entries: Array<(tiff: Buffer, at: number) => void> = [];
  const ifd0Count = orientation === undefined ? 2 : 3;
  const gpsIfd = 8 + 2 + ifd0Count * 12 + 4;
  const rational = gpsIfd + 2 + 2 * 12 + 4;
  const descriptionAt = rational + 24;
  const entry = (tag: number, type: number, count: number, value: (tiff: Buffer, at: number) => void) =>
    entries.push((tiff, at) => {
      tiff.writeUInt16LE(tag, at);
      tiff.writeUInt16LE(type, at + 2);
      tiff.writeUInt32LE(count, at + 4);
      value(tiff, at + 8);
    });
  entry(0x010e, 2, description.length, (tiff, at) => tiff.writeUInt32LE(descriptionAt, at)); // ImageDescription
  if (orientation !== undefined) entry(0x0112, 3, 1, (tiff, at) => tiff.writeUInt16LE(orientation, at)); // Orientation
  entry(0x8825, 4, 1, (tiff, at) => tiff.writeUInt32LE(gpsIfd, at)); // GPSInfo
  const tiff = Buffer.alloc(descriptionAt + description.length);
  tiff.write('II*\0', 0, 'latin1');
  tiff.writeUInt32LE(8, 4);
  tiff.writeUInt16LE(entries.length, 8);
  entries.forEach((write, index) => write(tiff, 10 + index * 12));
  tiff.writeUInt32LE(0, 10 + entries.length * 12);
  // The GPS IFD: GPSLatitudeRef "N" and GPSLatitude as three RATIONALs.
  tiff.writeUInt16LE(2, gpsIfd);
  tiff.writeUInt16LE(0x0001, gpsIfd + 2);
  tiff.writeUInt16LE(2, gpsIfd + 4);
  tiff.writeUInt32LE(2, gpsIfd + 6);
  tiff.write('N\0', gpsIfd + 10, 'latin1');
  tiff.writeUInt16LE(0x0002, gpsIfd + 14);
  tiff.writeUInt16LE(5, gpsIfd + 16);
  tiff.writeUInt32LE(3, gpsIfd + 18);
  tiff.writeUInt32LE(rational, gpsIfd + 22);
  tiff.writeUInt32LE(0, gpsIfd + 26);
  [50, 1, 3, 1, 41, 1].forEach((value, index) => tiff.writeUInt32LE(value, rational + index * 4));
  description.copy(tiff, descriptionAt);
  return Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
}

/** The JPEG as a phone would send it: EXIF with GPS, XMP, a Photoshop block and a comment, each with MARKER. */
export function jpegWithMetadata(jpeg = squareJpeg(), options: { orientation?: number } = {}): Buffer {
  const xmp = Buffer.from(
    `http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description>${MARKER}</rdf:Description></x:xmpmeta>`,
    'utf8',
  );
  return Buffer.concat([
    jpeg.subarray(0, 2),
    segment(0xe1, exifWithGps(MARKER, options.orientation)),
    jpeg.subarray(2, 20), // APP0 JFIF (the fixture's first segment, 18 bytes)
    segment(0xe1, xmp),
    segment(0xed, Buffer.from(`Photoshop 3.0\0${MARKER}`, 'utf8')),
    segment(0xfe, Buffer.from(MARKER, 'utf8')),
    jpeg.subarray(20),
  ]);
}

export type JpegSegment = { marker: number; start: number; end: number };

/** The markers of a JPEG in order (entropy-coded data skipped), for checking a structure in tests. */
export function jpegMarkers(jpeg: Buffer): number[] {
  const markers = [0xd8];
  let offset = 2;
  while (offset < jpeg.length) {
    const marker = jpeg[offset + 1]!;
    markers.push(marker);
    if (marker === 0xd9) break;
    let end = offset + 2 + jpeg.readUInt16BE(offset + 2);
    if (marker === 0xda) {
      while (!(jpeg[end] === 0xff && jpeg[end + 1] !== 0 && !(jpeg[end + 1]! >= 0xd0 && jpeg[end + 1]! <= 0xd7)))
        end += 1;
    }
    offset = end;
  }
  return markers;
}

/** A 4 x 3 RGBA image with every pixel different. */
export function pngPixels(): { width: number; height: number; data: Buffer } {
  const width = 4;
  const height = 3;
  const data = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i += 1) data.set([i * 20, 255 - i * 20, (i * 47) % 256, 255], i * 4);
  return { width, height, data };
}

export const plainPng = (): Buffer => PNG.sync.write(pngPixels());

export function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])));
  return Buffer.concat([head, data, crc]);
}

/** The PNG with text, compressed text, international text, EXIF and time chunks, each with MARKER. */
export function pngWithMetadata(png = plainPng()): Buffer {
  const afterHeader = 8 + 25; // signature + IHDR chunk
  const iend = png.length - 12;
  return Buffer.concat([
    png.subarray(0, afterHeader),
    pngChunk('tEXt', Buffer.from(`Comment\0${MARKER}`, 'utf8')),
    pngChunk('zTXt', Buffer.concat([Buffer.from('Author\0\0', 'latin1'), deflateSync(Buffer.from(MARKER, 'utf8'))])),
    pngChunk('iTXt', Buffer.from(`Description\0\0\0pl\0Opis\0${MARKER}`, 'utf8')),
    pngChunk('eXIf', exifWithGps(MARKER).subarray(6)),
    png.subarray(afterHeader, iend),
    pngChunk('tIME', Buffer.from([0x07, 0xea, 12, 4, 20, 30, 0])),
    png.subarray(iend),
  ]);
}

/** A one-page PDF (hand-written objects; the cross-reference table is not needed by our checks). */
export function pdf(extraCatalog = '', pageText = MARKER): Buffer {
  return Buffer.from(
    [
      '%PDF-1.7',
      '%\u00e2\u00e3\u00cf\u00d3',
      `1 0 obj << /Type /Catalog /Pages 2 0 R ${extraCatalog} >> endobj`,
      '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj',
      '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >> endobj',
      `4 0 obj << /Length ${pageText.length + 21} >>\nstream\nBT /F1 12 Tf (${pageText}) Tj ET\nendstream\nendobj`,
      'trailer << /Root 1 0 R >>',
      '%%EOF',
      '',
    ].join('\n'),
    'latin1',
  );
}

/** A PDF 1.5 whose catalog sits in a compressed object stream. */
export function pdfWithObjectStream(objects: string): Buffer {
  const data = deflateSync(Buffer.from(`1 0 ${objects}`, 'latin1'));
  return Buffer.concat([
    Buffer.from(
      `%PDF-1.7\n5 0 obj << /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length ${data.length} >>\nstream\n`,
      'latin1',
    ),
    data,
    Buffer.from('\nendstream\nendobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1'),
  ]);
}
