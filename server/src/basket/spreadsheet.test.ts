import ExcelJS from 'exceljs';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, users } from '../platform/db/tables.js';
import { GMINA_LODZ, TEST_PASSWORD, buildPartnership, signInAs } from '../platform/testing/factories.js';
import { createTestContext, TestClient, type TestContext } from '../platform/testing/test-app.js';
import type { Service } from '../../../shared/src/contracts/basket.js';
import { sheetColumns } from './spreadsheet.columns.js';

let context: TestContext;
let partnershipId: string;
let coordinator: TestClient;
let caseManager: TestClient;
let outsider: TestClient;

async function publish(overrides: Record<string, unknown>) {
  const created = await coordinator.post('/api/v1/services', {
    partnershipId,
    name: 'Mieszkanie wspierane',
    description: 'Pobyt w mieszkaniu wspieranym z asystentem.',
    origin: 'neighbourhood',
    providerName: 'Fundacja „Źródło”',
    cooperationAreas: ['socialAssistance'],
    targetGroups: ['homeless', 'adults'],
    cost: 'meansTested',
    locationKind: 'address',
    city: 'Łódź',
    territoryCode: GMINA_LODZ,
    reachKind: 'gminas',
    reachCodes: [GMINA_LODZ],
    ...overrides,
  });
  expect(created.statusCode, created.body).toBe(201);
  const card = created.json() as Service;
  const published = await coordinator.post(`/api/v1/services/${card.id}/transitions`, {
    action: 'publish',
    version: card.version,
  });
  expect(published.statusCode).toBe(200);
  return published.json() as Service;
}

beforeAll(async () => {
  context = await createTestContext();
  const db = context.database.db;
  const partnership = await buildPartnership(db);
  partnershipId = partnership.id;
  const [user] = await db.select().from(users).where(eq(users.id, partnership.coordinatorUserId));
  coordinator = await new TestClient(context).signIn(user!.email, TEST_PASSWORD);
  caseManager = (await signInAs(context, 'caseManager', { institutionId: partnership.leaderInstitutionId })).client;
  outsider = (await signInAs(context, 'caseManager')).client;
  await publish({});
  await publish({ name: '=HYPERLINK("http://zly.example")', description: 'Próba wstrzyknięcia formuły; "cudzysłów"' });
});

afterAll(async () => {
  await context?.close();
});

/** Rows with a value in the name column: the template pre-formats empty rows with validation lists. */
function filledRows(sheet: ExcelJS.Worksheet): number {
  let rows = 0;
  sheet.eachRow((row) => {
    if (row.getCell(2).value) rows += 1;
  });
  return rows;
}

async function readWorkbook(body: Buffer) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(body as unknown as ArrayBuffer);
  return workbook;
}

describe('basket spreadsheet', () => {
  it('offers an empty template with the Polish headers and an instructions sheet', async () => {
    const response = await caseManager.get('/api/v1/basket/template.xlsx');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-disposition']).toContain('attachment');
    expect(response.rawPayload.subarray(0, 2).toString()).toBe('PK');
    const workbook = await readWorkbook(response.rawPayload);
    const sheet = workbook.getWorksheet('Koszyk usług')!;
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(sheetColumns.map((c) => c.header));
    expect(filledRows(sheet)).toBe(1);
    expect(workbook.getWorksheet('Instrukcja')!.rowCount).toBe(sheetColumns.length + 1);
  });

  it('exports the published basket to .xlsx with Polish letters intact and formulas kept as text', async () => {
    const response = await caseManager.get(`/api/v1/partnerships/${partnershipId}/basket/export.xlsx`);
    expect(response.statusCode).toBe(200);
    const sheet = (await readWorkbook(response.rawPayload)).getWorksheet('Koszyk usług')!;
    expect(filledRows(sheet)).toBe(3);
    const names = [sheet.getRow(2).getCell(2).value, sheet.getRow(3).getCell(2).value];
    expect(names).toContain('Mieszkanie wspierane');
    const injected = sheet.getRow(names.indexOf('Mieszkanie wspierane') === 0 ? 3 : 2).getCell(2);
    expect(injected.type).toBe(ExcelJS.ValueType.String);
    expect(injected.value).toBe('=HYPERLINK("http://zly.example")');
    const providerColumn = sheetColumns.findIndex((c) => c.header === 'Realizator spoza rejestru') + 1;
    expect(sheet.getRow(2).getCell(providerColumn).value).toBe('Fundacja „Źródło”');
  });

  it('exports .csv with a BOM, semicolons, quoting and neutralised formulas', async () => {
    const response = await caseManager.get(`/api/v1/partnerships/${partnershipId}/basket/export.csv?cost=meansTested`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/csv');
    const text = response.rawPayload.toString('utf8');
    expect(text.startsWith('\uFEFFIdentyfikator;Nazwa usługi;Opis;')).toBe(true);
    expect(text).toContain('\r\n');
    expect(text).toContain(`"'=HYPERLINK(""http://zly.example"")"`);
    expect(text).toContain('"Próba wstrzyknięcia formuły; ""cudzysłów"""');
    expect(text).toContain('zależna od dochodu');
    expect(text).toContain('osoby w kryzysie bezdomności; dorośli');
  });

  it('filters the export like the search, refuses outsiders with 404 and audits each export', async () => {
    const filtered = await caseManager.get(`/api/v1/partnerships/${partnershipId}/basket/export.csv?cost=free`);
    expect(filtered.rawPayload.toString('utf8').trim().split('\r\n')).toHaveLength(1);
    expect((await outsider.get(`/api/v1/partnerships/${partnershipId}/basket/export.xlsx`)).statusCode).toBe(404);
    const exports = await context.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'basket.export'), eq(auditEvents.subjectId, partnershipId)));
    expect(exports.length).toBeGreaterThanOrEqual(3);
    expect(exports.map((e) => (e.details as { format: string }).format)).toEqual(
      expect.arrayContaining(['xlsx', 'csv']),
    );
  });
});
