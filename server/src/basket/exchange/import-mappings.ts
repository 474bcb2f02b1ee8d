/**
 * How a partnership's sheets name the template's columns (basket_import_mappings): set by the
 * importer from the preview, applied to the partnership's next sheet imports. Only those who may
 * import the basket set them (authorizeImport); every write is audited in its transaction.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Database, Executor } from '../../platform/db/database.js';
import type { RequestContext } from '../../platform/auth/actor.js';
import { basketImportMappings } from '../../platform/db/tables.js';
import { AppError, fieldError } from '../../platform/http/problem.js';
import { recordAuditEvent } from '../../audit/audit.service.js';
import type { ImportMappingInput } from '../../../../shared/src/contracts/basket.js';
import { authorizeImport } from './import-preview.js';
import { mappableColumns, sheetHeaderKey, type HeaderMappings } from './spreadsheet.read.js';

/** The partnership's mappings, by the normalised sheet header. */
export async function findImportMappings(db: Executor, partnershipId: string): Promise<HeaderMappings> {
  const rows = await db
    .select({ key: basketImportMappings.sheetHeader, templateColumn: basketImportMappings.templateColumn })
    .from(basketImportMappings)
    .where(eq(basketImportMappings.partnershipId, partnershipId));
  return Object.fromEntries(rows.map((row) => [row.key, row.templateColumn]));
}

/**
 * Sets mappings (upsert by sheet header; templateColumn null = "pomiń": the column is not read).
 * A template column that does not exist is a 422 naming the entry.
 */
export async function saveImportMappings(
  db: Database,
  context: RequestContext,
  partnershipId: string,
  input: ImportMappingInput,
): Promise<{ mappings: Array<{ key: string; templateColumn: string | null }> }> {
  await authorizeImport(db, context, partnershipId, 'basket.import.mapping');
  const errors = input.mappings.flatMap((mapping, index) =>
    mapping.templateColumn !== null && !mappableColumns.includes(mapping.templateColumn)
      ? [fieldError(`mappings.${index}.templateColumn`, 'unknownTemplateColumn')]
      : [],
  );
  if (errors.length > 0) throw new AppError('validation', errors);
  // The last entry for a header wins, as if the user set them one after another.
  const byKey = new Map(input.mappings.map((m) => [sheetHeaderKey(m.header), m.templateColumn]));
  const keys = [...byKey.keys()].filter((key) => key !== '');
  if (keys.length === 0) throw new AppError('validation', [fieldError('mappings.0.header', 'required')]);
  return db.transaction(async (tx) => {
    await tx
      .delete(basketImportMappings)
      .where(
        and(eq(basketImportMappings.partnershipId, partnershipId), inArray(basketImportMappings.sheetHeader, keys)),
      );
    await tx.insert(basketImportMappings).values(
      keys.map((key) => ({
        partnershipId,
        sheetHeader: key,
        templateColumn: byKey.get(key) ?? null,
        updatedByUserId: context.actor?.userId ?? null,
      })),
    );
    await recordAuditEvent(tx, context, {
      action: 'basket.import.mapping',
      subjectType: 'partnership',
      subjectId: partnershipId,
      details: {
        mapped: keys.filter((key) => byKey.get(key) !== null).length,
        skipped: keys.filter((key) => byKey.get(key) === null).length,
      },
    });
    const all = await findImportMappings(tx, partnershipId);
    return { mappings: Object.entries(all).map(([key, templateColumn]) => ({ key, templateColumn })) };
  });
}
