/**
 * SECURITY-RELEVANT. The CPU-bound half of the sheet import, run in an import worker
 * (platform/workers, basket/import-jobs.ts), never on the event loop. An uploaded spreadsheet is
 * hostile input (docs/security.md §22): the body must be an Office Open XML workbook (ZIP) no larger
 * than the route's 10 MiB, whose entries inflate (checked with a bounded inflater, see checkZip) to
 * no more than 50 MiB with at most IMPORT_MAX_CELLS cells per sheet, and with at most
 * IMPORT_ROW_LIMIT filled rows. Formulas are never evaluated (the cached value is read). What comes
 * back is plain text per row and column; the rows are checked on the main thread
 * (spreadsheet.import.ts).
 */
import { inflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { AppError, fieldError } from '../../platform/http/problem.js';
import { normalizeForSearch } from '../../../../shared/src/text.js';
import { SHEET_NAME, sheetColumns } from './spreadsheet.columns.js';

export const IMPORT_ROW_LIMIT = 5_000;
export const IMPORT_MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024;

/** Entries an .xlsx has are a dozen or two; thousands are a crafted file. */
const ZIP_MAX_ENTRIES = 2_000;
/**
 * Cells in one worksheet: 5,001 rows of the template's 34 columns are 170,000. More is no basket
 * sheet, and exceljs needs some 400 MB for a million small cells (security issue 6).
 */
export const IMPORT_MAX_CELLS = 200_000;

/** 'notZip': not a ZIP, or a ZIP that is not an Office Open XML workbook. */
type ZipCheck = 'ok' | 'notZip' | 'tooLarge';

/**
 * The zip-bomb guard, before exceljs (JSZip) sees the file. JSZip inflates an entry fully and only
 * then compares the length with the declared size, so a lying central directory would still cost
 * the memory. Here every entry is inflated with zlib's `maxOutputLength` set to its declared size
 * (plus one byte, to catch a lie), the declared sizes together may not exceed maxTotal, and the
 * inflated bytes must equal the declaration. Encrypted entries, ZIP64 and methods other than
 * stored/deflate are refused: an .xlsx under 10 MiB needs none of them. Each worksheet's cells are
 * counted too, so exceljs never builds millions of cell objects from a small, dense sheet.
 */
export function checkZip(zip: Buffer, maxTotal: number, maxCells = IMPORT_MAX_CELLS): ZipCheck {
  let end = -1;
  for (let offset = zip.length - 22; offset >= Math.max(0, zip.length - 22 - 65_535); offset -= 1) {
    if (zip.readUInt32LE(offset) === 0x06054b50) {
      end = offset;
      break;
    }
  }
  if (end < 0) return 'notZip';
  const entries = zip.readUInt16LE(end + 10);
  let cursor = zip.readUInt32LE(end + 16);
  if (entries === 0xffff || cursor === 0xffffffff) return 'tooLarge';
  if (entries > ZIP_MAX_ENTRIES) return 'tooLarge';
  let total = 0;
  const names = new Set<string>();
  for (let i = 0; i < entries; i += 1) {
    if (cursor + 46 > zip.length || zip.readUInt32LE(cursor) !== 0x02014b50) return 'notZip';
    const flags = zip.readUInt16LE(cursor + 8);
    const method = zip.readUInt16LE(cursor + 10);
    const compressed = zip.readUInt32LE(cursor + 20);
    const declared = zip.readUInt32LE(cursor + 24);
    const nameLength = zip.readUInt16LE(cursor + 28);
    const name = zip.toString('utf8', cursor + 46, cursor + 46 + nameLength);
    names.add(name);
    const local = zip.readUInt32LE(cursor + 42);
    cursor += 46 + nameLength + zip.readUInt16LE(cursor + 30) + zip.readUInt16LE(cursor + 32);
    if (flags & 0x1) return 'notZip';
    if (declared === 0xffffffff || compressed === 0xffffffff) return 'tooLarge';
    total += declared;
    if (total > maxTotal) return 'tooLarge';
    if (local + 30 > zip.length || zip.readUInt32LE(local) !== 0x04034b50) return 'notZip';
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    if (dataStart + compressed > zip.length) return 'notZip';
    const data = zip.subarray(dataStart, dataStart + compressed);
    let inflated: Buffer;
    if (method === 0) inflated = data;
    else if (method === 8) {
      try {
        inflated = inflateRawSync(data, { maxOutputLength: declared + 1 });
      } catch (error) {
        return (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' ? 'tooLarge' : 'notZip';
      }
    } else return 'notZip';
    if (inflated.length !== declared) return 'tooLarge';
    if (/^xl\/worksheets\/[^/]+\.xml$/.test(name) && countCells(inflated) > maxCells) return 'tooLarge';
  }
  // Any ZIP loads in exceljs (as an empty workbook): an .ods or .docx is told apart here.
  return names.has('[Content_Types].xml') && names.has('xl/workbook.xml') ? 'ok' : 'notZip';
}

/** Counts `<c ` / `<c>` elements (cells) of a worksheet's XML without parsing it. */
function countCells(xml: Buffer): number {
  let count = 0;
  for (let at = xml.indexOf('<c'); at >= 0; at = xml.indexOf('<c', at + 2)) {
    const next = xml[at + 2];
    if (next === 0x20 || next === 0x3e || next === 0x2f) count += 1;
  }
  return count;
}

/**
 * Spaces Excel and copied web pages leave in a text: the no-break space (U+00A0), the narrow one
 * (U+202F, Excel's thousands separator in some locales) and the figure space become plain spaces.
 */
const cleanText = (text: string) => text.replace(/[\u00a0\u202f\u2007]/g, ' ').trim();

/**
 * What Excel does to a code typed into a cell it took for a number: the hyphen and the leading
 * zeros are gone (a postal code 02-345 is 2345, a TERYT code 0261011 is 261011). In these columns an
 * integer number cell is written back as the code; any other number is left for the validation.
 */
const numberCellAsCode: Record<string, (digits: string) => string | null> = {
  'Kod pocztowy': (digits) =>
    digits.length <= 5 ? `${digits.padStart(5, '0').slice(0, 2)}-${digits.padStart(5, '0').slice(2)}` : null,
  'Kod TERYT gminy': (digits) => (digits.length <= 7 ? digits.padStart(7, '0') : null),
};

function cellText(value: ExcelJS.CellValue, header?: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') {
    if ('richText' in value) return cleanText(value.richText.map((part) => part.text).join(''));
    if ('text' in value) return cleanText(String(value.text));
    if ('result' in value)
      return typeof value.result === 'number' ? cellText(value.result, header) : cleanText(String(value.result ?? ''));
    if (value instanceof Date) return value.toISOString().slice(0, 10);
  }
  if (typeof value === 'number' && header && Number.isSafeInteger(value) && value >= 0) {
    const code = numberCellAsCode[header]?.(String(value));
    if (code) return code;
  }
  return cleanText(String(value));
}

async function loadWorkbook(body: Buffer): Promise<ExcelJS.Worksheet> {
  if (body.length < 4 || body.readUInt32LE(0) !== 0x04034b50) {
    throw new AppError('notXlsx', [fieldError('file', 'notXlsx')]);
  }
  const zip = checkZip(body, IMPORT_MAX_UNCOMPRESSED_BYTES);
  if (zip === 'tooLarge') throw new AppError('payloadTooLarge', [fieldError('file', 'spreadsheetTooLarge')]);
  if (zip === 'notZip') throw new AppError('notXlsx', [fieldError('file', 'notXlsx')]);
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(body as unknown as ArrayBuffer);
  } catch {
    throw new AppError('notXlsx', [fieldError('file', 'notXlsx')]);
  }
  const sheet = workbook.getWorksheet(SHEET_NAME) ?? workbook.worksheets[0];
  if (!sheet) throw new AppError('unprocessable', [fieldError('file', 'noBasketSheet')]);
  return sheet;
}

/** OPS keep a title, a date or blank rows above the headers: the header row is one of the first ten. */
export const HEADER_SEARCH_ROWS = 10;

/**
 * Template header for a header cell's text, matched without case and diacritics, and also without a
 * trailing "(…)" hint, so "Odpłatność (bezpłatna/odpłatna/zależna od dochodu)" is "Odpłatność".
 */
const fold = (value: string) => normalizeForSearch(value);
const stripHint = (text: string) => text.replace(/\s*\([^)]*\)\s*$/, '');
const templateHeaderByKey = new Map<string, string>();
for (const { header } of sheetColumns) {
  for (const key of [fold(header), fold(stripHint(header))]) {
    if (key && !templateHeaderByKey.has(key)) templateHeaderByKey.set(key, header);
  }
}
function templateHeaderOf(text: string): string | undefined {
  return templateHeaderByKey.get(fold(text)) ?? templateHeaderByKey.get(fold(stripHint(text)));
}

/** A header cell the import could not read as template columns (a merge over several). */
export type UnreadHeader = { text: string; columns: string };

/** A sheet column read as a template column an earlier (leftward) column already fills: not read. */
export type RepeatedHeader = { text: string; letter: string; templateColumn: string; readLetter: string };

/** The key a sheet header's mapping is kept under: without case, diacritics and extra spaces. */
export const sheetHeaderKey = (text: string) => fold(text);

/** Template columns a sheet column may be read as (Status is the system's, never imported). */
export const mappableColumns = sheetColumns.map((c) => c.header).filter((header) => header !== 'Status');

/**
 * Usual names of the template's columns in the sheets OPS keep, proposed (not silently applied: the
 * preview shows each as "proponowane") when the partnership has no mapping of its own for them.
 */
const suggestedColumns: Record<string, string> = {
  usluga: 'Nazwa usługi',
  nazwa: 'Nazwa usługi',
  'nazwa uslugi / zadania': 'Nazwa usługi',
  'nazwa zadania': 'Nazwa usługi',
  'opis uslugi': 'Opis',
  'zakres uslugi': 'Opis',
  realizator: 'Realizator (instytucja)',
  instytucja: 'Realizator (instytucja)',
  'podmiot realizujacy': 'Realizator (instytucja)',
  'telefon kontaktowy': 'Telefon',
  tel: 'Telefon',
  'nr telefonu': 'Telefon',
  email: 'E-mail',
  mail: 'E-mail',
  'adres e-mail': 'E-mail',
  kontakt: 'Osoba kontaktowa',
  'osoba do kontaktu': 'Osoba kontaktowa',
  kod: 'Kod pocztowy',
  'kod pocztowy': 'Kod pocztowy',
  miasto: 'Miejscowość',
  adres: 'Ulica',
  'ulica i numer': 'Ulica',
  'godziny otwarcia': 'Harmonogram',
  'dni i godziny': 'Harmonogram',
  'data potwierdzenia': 'Ostatnie potwierdzenie',
  'data aktualizacji': 'Ostatnie potwierdzenie',
  'grupa docelowa': 'Grupy docelowe',
  'obszar wspolpracy': 'Obszary współpracy',
  obszar: 'Obszary współpracy',
  platnosc: 'Odpłatność',
  koszt: 'Odpłatność',
};

/** A sheet column the template does not know by its header, and how the import reads it. */
export type SheetColumnRead = {
  header: string;
  key: string;
  letter: string;
  mappedTo: string | null;
  source: 'saved' | 'suggested' | 'none';
};

/** The partnership's mappings: sheet header key -> template column, or null ("pomiń"). */
export type HeaderMappings = Record<string, string | null>;

type HeaderRow = {
  columns: Map<string, number>;
  unread: UnreadHeader[];
  unknown: SheetColumnRead[];
  repeated: RepeatedHeader[];
};

/**
 * Reads one candidate header row. A cell merged with cells above it (a header over two rows) is the
 * merge's top-left text for its column. A merge across columns means one column only when its text
 * is one template header (read from its first column); a group header such as "Kontakt (telefon /
 * e-mail)" over two columns is read as the columns its hint names, in order, when they are exactly
 * as many as the columns it spans. Anything else across columns is not guessed: it is reported once.
 */
function readHeaderRow(sheet: ExcelJS.Worksheet, number: number, mappings: HeaderMappings): HeaderRow {
  const row = sheet.getRow(number);
  const columns = new Map<string, number>();
  const unread: UnreadHeader[] = [];
  const unknown: SheetColumnRead[] = [];
  const repeated: RepeatedHeader[] = [];
  const letter = (at: number) => sheet.getColumn(at).letter;
  const repeat = (text: string, column: number, templateColumn: string) =>
    repeated.push({ text, letter: letter(column), templateColumn, readLetter: letter(columns.get(templateColumn)!) });
  const take = (header: string | undefined, column: number, text: string) => {
    if (!header) return;
    if (columns.has(header)) repeat(text, column, header);
    else columns.set(header, column);
  };
  for (let column = 1; column <= row.cellCount; column += 1) {
    const cell = row.getCell(column);
    const master = cell.isMerged ? cell.master : cell;
    const text = cellText(master.value);
    if (!text) continue;
    if (Number(master.col) !== column) continue; // spanned by a merge starting to the left: read there
    let span = 1;
    while (column + span <= row.cellCount) {
      const next = row.getCell(column + span);
      if (!next.isMerged || next.master.address !== master.address) break;
      span += 1;
    }
    const header = templateHeaderOf(text);
    if (span === 1 && !header) {
      // A header the template does not know: read as the partnership mapped it, or as the usual
      // name suggests; either way the preview lists it once with what happens to its values.
      const key = sheetHeaderKey(text);
      const saved = Object.hasOwn(mappings, key);
      const suggested = Object.hasOwn(suggestedColumns, key) ? suggestedColumns[key]! : null;
      const target = saved ? (mappings[key] ?? null) : suggested;
      const isMappable = target !== null && mappableColumns.includes(target);
      const mappedTo = isMappable && !columns.has(target) ? target : null;
      if (mappedTo) columns.set(mappedTo, column);
      else if (isMappable) repeat(text, column, target);
      const source = saved ? 'saved' : mappedTo ? 'suggested' : 'none';
      unknown.push({ header: text, key, letter: sheet.getColumn(column).letter, mappedTo, source });
      continue;
    }
    if (span === 1 || header) {
      take(header, column, text);
      continue;
    }
    const hint = /\(([^)]*)\)\s*$/.exec(text)?.[1] ?? '';
    const parts = hint
      .split(/[/,;]| i | lub /)
      .map((part) => templateHeaderOf(part.trim()))
      .filter((part): part is string => part !== undefined);
    if (parts.length === span && new Set(parts).size === span) {
      parts.forEach((part, index) => take(part, column + index, text));
    } else {
      unread.push({ text, columns: `${letter(column)}–${letter(column + span - 1)}` });
    }
    column += span - 1;
  }
  // Two columns read as one template column: the first (from the left) is read, the other named.
  return { columns, unread, unknown, repeated };
}

/**
 * The header row: of the first HEADER_SEARCH_ROWS rows, the one naming the most template columns
 * (the first of equals). Title rows, blank rows and merged title cells above it are skipped.
 */
function findHeaderRow(sheet: ExcelJS.Worksheet, mappings: HeaderMappings): HeaderRow & { number: number } {
  let best: HeaderRow & { number: number } = { number: 1, columns: new Map(), unread: [], unknown: [], repeated: [] };
  const last = Math.min(HEADER_SEARCH_ROWS, sheet.rowCount);
  for (let number = 1; number <= last; number += 1) {
    const candidate = readHeaderRow(sheet, number, mappings);
    if (candidate.columns.size > best.columns.size) best = { number, ...candidate };
  }
  return best;
}

/** The sheet as the import needs it: the template's columns it has, and each filled row's texts. */
export type SheetRead = {
  /** Headers of sheetColumns found in the header row. */
  headers: string[];
  /** The sheet's row holding the headers (1 in the template; lower below a title). */
  headerRow: number;
  /** Merged header cells that could not be read as template columns, each once. */
  unreadHeaders: UnreadHeader[];
  /** Single header cells the template does not know, with the mapping applied to each. */
  unknownColumns: SheetColumnRead[];
  /** Columns not read because an earlier column is already read as the same template column. */
  repeatedHeaders: RepeatedHeader[];
  /** Filled rows below the header, by their real row number, with the text of each found column (empty ones left out). */
  rows: Array<{ number: number; cells: Record<string, string> }>;
};

/** Reads an uploaded sheet (the job of the import worker); refusals are AppErrors. */
export async function readSpreadsheetUpload(input: {
  body: Uint8Array;
  mappings?: HeaderMappings;
}): Promise<SheetRead> {
  const body = Buffer.from(input.body.buffer, input.body.byteOffset, input.body.byteLength);
  const sheet = await loadWorkbook(body);
  const header = findHeaderRow(sheet, input.mappings ?? {});
  const columns = sheetColumns
    .map((c) => ({ header: c.header, column: header.columns.get(c.header) }))
    .filter((c): c is { header: string; column: number } => c.column !== undefined);
  const found = new Set(columns.map((c) => c.header));
  const missing = sheetColumns.filter((c) => c.header !== 'Identyfikator' && !found.has(c.header));
  // An OPS's own sheet (its own column names) is previewed for the mapping: it has headers in words
  // the user can map. A sheet of neither (numbers, a blank row) is no basket sheet.
  const mappableUnknown = header.unknown.filter((c) => /\p{L}/u.test(c.header));
  if ((!found.has('Nazwa usługi') || missing.length > 5) && mappableUnknown.length === 0) {
    throw new AppError('unprocessable', [fieldError('file', 'noBasketSheet')]);
  }
  // eachRow visits only rows that exist in the file: a lone cell in row 1,000,000 is one row, not a loop.
  const rows: SheetRead['rows'] = [];
  sheet.eachRow((row, number) => {
    if (number <= header.number) return;
    const cells: Record<string, string> = {};
    for (const { header, column } of columns) {
      const text = cellText(row.getCell(column).value, header);
      if (text !== '') cells[header] = text;
    }
    if (Object.keys(cells).length > 0) rows.push({ number, cells });
  });
  // Counted before any row is validated: a refused file costs no database work.
  if (rows.length > IMPORT_ROW_LIMIT) throw new AppError('payloadTooLarge', [fieldError('file', 'tooManyRows')]);
  return {
    headers: columns.map((c) => c.header),
    headerRow: header.number,
    unreadHeaders: header.unread,
    unknownColumns: header.unknown,
    repeatedHeaders: header.repeated,
    rows,
  };
}
