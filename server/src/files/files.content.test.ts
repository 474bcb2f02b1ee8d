/**
 * The content checks of uploads (docs/security.md §22): the type comes from the bytes, photos lose
 * their metadata and still decode, and a damaged, lying or active file is a problem, never a crash.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { AppError } from '../platform/http/problem.js';
import {
  checkPdf,
  detectMediaType,
  prepareUpload,
  sanitizeFileName,
  stripJpegMetadata,
  stripPngMetadata,
} from './files.content.js';
import { attachmentDisposition } from './files.reply.js';
import {
  jpegMarkers,
  jpegWithMetadata,
  MARKER,
  pdf,
  pdfWithObjectStream,
  plainPng,
  pngChunk,
  pngPixels,
  pngWithMetadata,
  squareJpeg,
} from './files.fixtures.js';

const TEN_MB = 10 * 1024 * 1024;
const markerBytes = Buffer.from(MARKER, 'utf8');

function refusal(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('the type of a file comes from its content', () => {
  it.each([
    ['an SVG named .pdf', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')],
    ['an HTML page named .pdf', Buffer.from('<!doctype html><html><body>%PDF-</body></html>')],
    ['a DOCX (a ZIP) named .pdf', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00])],
    ['a Windows program named .pdf', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(64)])],
    ['an empty file', Buffer.alloc(0)],
    ['a GIF named .png', Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1')],
    ['the start of a PNG signature only', Buffer.from([0x89, 0x50, 0x4e, 0x47])],
  ])('%s: 415, "Dozwolone są tylko pliki PDF, JPEG i PNG"', (_, bytes) => {
    const error = refusal(() => prepareUpload(bytes, TEN_MB));
    expect(error.code).toBe('fileTypeNotAllowed');
    expect(error.status).toBe(415);
    expect(error.message).toBe('Only PDF, JPEG and PNG files are allowed.');
    expect(error.errors?.[0]).toMatchObject({ field: 'file', code: 'fileTypeNotAllowed' });
    expect(error.errors?.[0]?.messages.pl).toContain('Dozwolone są tylko pliki PDF, JPEG i PNG');
  });

  it('recognises each allowed type by its magic bytes', () => {
    expect(detectMediaType(pdf())).toBe('application/pdf');
    expect(detectMediaType(squareJpeg())).toBe('image/jpeg');
    expect(detectMediaType(plainPng())).toBe('image/png');
  });

  it('refuses a file over the limit with the limit in both languages (413)', () => {
    const bytes = Buffer.concat([pdf(), Buffer.alloc(2 * 1024 * 1024)]);
    const error = refusal(() => prepareUpload(bytes, 2 * 1024 * 1024));
    expect(error.status).toBe(413);
    expect(error.errors?.[0]).toMatchObject({ field: 'file', code: 'fileTooLarge' });
    expect(error.errors?.[0]?.messages.pl).toBe('Plik jest za duży: można przesłać najwyżej 2 MB.');
    expect(error.errors?.[0]?.messages.en).toBe('The file is too large: at most 2 MB can be uploaded.');
  });
});

describe('JPEG: metadata stripped, the image intact', () => {
  it('drops EXIF with GPS, XMP, Photoshop, ICC and comments; keeps JFIF, tables, frame, scan, EOI', () => {
    const original = squareJpeg();
    const uploaded = jpegWithMetadata(original);
    expect(uploaded.includes(markerBytes)).toBe(true);
    const stripped = stripJpegMetadata(uploaded);
    expect(stripped.includes(markerBytes)).toBe(false);
    expect(stripped.includes(Buffer.from('Exif'))).toBe(false);
    expect(stripped.includes(Buffer.from('ICC_PROFILE'))).toBe(false);
    const markers = jpegMarkers(stripped);
    expect(markers[0]).toBe(0xd8);
    expect(markers[1]).toBe(0xe0); // JFIF
    expect(markers.at(-1)).toBe(0xd9);
    expect(markers).toContain(0xdb); // quantisation tables
    expect(markers).toContain(0xc4); // Huffman tables
    expect(markers.some((marker) => marker === 0xc0 || marker === 0xc2)).toBe(true); // the frame
    expect(markers).toContain(0xda); // the scan
    expect(markers.filter((marker) => (marker >= 0xe1 && marker <= 0xef) || marker === 0xfe)).toEqual([]);
    // The image itself is byte for byte the encoder's: the same as the original without its ICC block.
    expect(stripped).toEqual(stripJpegMetadata(original));
    const scanStart = original.indexOf(Buffer.from([0xff, 0xda]));
    expect(stripped.subarray(stripped.indexOf(Buffer.from([0xff, 0xda])))).toEqual(original.subarray(scanStart));
    // Stripping is idempotent, and trailing bytes after EOI are dropped.
    expect(stripJpegMetadata(Buffer.concat([stripped, Buffer.from(MARKER)]))).toEqual(stripped);
  });

  it('keeps the JFIF header without its thumbnail, and drops other APP0 kinds', () => {
    const jpeg = squareJpeg();
    const thumbnail = Buffer.concat([
      jpeg.subarray(6, 18), // JFIF\0, version, units, densities,
      Buffer.from([2, 1]),
      Buffer.from(MARKER.padEnd(6, '-').slice(0, 6)),
    ]);
    const withThumbnail = Buffer.concat([
      jpeg.subarray(0, 2),
      Buffer.from([0xff, 0xe0, 0x00, thumbnail.length + 2]),
      thumbnail,
      Buffer.from([0xff, 0xe0, 0x00, 0x0b]),
      Buffer.from('JFXX\0\x13abc', 'latin1'),
      jpeg.subarray(20),
    ]);
    const stripped = stripJpegMetadata(withThumbnail);
    expect(stripped.includes(Buffer.from(MARKER.slice(0, 6)))).toBe(false);
    expect(stripped.includes(Buffer.from('JFXX'))).toBe(false);
    expect(stripped).toEqual(stripJpegMetadata(jpeg));
    expect(stripped.subarray(0, 20)).toEqual(jpeg.subarray(0, 20)); // the encoder's JFIF had no thumbnail
  });

  it('keeps only the EXIF orientation, so a phone photo is not shown sideways', () => {
    const stripped = stripJpegMetadata(jpegWithMetadata(squareJpeg(), { orientation: 6 }));
    expect(stripped.includes(markerBytes)).toBe(false);
    expect(jpegMarkers(stripped).slice(0, 3)).toEqual([0xd8, 0xe0, 0xe1]);
    const app1 = stripped.subarray(20, 20 + 2 + stripped.readUInt16BE(22));
    // Exif, a big-endian TIFF header, one IFD entry: tag 0x0112, SHORT, one value, 6; no GPS IFD.
    expect(app1.toString('hex')).toBe(
      'ffe10022' +
        Buffer.from('Exif\0\0').toString('hex') +
        '4d4d002a00000008' +
        '0001' +
        '011200030000000100060000' +
        '00000000',
    );
    // The image after it is the same as without any EXIF.
    const withoutExif = stripJpegMetadata(squareJpeg());
    expect(Buffer.concat([stripped.subarray(0, 20), stripped.subarray(20 + app1.length)])).toEqual(withoutExif);
    // Orientation 1 (upright) needs no EXIF at all.
    expect(stripJpegMetadata(jpegWithMetadata(squareJpeg(), { orientation: 1 }))).toEqual(withoutExif);
  });

  it.each([
    ['cut in the middle of the scan', (jpeg: Buffer) => jpeg.subarray(0, jpeg.length - 40)],
    ['cut inside a segment header', (jpeg: Buffer) => jpeg.subarray(0, 5)],
    ['only the start marker', (jpeg: Buffer) => jpeg.subarray(0, 3)],
    [
      'a segment length running past the end',
      (jpeg: Buffer) => {
        const lying = Buffer.from(jpeg);
        lying.writeUInt16BE(0xfff0, 4); // the APP0 length
        return lying;
      },
    ],
    [
      'a segment length below 2',
      (jpeg: Buffer) => {
        const lying = Buffer.from(jpeg);
        lying.writeUInt16BE(1, 4);
        return lying;
      },
    ],
    ['no frame before the end', () => Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x02, 0xff, 0xd9])],
    [
      'garbage where a marker belongs',
      (jpeg: Buffer) => Buffer.concat([jpeg.subarray(0, 20), Buffer.from('abc'), jpeg.subarray(20)]),
    ],
  ])('a JPEG %s is refused as damaged (422)', (_, damage) => {
    const error = refusal(() => prepareUpload(damage(jpegWithMetadata()), TEN_MB));
    expect(error.code).toBe('fileDamaged');
    expect(error.status).toBe(422);
    expect(error.errors?.[0]?.messages.pl).toBe('Plik jest uszkodzony albo niepełny.');
  });
});

describe('PNG: text, EXIF and time chunks stripped, the image intact', () => {
  it('comes back without the marker, with critical chunks only, and decodes to the same pixels', () => {
    const uploaded = pngWithMetadata();
    expect(uploaded.includes(markerBytes)).toBe(true);
    expect(PNG.sync.read(uploaded).data).toEqual(pngPixels().data); // the upload itself decodes
    const stripped = stripPngMetadata(uploaded);
    expect(stripped.includes(markerBytes)).toBe(false);
    for (const type of ['tEXt', 'zTXt', 'iTXt', 'eXIf', 'tIME'])
      expect(stripped.includes(Buffer.from(type))).toBe(false);
    const decoded = PNG.sync.read(stripped);
    expect({ width: decoded.width, height: decoded.height }).toEqual({ width: 4, height: 3 });
    expect(decoded.data).toEqual(pngPixels().data);
    expect(stripped).toEqual(stripPngMetadata(plainPng()));
  });

  it('keeps what rendering needs (gamma, physical size) and drops private chunks', () => {
    const png = plainPng();
    const withChunks = Buffer.concat([
      png.subarray(0, 33),
      pngChunk('gAMA', Buffer.from([0, 0, 0xb1, 0x8f])),
      pngChunk('prVt', Buffer.from(MARKER)),
      png.subarray(33),
    ]);
    const stripped = stripPngMetadata(withChunks);
    expect(stripped.includes(Buffer.from('gAMA'))).toBe(true);
    expect(stripped.includes(markerBytes)).toBe(false);
    expect(PNG.sync.read(stripped).data).toEqual(pngPixels().data);
  });

  it.each([
    ['cut in the middle', (png: Buffer) => png.subarray(0, png.length - 20)],
    ['without its end chunk', (png: Buffer) => png.subarray(0, png.length - 12)],
    ['only the signature', (png: Buffer) => png.subarray(0, 8)],
    [
      'a chunk length running past the end',
      (png: Buffer) => {
        const lying = Buffer.from(png);
        lying.writeUInt32BE(0x7ffffff0, 33); // the first chunk after IHDR
        return lying;
      },
    ],
    [
      'a wrong checksum',
      (png: Buffer) => {
        const lying = Buffer.from(png);
        lying[40] = lying[40]! ^ 0xff;
        return lying;
      },
    ],
    [
      'an unknown critical chunk',
      (png: Buffer) => Buffer.concat([png.subarray(0, 33), pngChunk('ABCD', Buffer.alloc(3)), png.subarray(33)]),
    ],
    ['no image data', (png: Buffer) => Buffer.concat([png.subarray(0, 33), png.subarray(png.length - 12)])],
  ])('a PNG %s is refused as damaged (422)', (_, damage) => {
    const error = refusal(() => prepareUpload(damage(pngWithMetadata()), TEN_MB));
    expect(error.code).toBe('fileDamaged');
    expect(error.status).toBe(422);
  });
});

describe('PDF: stored as it came, unless it could run something', () => {
  it('accepts a plain PDF unchanged, and an /OpenAction that only opens a page', () => {
    const plain = pdf();
    expect(prepareUpload(plain, TEN_MB)).toEqual({ mediaType: 'application/pdf', bytes: plain });
    expect(() => checkPdf(pdf('/OpenAction [3 0 R /Fit]'))).not.toThrow();
    // Stream data is not read for the two-letter /JS, which compressed data would hold by chance.
    expect(() => checkPdf(pdf('', 'see /JS in the manual'))).not.toThrow();
  });

  it.each([
    ['JavaScript on open', '/OpenAction << /S /JavaScript /JS (app.alert(1)) >>'],
    ['a name spelt with #xx escapes', '/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>'],
    ['a launch action', '/OpenAction << /S /Launch /F (cmd.exe) >>'],
    ['embedded files', '/Names << /EmbeddedFiles << /Names [(a.exe) 9 0 R] >> >>'],
    [
      'an action behind a fake stream keyword in a string',
      '/Title (x >>stream\n) /OpenAction << /S /JavaScript /JS (app.alert(1)) >> /Subject (endstream)',
    ],
  ])('refuses %s (422)', (_, catalog) => {
    const error = refusal(() => prepareUpload(pdf(catalog), TEN_MB));
    expect(error.code).toBe('fileContentRefused');
    expect(error.errors?.[0]?.code).toBe('pdfActiveContent');
  });

  it('finds JavaScript inside a compressed object stream', () => {
    const hidden = pdfWithObjectStream('<< /Type /Catalog /OpenAction << /S /JavaScript /JS (x) >> >>');
    expect(refusal(() => checkPdf(hidden)).errors?.[0]?.code).toBe('pdfActiveContent');
    expect(() => checkPdf(pdfWithObjectStream('<< /Type /Catalog /Pages 2 0 R >>'))).not.toThrow();
  });

  it('refuses an encrypted PDF, which could not be checked', () => {
    const encrypted = Buffer.from(
      pdf().toString('latin1').replace('trailer <<', 'trailer << /Encrypt 9 0 R'),
      'latin1',
    );
    expect(refusal(() => checkPdf(encrypted)).errors?.[0]?.code).toBe('pdfEncrypted');
  });

  it('checks a 10 MB PDF of nothing but names quickly, without collecting them', () => {
    const names = Buffer.from(Array.from({ length: 1_400_000 }, (_, i) => `/N${i.toString(36)}`).join(' '), 'latin1');
    const big = Buffer.concat([pdf().subarray(0, 9), names, Buffer.from('\n%%EOF\n')]);
    expect(big.length).toBeGreaterThan(9 * 1024 * 1024);
    const started = performance.now();
    expect(() => prepareUpload(big, TEN_MB)).not.toThrow();
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('refuses a cut-off PDF as damaged', () => {
    const plain = pdf();
    expect(refusal(() => checkPdf(plain.subarray(0, plain.length - 10))).code).toBe('fileDamaged');
  });
});

describe('file names', () => {
  it('keeps the name without folders, controls or direction tricks, with the right extension', () => {
    expect(sanitizeFileName('C:\\Users\\ania\\Umowa podpisana – Łódź.pdf', 'application/pdf')).toBe(
      'Umowa podpisana – Łódź.pdf',
    );
    expect(sanitizeFileName('../../etc/passwd', 'application/pdf')).toBe('passwd.pdf');
    expect(sanitizeFileName('skan\u0000\u001b[31m.pdf', 'application/pdf')).toBe('skan[31m.pdf');
    expect(sanitizeFileName('raport\u202efdp.exe', 'application/pdf')).toBe('raportfdp.exe.pdf');
    expect(sanitizeFileName('zdjęcie.JPEG', 'image/jpeg')).toBe('zdjęcie.JPEG');
    expect(sanitizeFileName('...', 'image/png')).toBe('plik.png');
    expect(sanitizeFileName('.htaccess', 'image/png')).toBe('htaccess.png');
    const long = sanitizeFileName(`${'ż'.repeat(300)}.pdf`, 'application/pdf');
    expect([...long]).toHaveLength(200);
    expect(long.endsWith('ż.pdf')).toBe(true);
  });

  it('offers it as an attachment with an RFC 5987 name and an ASCII stand-in', () => {
    expect(attachmentDisposition('Kopia "podpisana" – Łódź.pdf')).toBe(
      `attachment; filename="Kopia _podpisana_ _ Lodz.pdf"; filename*=UTF-8''Kopia%20%22podpisana%22%20%E2%80%93%20%C5%81%C3%B3d%C5%BA.pdf`,
    );
  });
});

describe('any damage is a problem, never an exception', () => {
  // Cut, overwritten and spliced variants of each allowed type: whatever comes back is either an
  // accepted file of the same type or one of the upload problems, so a route never answers 500.
  const uploads = [
    jpegWithMetadata(squareJpeg(), { orientation: 6 }),
    pngWithMetadata(),
    pdf(),
    pdfWithObjectStream('<< /Type /Catalog >>'),
  ];
  const problems = ['fileTypeNotAllowed', 'fileDamaged', 'fileContentRefused'];

  it('holds for random truncations and byte changes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...uploads),
        fc.nat(),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        (upload, cut, changes) => {
          const damaged = Buffer.from(upload.subarray(0, cut % (upload.length + 1)));
          for (const [at, value] of changes) if (damaged.length > 0) damaged[at % damaged.length] = value;
          try {
            const accepted = prepareUpload(damaged, TEN_MB);
            expect(accepted.mediaType).toBe(detectMediaType(damaged));
          } catch (error) {
            expect(error).toBeInstanceOf(AppError);
            expect(problems).toContain((error as AppError).code);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
