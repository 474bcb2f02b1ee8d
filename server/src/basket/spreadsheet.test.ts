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

describe('basket import from the sheet', () => {
  const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  const upload = (client: TestClient, body: Buffer) =>
    client.request('POST', `/api/v1/partnerships/${partnershipId}/basket/imports`, body, {
      'content-type': XLSX,
    });
  const exported = async () =>
    (await coordinator.get(`/api/v1/partnerships/${partnershipId}/basket/export.xlsx`)).rawPayload;
  const basket = async () =>
    (
      (await coordinator.get(`/api/v1/services?partnershipId=${partnershipId}&pageSize=100`)).json() as {
        items: unknown[];
      }
    ).items;

  it('round-trips: an exported sheet imports back as unchanged rows and leaves the basket identical', async () => {
    const before = await basket();
    const preview = await upload(coordinator, await exported());
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json()).toMatchObject({ counts: { create: 0, update: 0, reject: 0, unchanged: 2 } });
    const confirmed = await coordinator.post(
      `/api/v1/partnerships/${partnershipId}/basket/imports/${(preview.json() as { importId: string }).importId}/confirm`,
      {},
    );
    expect(confirmed.json()).toEqual({ created: 0, updated: 0 });
    expect(await basket()).toEqual(before);
  });

  it('previews new, changed and rejected rows with the column and reason, writes only on confirmation', async () => {
    const workbook = await readWorkbook(await exported());
    const sheet = workbook.getWorksheet('Koszyk usług')!;
    const column = (header: string) => sheetColumns.findIndex((c) => c.header === header) + 1;
    sheet.getRow(2).getCell(column('Harmonogram')).value = 'wt. i czw. 10:00–14:00';
    const fresh = sheet.addRow(sheetColumns.map(() => null));
    fresh.getCell(column('Nazwa usługi')).value = 'Klub seniora „Pod Lipami”';
    fresh.getCell(column('Opis')).value = 'Spotkania, zajęcia ruchowe i wycieczki dla seniorów.';
    fresh.getCell(column('Realizator spoza rejestru')).value = 'Koło Gospodyń Wiejskich';
    fresh.getCell(column('Pochodzenie')).value = 'Samopomoc';
    fresh.getCell(column('Obszary współpracy')).value = 'kultura; rekreacja';
    fresh.getCell(column('Grupy docelowe')).value = 'seniorzy';
    fresh.getCell(column('Odpłatność')).value = 'bezplatna';
    fresh.getCell(column('Miejsce')).value = 'pod adresem';
    fresh.getCell(column('Miejscowość')).value = 'Łódź';
    fresh.getCell(column('Zasięg')).value = 'gminy';
    fresh.getCell(column('Kody TERYT zasięgu')).value = GMINA_LODZ;
    const broken = sheet.addRow(sheetColumns.map(() => null));
    broken.getCell(column('Nazwa usługi')).value = 'Bez opisu';
    broken.getCell(column('Odpłatność')).value = 'za darmo';
    const body = Buffer.from(await workbook.xlsx.writeBuffer());

    const countBefore = (await basket()).length;
    const preview = await upload(coordinator, body);
    expect(preview.statusCode, preview.body).toBe(200);
    const result = preview.json() as {
      importId: string;
      counts: Record<string, number>;
      rows: Array<{ row: number; action: string; errors: Array<{ column: string; messages: { pl: string } }> }>;
    };
    expect(result.counts).toEqual({ create: 1, update: 1, reject: 1, unchanged: 1 });
    const rejected = result.rows.find((r) => r.action === 'reject')!;
    expect(rejected.errors.map((e) => e.column)).toEqual(expect.arrayContaining(['Opis', 'Odpłatność']));
    expect(rejected.errors[0]!.messages.pl).toMatch(/[ąćęłńóśźż]|\./);
    expect((await basket()).length).toBe(countBefore);

    const confirmed = await coordinator.post(
      `/api/v1/partnerships/${partnershipId}/basket/imports/${result.importId}/confirm`,
      {},
    );
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json()).toEqual({ created: 1, updated: 1 });
    expect((await basket()).length).toBe(countBefore + 1);
    const again = await coordinator.post(
      `/api/v1/partnerships/${partnershipId}/basket/imports/${result.importId}/confirm`,
      {},
    );
    expect(again.statusCode).toBe(404);
  });

  it('rolls the whole import back when a row went stale between preview and confirmation', async () => {
    const workbook = await readWorkbook(await exported());
    const sheet = workbook.getWorksheet('Koszyk usług')!;
    const column = (header: string) => sheetColumns.findIndex((c) => c.header === header) + 1;
    sheet.getRow(2).getCell(column('Liczba miejsc')).value = '12 miejsc';
    const fresh = sheet.addRow(sheetColumns.map(() => null));
    for (const [header, value] of Object.entries({
      'Nazwa usługi': 'Nowa usługa, która nie powinna powstać',
      Opis: 'Opis',
      'Realizator spoza rejestru': 'Grupa',
      Pochodzenie: 'sąsiedztwo',
      'Obszary współpracy': 'sport',
      'Grupy docelowe': 'młodzież',
      Odpłatność: 'odpłatna',
      Miejsce: 'zdalnie',
      Zasięg: 'gminy',
      'Kody TERYT zasięgu': GMINA_LODZ,
    })) {
      fresh.getCell(column(header)).value = value;
    }
    const preview = (await upload(coordinator, Buffer.from(await workbook.xlsx.writeBuffer()))).json() as {
      importId: string;
      rows: Array<{ action: string; serviceId: string | null }>;
    };
    const changed = preview.rows.find((r) => r.action === 'update')!;
    const current = (await coordinator.get(`/api/v1/services/${changed.serviceId}`)).json() as Service;
    await coordinator.patch(`/api/v1/services/${current.id}`, { version: current.version, capacity: 'inna zmiana' });
    const countBefore = (await basket()).length;
    const confirmed = await coordinator.post(
      `/api/v1/partnerships/${partnershipId}/basket/imports/${preview.importId}/confirm`,
      {},
    );
    expect(confirmed.statusCode).toBe(409);
    expect((await basket()).length).toBe(countBefore);
  });

  it('refuses files that are not xlsx and people who do not run the basket', async () => {
    const notXlsx = await upload(coordinator, Buffer.from('Nazwa usługi;Opis\nx;y'));
    expect(notXlsx.statusCode).toBe(415);
    expect(notXlsx.json()).toMatchObject({ errors: [{ field: 'file', code: 'notXlsx' }] });
    const fakeZip = await upload(
      coordinator,
      Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(100)]),
    );
    expect([413, 415]).toContain(fakeZip.statusCode);
    expect((await upload(caseManager, await exported())).statusCode).toBe(403);
    expect((await upload(outsider, await exported())).statusCode).toBe(404);
  });
});
