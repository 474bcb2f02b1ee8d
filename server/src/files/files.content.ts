/**
 * SECURITY-CRITICAL (docs/security.md §22). What an uploaded file is, decided by its bytes, never by
 * its name or the type a browser declared: PDF, JPEG and PNG only. Photos lose their metadata (EXIF
 * with GPS, XMP, comments, text chunks) before anything is stored; a PDF with scripts, launch
 * actions or embedded files is refused. Every walk checks its lengths against the bytes it has, so
 * a truncated or lying file is a problem (422), never an exception.
 *
 * Pure functions over a Buffer: linear in the file's size (at most FILE_UPLOAD_MAX_MB), a few
 * milliseconds for 10 MB, so they run on the request's thread.
 */
import { crc32, inflateSync } from 'node:zlib';
import { AppError, fieldError, type FieldError } from '../platform/http/problem.js';
import type { storedFileMediaTypes } from '../../../shared/src/contracts/files.js';

export type StoredMediaType = (typeof storedFileMediaTypes)[number];

export const fileExtensions: Record<StoredMediaType, string> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/png': 'png',
};

const FIELD = 'file';

const refuse = (code: 'fileTypeNotAllowed' | 'fileDamaged'): never => {
  throw new AppError(code, [fieldError(FIELD, code)]);
};
const damaged = (): never => refuse('fileDamaged');

/** The 413 of an upload over the limit, naming the limit in both languages. */
export function fileTooLarge(maxBytes: number): AppError {
  const megabytes = Math.floor(maxBytes / (1024 * 1024));
  const error: FieldError = {
    field: FIELD,
    code: 'fileTooLarge',
    messages: {
      pl: `Plik jest za duży: można przesłać najwyżej ${megabytes} MB.`,
      en: `The file is too large: at most ${megabytes} MB can be uploaded.`,
    },
  };
  return new AppError('payloadTooLarge', [error]);
}

const PDF_MAGIC = Buffer.from('%PDF-', 'latin1');
const JPEG_MAGIC = Buffer.from([0xff, 0xd8, 0xff]);
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The type the content says, or null for anything else (SVG, HTML, ZIP/DOCX, an executable, nothing). */
export function detectMediaType(bytes: Buffer): StoredMediaType | null {
  const startsWith = (magic: Buffer) => bytes.length >= magic.length && bytes.subarray(0, magic.length).equals(magic);
  if (startsWith(PDF_MAGIC)) return 'application/pdf';
  if (startsWith(JPEG_MAGIC)) return 'image/jpeg';
  if (startsWith(PNG_MAGIC)) return 'image/png';
  return null;
}

/**
 * Checks an upload and returns the bytes to store: photos without their metadata, a PDF as it came.
 * Throws the problem to answer (413 over `maxBytes`, 415 a type not allowed, 422 damaged or refused).
 */
export function prepareUpload(bytes: Buffer, maxBytes: number): { mediaType: StoredMediaType; bytes: Buffer } {
  if (bytes.length > maxBytes) throw fileTooLarge(maxBytes);
  const mediaType = detectMediaType(bytes) ?? refuse('fileTypeNotAllowed');
  switch (mediaType) {
    case 'application/pdf':
      checkPdf(bytes);
      return { mediaType, bytes };
    case 'image/jpeg':
      return { mediaType, bytes: stripJpegMetadata(bytes) };
    case 'image/png':
      return { mediaType, bytes: stripPngMetadata(bytes) };
  }
}

// ---------------------------------------------------------------------------------------------
// JPEG (ITU T.81, JFIF): SOI, then marker segments (FF xx, a two-byte big-endian length that counts
// itself), the entropy-coded data after each SOS up to the next marker that is not a stuffed FF 00
// or a restart marker, and EOI. Kept: APP0 (JFIF, its thumbnail removed), APP14 (Adobe: the colour transform decoders
// need for CMYK/YCCK), and every non-APP marker (tables, frame, scans). Dropped: APP1 (EXIF with
// GPS, XMP), every other APPn (ICC profiles, maker notes, Photoshop IRB with captions) and COM. The
// EXIF orientation alone is written back in a new APP1 of its own, so a photo is not shown sideways.
// Bytes after EOI are dropped too (they can carry anything).

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const APP0 = 0xe0;
const APP1 = 0xe1;
const APP14 = 0xee;
const COM = 0xfe;

/** Start-of-frame markers: C0-CF except DHT (C4), JPG (C8) and DAC (CC). */
const isStartOfFrame = (marker: number) => marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
const isRestart = (marker: number) => marker >= 0xd0 && marker <= 0xd7;
const isDroppedJpegSegment = (marker: number) =>
  marker === COM || (marker >= APP0 && marker <= 0xef && marker !== APP0 && marker !== APP14);

export function stripJpegMetadata(bytes: Buffer): Buffer {
  if (bytes[0] !== 0xff || bytes[1] !== SOI) damaged();
  const kept: Buffer[] = [bytes.subarray(0, 2)];
  let offset = 2;
  let hasFrame = false;
  let hasScan = false;
  let orientation: number | null = null;
  for (;;) {
    if (offset >= bytes.length || bytes[offset] !== 0xff) damaged();
    // Any number of FF fill bytes may precede a marker.
    while (offset < bytes.length && bytes[offset] === 0xff) offset += 1;
    if (offset >= bytes.length) damaged();
    const marker = bytes[offset]!;
    const markerStart = offset - 1;
    offset += 1;
    if (marker === EOI) {
      if (!hasFrame || !hasScan) damaged();
      kept.push(Buffer.from([0xff, EOI]));
      if (orientation !== null) {
        // After SOI and JFIF, where readers look for EXIF.
        const at = kept[1]?.[1] === APP0 ? 2 : 1;
        kept.splice(at, 0, orientationSegment(orientation));
      }
      return Buffer.concat(kept);
    }
    if (marker === SOI || marker === 0x00 || isRestart(marker)) damaged(); // none belongs between segments
    if (marker === 0x01) {
      kept.push(bytes.subarray(markerStart, offset)); // TEM: no length
      continue;
    }
    if (offset + 2 > bytes.length) damaged();
    const length = bytes.readUInt16BE(offset);
    if (length < 2 || offset + length > bytes.length) damaged();
    const segmentEnd = offset + length;
    if (isStartOfFrame(marker)) hasFrame = true;
    if (marker === SOS) {
      if (!hasFrame) damaged();
      hasScan = true;
      // The entropy-coded data runs to the next real marker (FF not followed by 00, a restart or fill).
      let scan = segmentEnd;
      for (;;) {
        scan = bytes.indexOf(0xff, scan);
        if (scan < 0 || scan + 1 >= bytes.length) damaged();
        const next = bytes[scan + 1]!;
        if (next === 0x00 || isRestart(next)) {
          scan += 2;
          continue;
        }
        break;
      }
      kept.push(bytes.subarray(markerStart, scan));
      offset = scan;
      continue;
    }
    if (marker === APP1 && orientation === null) orientation = exifOrientation(bytes.subarray(offset + 2, segmentEnd));
    if (marker === APP0) {
      const jfif = jfifWithoutThumbnail(bytes.subarray(offset + 2, segmentEnd));
      if (jfif) kept.push(jfif);
    } else if (!isDroppedJpegSegment(marker)) kept.push(bytes.subarray(markerStart, segmentEnd));
    offset = segmentEnd;
  }
}

const JFIF_HEADER = Buffer.from('JFIF\0', 'latin1');

/**
 * APP0 as a bare JFIF header (version, density) with no thumbnail: a thumbnail can show what the
 * stored image was cropped from. Other APP0 kinds (JFXX thumbnails) are dropped.
 */
function jfifWithoutThumbnail(payload: Buffer): Buffer | null {
  if (payload.length < 14 || !payload.subarray(0, JFIF_HEADER.length).equals(JFIF_HEADER)) return null;
  return Buffer.concat([Buffer.from([0xff, APP0, 0x00, 0x10]), payload.subarray(0, 12), Buffer.from([0, 0])]);
}

const EXIF_HEADER = Buffer.from('Exif\0\0', 'latin1');
const ORIENTATION_TAG = 0x0112;

/**
 * The EXIF orientation (2-8) of an APP1 payload, or null (none, 1, or anything unreadable). A phone
 * photo of a document taken upright is often stored sideways with this tag: without it the copy
 * would show rotated, so it is the one EXIF value kept (`orientationSegment`).
 */
function exifOrientation(payload: Buffer): number | null {
  if (payload.length < EXIF_HEADER.length + 8 || !payload.subarray(0, EXIF_HEADER.length).equals(EXIF_HEADER))
    return null;
  const tiff = payload.subarray(EXIF_HEADER.length);
  const order = tiff.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return null;
  const little = order === 'II';
  const u16 = (at: number) => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) return null;
  const entries = u16(ifd);
  for (let index = 0; index < entries; index += 1) {
    const entry = ifd + 2 + index * 12;
    if (entry + 12 > tiff.length) return null;
    if (u16(entry) !== ORIENTATION_TAG) continue;
    const value = u16(entry + 2) === 3 ? u16(entry + 8) : 0; // a SHORT, inline
    return value >= 2 && value <= 8 ? value : null;
  }
  return null;
}

/** A new APP1 holding only the orientation: `Exif`, a big-endian TIFF header and one IFD entry. */
function orientationSegment(orientation: number): Buffer {
  const segment = Buffer.alloc(4 + EXIF_HEADER.length + 8 + 2 + 12 + 4);
  segment.writeUInt16BE(0xff00 | APP1, 0);
  segment.writeUInt16BE(segment.length - 2, 2);
  EXIF_HEADER.copy(segment, 4);
  const tiff = 4 + EXIF_HEADER.length;
  segment.write('MM', tiff, 'latin1');
  segment.writeUInt16BE(42, tiff + 2);
  segment.writeUInt32BE(8, tiff + 4);
  segment.writeUInt16BE(1, tiff + 8); // one entry
  segment.writeUInt16BE(ORIENTATION_TAG, tiff + 10);
  segment.writeUInt16BE(3, tiff + 12); // SHORT
  segment.writeUInt32BE(1, tiff + 14); // one value
  segment.writeUInt16BE(orientation, tiff + 18); // inline, left-justified
  segment.writeUInt32BE(0, tiff + 22); // no next IFD
  return segment;
}

// ---------------------------------------------------------------------------------------------
// PNG (ISO/IEC 15948): the signature, then chunks of length (4 bytes, at most 2^31 - 1), type (4
// ASCII letters), data and a CRC-32 of type and data. IHDR first, IDAT at least once, IEND last.
// Kept: the critical chunks and the ancillary ones that change how the image looks (transparency,
// colour space, gamma, pixel size, background). Dropped: text (tEXt, zTXt, iTXt), EXIF (eXIf),
// the time (tIME) and every other ancillary chunk (private ones can carry anything), animation
// included (the still image stays). An unknown critical chunk is refused: no decoder could show it.

const PNG_RENDERING_CHUNKS = new Set([
  'IHDR',
  'PLTE',
  'IDAT',
  'IEND',
  'tRNS',
  'gAMA',
  'cHRM',
  'sRGB',
  'iCCP',
  'cICP',
  'mDCv',
  'cLLi',
  'sBIT',
  'bKGD',
  'pHYs',
]);
const PNG_CRITICAL_CHUNKS = new Set(['IHDR', 'PLTE', 'IDAT', 'IEND']);
const CHUNK_TYPE = /^[A-Za-z]{4}$/;

export function stripPngMetadata(bytes: Buffer): Buffer {
  if (bytes.length < PNG_MAGIC.length || !bytes.subarray(0, PNG_MAGIC.length).equals(PNG_MAGIC)) damaged();
  const kept: Buffer[] = [PNG_MAGIC];
  let offset = PNG_MAGIC.length;
  let index = 0;
  let hasImageData = false;
  for (; ; index += 1) {
    if (offset + 12 > bytes.length) damaged(); // length, type and CRC at the least
    const length = bytes.readUInt32BE(offset);
    if (length > 0x7fffffff || offset + 12 + length > bytes.length) damaged();
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    if (!CHUNK_TYPE.test(type)) damaged();
    const chunkEnd = offset + 12 + length;
    const stored = bytes.readUInt32BE(chunkEnd - 4);
    if (crc32(bytes.subarray(offset + 4, chunkEnd - 4)) !== stored) damaged(); // a lying length or bytes
    if (index === 0 && (type !== 'IHDR' || length !== 13)) damaged();
    if (index > 0 && type === 'IHDR') damaged();
    const isCritical = type[0]! >= 'A' && type[0]! <= 'Z';
    if (isCritical && !PNG_CRITICAL_CHUNKS.has(type)) damaged();
    if (type === 'IDAT') hasImageData = true;
    if (PNG_RENDERING_CHUNKS.has(type)) kept.push(bytes.subarray(offset, chunkEnd));
    offset = chunkEnd;
    if (type === 'IEND') {
      if (!hasImageData) damaged();
      return Buffer.concat(kept); // whatever follows IEND is dropped
    }
  }
}

// ---------------------------------------------------------------------------------------------
// PDF: `%PDF-` at the start and `%%EOF` in the last kilobyte (a cut-off upload fails here). Refused:
// encryption (the objects could not be checked) and the names that make a reader run something or
// carry other files: /JavaScript, /JS, /Launch, /EmbeddedFile(s), /RichMedia, /XFA. Names are
// compared after their #xx escapes are decoded (/J#61vaScript is /JavaScript), in the whole file
// and in its object streams, inflated with a bound (PDF 1.5+ keeps most dictionaries there). Only
// the two-letter /JS is looked for outside stream data alone, where compressed images would match
// it by chance; it does nothing without /S /JavaScript, which is looked for everywhere, so a fake
// `stream` keyword (in a string, say) cannot hide an action. An /OpenAction alone is accepted:
// scanners use it to set the zoom, and any action that could run something is one of these names.

/** Names looked for everywhere, stream data included: too long to occur by chance. */
const ACTIVE_NAMES = new Set(['JavaScript', 'Launch', 'EmbeddedFile', 'EmbeddedFiles', 'RichMedia', 'XFA']);
/** Looked for outside stream data only. */
const SHORT_ACTIVE_NAMES = new Set(['JS']);
const ENCRYPT = new Set(['Encrypt']);
const PDF_NAME = /\/([^\s/[\]<>(){}%]+)/g;
const STREAM_START = /stream\r?\n/g;
/** Inflated object streams in all, at most: a deflate bomb is refused, not followed. */
const MAX_INFLATED_BYTES = 64 * 1024 * 1024;

const decodeName = (name: string) =>
  name.replace(/#([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

/** Whether any of the texts holds one of the names; walks them without collecting (a file can hold millions). */
function holdsName(texts: readonly string[], names: ReadonlySet<string>): boolean {
  for (const text of texts)
    for (const match of text.matchAll(PDF_NAME)) if (names.has(decodeName(match[1]!))) return true;
  return false;
}

export function checkPdf(bytes: Buffer): void {
  const tail = bytes.toString('latin1', Math.max(0, bytes.length - 1024));
  if (!tail.includes('%%EOF')) damaged();
  const text = bytes.toString('latin1');
  // Split the file into the parts outside stream data, and inflate the object streams.
  const outside: string[] = [];
  const inflated: string[] = [];
  let inflatedBytes = 0;
  let position = 0;
  STREAM_START.lastIndex = 0;
  for (let match = STREAM_START.exec(text); match; match = STREAM_START.exec(text)) {
    const dataStart = match.index + match[0].length;
    const dataEnd = text.indexOf('endstream', dataStart);
    if (dataEnd < 0) damaged();
    const dictionary = text.slice(position, match.index);
    outside.push(dictionary);
    // The stream's dictionary: from its object's `obj` keyword (dictionaries nest, so not from `<<`).
    const objectStart = dictionary.lastIndexOf('obj');
    const header = decodeName(objectStart >= 0 ? dictionary.slice(objectStart) : dictionary);
    if (/\/Type\s*\/ObjStm/.test(header)) {
      if (!/\/FlateDecode/.test(header)) throw pdfRefused('pdfActiveContent'); // not a filter we can check
      try {
        const data = inflateSync(bytes.subarray(dataStart, dataEnd), {
          maxOutputLength: MAX_INFLATED_BYTES - inflatedBytes,
        });
        inflatedBytes += data.length;
        inflated.push(data.toString('latin1'));
      } catch {
        // A broken or oversized object stream cannot be checked, so it is not accepted.
        damaged();
      }
    }
    position = dataEnd + 'endstream'.length;
    STREAM_START.lastIndex = position;
  }
  outside.push(text.slice(position));
  const structure = [...outside, ...inflated];
  if (holdsName(structure, ENCRYPT)) throw pdfRefused('pdfEncrypted');
  if (holdsName(structure, SHORT_ACTIVE_NAMES)) throw pdfRefused('pdfActiveContent');
  if (holdsName([text, ...inflated], ACTIVE_NAMES)) throw pdfRefused('pdfActiveContent');
}

const pdfRefused = (code: 'pdfActiveContent' | 'pdfEncrypted') =>
  new AppError('fileContentRefused', [fieldError(FIELD, code)]);

// ---------------------------------------------------------------------------------------------

const MAX_FILE_NAME = 200;
// C0 and C1 controls, DEL, and the bidirectional overrides and isolates that can make
// "raport‮fdp.exe" look like something else.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_NAME_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * The name to keep and to offer on download: no folders, no control or direction characters, no
 * leading dots, at most 200 characters, and the extension of the type the content has (a PDF
 * uploaded as `skan.exe` is offered as `skan.exe.pdf`).
 */
export function sanitizeFileName(name: string, mediaType: StoredMediaType): string {
  const extension = fileExtensions[mediaType];
  const base = name.split(/[/\\]/).pop() ?? '';
  let clean = base
    .normalize('NFC')
    .replace(LONE_SURROGATE, '')
    .replace(UNSAFE_NAME_CHARACTERS, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s]+/, '');
  const accepted = mediaType === 'image/jpeg' ? /\.(jpe?g)$/i : new RegExp(`\\.${extension}$`, 'i');
  if (!accepted.test(clean)) clean = clean ? `${clean}.${extension}` : `plik.${extension}`;
  const characters = [...clean];
  if (characters.length <= MAX_FILE_NAME) return clean;
  // Too long: shorten the stem and keep the extension.
  const suffix = clean.slice(clean.lastIndexOf('.'));
  return [...clean.slice(0, clean.lastIndexOf('.'))].slice(0, MAX_FILE_NAME - [...suffix].length).join('') + suffix;
}
