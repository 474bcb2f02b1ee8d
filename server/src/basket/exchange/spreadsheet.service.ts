/**
 * The basket as a spreadsheet: the empty template (tool 11) and the export to .xlsx and .csv. The
 * export carries contact persons, so it is audited in the same transaction as the read.
 */
import ExcelJS from 'exceljs';
import type { Database } from '../../platform/db/database.js';
import type { RequestContext } from '../../platform/auth/actor.js';
import { AppError } from '../../platform/http/problem.js';
import { recordAuditEvent } from '../../audit/audit.service.js';
import { unsafeFindPartnershipAccessRecord } from '../../partnerships/partnerships.queries.js';
import { canReadBasket } from '../basket.policy.js';
import { findServicesForExport, useServiceSearchThreshold, type ServiceSearch } from '../cards/cards.queries.js';
import { csvField, enumLabels, SHEET_NAME, sheetColumns, type SheetRow } from './spreadsheet.columns.js';

/** An export is a working list, not a data dump: larger baskets are exported with filters. */
export const EXPORT_ROW_LIMIT = 10_000;

const listValidations: Record<string, readonly string[]> = {
  Pochodzenie: Object.values(enumLabels.origin),
  Odpłatność: Object.values(enumLabels.cost),
  Miejsce: Object.values(enumLabels.locationKind),
  Zasięg: Object.values(enumLabels.reachKind),
  'Usługa złożona': ['tak', 'nie'],
  'Wymagane skierowanie': ['tak', 'nie'],
  'Dostępność dla osób z niepełnosprawnościami': ['tak', 'nie'],
};

/** General rules on the "Instrukcja" sheet, under the column list. */
const sheetRules = [
  'Jeden wiersz = jedna usługa. Nie zmieniaj nagłówków w wierszu 1.',
  'Listy (obszary, grupy docelowe, kody zasięgu, języki) oddzielaj średnikiem.',
  'Wielkość liter i polskie znaki nie mają znaczenia przy wczytywaniu.',
  'Nowa usługa: pusty Identyfikator. Zmiana usługi: zostaw Identyfikator z eksportu.',
  'Przy wczytaniu zobaczysz podgląd każdego wiersza; nic nie zapisze się bez potwierdzenia.',
  'Najwyżej 5000 wierszy i 10 MiB w jednym pliku .xlsx.',
];

const textColumns = new Set(['Kod pocztowy', 'Kod TERYT gminy', 'Kody TERYT zasięgu', 'Telefon', 'Identyfikator']);

function newWorkbook(rows: SheetRow[]): ExcelJS.Workbook {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Kooperacja';
  workbook.created = new Date();
  const sheet = workbook.addWorksheet(SHEET_NAME, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = sheetColumns.map((column) => ({
    header: column.header,
    width: column.width,
    // Codes and numbers typed into these stay text: TERYT codes keep their leading zeros.
    ...(textColumns.has(column.header) ? { style: { numFmt: '@' } } : {}),
  }));
  sheet.getRow(1).font = { bold: true };
  for (const row of rows) {
    // Values are written as strings or numbers, never formulas: a cell "=..." stays text.
    sheet.addRow(sheetColumns.map((column) => column.toCell(row)));
  }
  const lastRow = Math.max(rows.length + 1, 500);
  sheetColumns.forEach((column, index) => {
    const allowed = listValidations[column.header];
    if (!allowed) return;
    const letter = sheet.getColumn(index + 1).letter;
    for (let r = 2; r <= lastRow; r += 1) {
      sheet.getCell(`${letter}${r}`).dataValidation = {
        type: 'list',
        allowBlank: true,
        formulae: [`"${allowed.join(',')}"`],
      };
    }
  });
  const help = workbook.addWorksheet('Instrukcja');
  help.columns = [
    { header: 'Kolumna', width: 40 },
    { header: 'Jak wypełnić', width: 100 },
  ];
  help.getRow(1).font = { bold: true };
  for (const column of sheetColumns) help.addRow([column.header, column.help]);
  help.addRow([]);
  const rules = help.addRow(['Zasady', '']);
  rules.font = { bold: true };
  for (const rule of sheetRules) help.addRow(['', rule]);
  return workbook;
}

export async function buildTemplate(): Promise<Buffer> {
  return Buffer.from(await newWorkbook([]).xlsx.writeBuffer());
}

async function readExportRows(
  db: Database,
  context: RequestContext,
  partnershipId: string,
  query: ServiceSearch,
  staleMonths: number,
  format: 'xlsx' | 'csv',
): Promise<SheetRow[]> {
  const actor = context.actor;
  if (!actor?.membership) throw new AppError('forbidden');
  return db.transaction(async (tx) => {
    const partnership = await unsafeFindPartnershipAccessRecord(tx, partnershipId);
    if (!partnership || !canReadBasket(actor, partnership)) throw new AppError('notFound');
    // The same typo tolerance as the search, so the export holds what the search showed.
    if (query.q?.trim()) await useServiceSearchThreshold(tx);
    const rows = await findServicesForExport(tx, actor, { ...query, partnershipId }, staleMonths, EXPORT_ROW_LIMIT);
    await recordAuditEvent(tx, context, {
      action: 'basket.export',
      subjectType: 'partnership',
      subjectId: partnershipId,
      details: { format, count: rows.length },
    });
    return rows;
  });
}

export async function exportBasketXlsx(
  db: Database,
  context: RequestContext,
  partnershipId: string,
  query: ServiceSearch,
  staleMonths: number,
): Promise<Buffer> {
  const rows = await readExportRows(db, context, partnershipId, query, staleMonths, 'xlsx');
  return Buffer.from(await newWorkbook(rows).xlsx.writeBuffer());
}

/** UTF-8 with a BOM, `;`-separated, CRLF: what Excel and LibreOffice open with Polish letters intact. */
export async function exportBasketCsv(
  db: Database,
  context: RequestContext,
  partnershipId: string,
  query: ServiceSearch,
  staleMonths: number,
): Promise<string> {
  const rows = await readExportRows(db, context, partnershipId, query, staleMonths, 'csv');
  const lines = [
    sheetColumns.map((column) => csvField(column.header)).join(';'),
    ...rows.map((row) => sheetColumns.map((column) => csvField(column.toCell(row))).join(';')),
  ];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
