/**
 * SECURITY-RELEVANT. The rejected rows of a pending sheet import as an .xlsx: the user's own cells
 * as the import read them, with the Polish reasons in a leading column "Powód", so the sheet can be
 * fixed and uploaded again. The cells are personal data (contact persons): only the uploader, only
 * while the preview can still be confirmed (the same rule as the confirmation: anything else is
 * 404), and the download is audited in the transaction that reads the rows.
 */
import ExcelJS from 'exceljs';
import type { Database } from '../../platform/db/database.js';
import { requireActingActor, type RequestContext } from '../../platform/auth/actor.js';
import { recordAuditEvent } from '../../audit/audit.service.js';
import { authorizeImport, findLivePreview, type StoredImportRow } from './import-preview.js';
import { SHEET_NAME, sheetColumns } from './spreadsheet.columns.js';

export async function buildImportErrorsXlsx(
  db: Database,
  context: RequestContext,
  partnershipId: string,
  importId: string,
): Promise<Buffer> {
  const actor = requireActingActor(context);
  await authorizeImport(db, context, partnershipId, 'basket.import.errors');
  const rejected = await db.transaction(async (tx) => {
    const pending = await findLivePreview(tx, { importId, partnershipId, userId: actor.userId });
    const rows = (pending.rows as StoredImportRow[]).filter((row) => row.cells);
    await recordAuditEvent(tx, context, {
      action: 'basket.import.errors',
      subjectType: 'partnership',
      subjectId: partnershipId,
      details: { importId, rows: rows.length },
    });
    return rows;
  });

  const present = new Set(rejected.flatMap((row) => Object.keys(row.cells ?? {})));
  const headers = sheetColumns.map((c) => c.header).filter((header) => present.has(header));
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Kooperacja';
  const sheet = workbook.addWorksheet(SHEET_NAME, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = [
    { header: 'Powód', width: 60 },
    { header: 'Wiersz', width: 8 },
    ...headers.map((header) => ({
      header,
      width: sheetColumns.find((c) => c.header === header)?.width ?? 20,
      style: { numFmt: '@' },
    })),
  ];
  sheet.getRow(1).font = { bold: true };
  for (const row of rejected) {
    const reasons = row.errors.map((e) => (e.column ? `${e.column}: ${e.messages.pl}` : e.messages.pl)).join('\n');
    // Strings only, never formulas: a cell "=..." the user typed stays text in the file.
    const added = sheet.addRow([reasons, row.row, ...headers.map((header) => row.cells?.[header] ?? null)]);
    added.getCell(1).alignment = { wrapText: true, vertical: 'top' };
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
