import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, basketImports, partnershipMembers, services, users } from '../../platform/db/tables.js';
import { GMINA_LODZ, TEST_PASSWORD, buildInstitution, buildPartnership, signInAs } from '../../testing/factories.js';
import { createTestContext, TestClient, type TestContext } from '../../testing/test-app.js';
import type { Service } from '../../../../shared/src/contracts/basket.js';
import { sheetColumns } from './spreadsheet.columns.js';
import { checkZip } from './spreadsheet.read.js';

let context: TestContext;
let partnershipId: string;
let coordinator: TestClient;
let caseManager: TestClient;
let outsider: TestClient;
let secondCoordinator: TestClient;
let leaderInstitutionId: string;

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
    contactPhone: '42 600 00 00',
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
  leaderInstitutionId = partnership.leaderInstitutionId;
  secondCoordinator = (await signInAs(context, 'networkCoordinator', { institutionId: leaderInstitutionId })).client;
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
    const help = workbook.getWorksheet('Instrukcja')!;
    const explained = (help.getColumn(1).values as unknown[]).filter((v) => typeof v === 'string');
    expect(explained).toEqual(expect.arrayContaining(sheetColumns.map((c) => c.header)));
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.getRow(1).font?.bold).toBe(true);
    const costColumn = sheetColumns.findIndex((c) => c.header === 'Odpłatność') + 1;
    expect(sheet.getRow(2).getCell(costColumn).dataValidation).toMatchObject({ type: 'list' });
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

  it('exports drafts only to those who run the basket and ask for them', async () => {
    const draft = await coordinator.post('/api/v1/services', {
      partnershipId,
      name: 'Szkic: grupa wsparcia dla opiekunów',
      description: 'Jeszcze nieopublikowana.',
      origin: 'selfHelp',
      providerName: 'Grupa opiekunów',
      cooperationAreas: ['health'],
      targetGroups: ['caregivers'],
      cost: 'free',
      locationKind: 'remote',
      reachKind: 'gminas',
      reachCodes: [GMINA_LODZ],
    });
    expect(draft.statusCode, draft.body).toBe(201);
    const url = `/api/v1/partnerships/${partnershipId}/basket/export.csv`;
    expect((await coordinator.get(url)).rawPayload.toString('utf8')).not.toContain('Szkic: grupa');
    expect((await coordinator.get(`${url}?status=draft`)).rawPayload.toString('utf8')).toContain('Szkic: grupa');
    expect((await caseManager.get(`${url}?status=draft`)).rawPayload.toString('utf8')).not.toContain('Szkic: grupa');
  });

  it('filters the export like the search, refuses outsiders with 404 and audits each export', async () => {
    const filtered = await caseManager.get(`/api/v1/partnerships/${partnershipId}/basket/export.csv?cost=free`);
    expect(filtered.rawPayload.toString('utf8').trim().split('\r\n')).toHaveLength(1);
    // A typo the search tolerates ("mieszknaie"): the export holds the same services as the search.
    const search = (await caseManager.get(`/api/v1/services?partnershipId=${partnershipId}&q=mieszknaie`)).json() as {
      total: number;
    };
    expect(search.total).toBeGreaterThan(0);
    const typo = await caseManager.get(`/api/v1/partnerships/${partnershipId}/basket/export.csv?q=mieszknaie`);
    expect(typo.rawPayload.toString('utf8').trim().split('\r\n')).toHaveLength(1 + search.total);
    expect((await outsider.get(`/api/v1/partnerships/${partnershipId}/basket/export.xlsx`)).statusCode).toBe(404);
    expect((await caseManager.get(`/api/v1/partnerships/${partnershipId}/basket/export.xlsx`)).statusCode).toBe(200);
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
    expect(confirmed.json()).toEqual({ created: 0, updated: 0, confirmed: 0 });
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
    fresh.getCell(column('Telefon')).value = '42 600 00 01';
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
    const costError = rejected.errors.find((e) => e.column === 'Odpłatność')!;
    expect(costError.messages.pl).toContain('Dozwolone: bezpłatna; odpłatna; zależna od dochodu.');
    expect((await basket()).length).toBe(countBefore);

    const confirmed = await coordinator.post(
      `/api/v1/partnerships/${partnershipId}/basket/imports/${result.importId}/confirm`,
      {},
    );
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json()).toEqual({ created: 1, updated: 1, confirmed: 0 });
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

/** A minimal ZIP writer, so the tests can declare sizes that lie. */
function zipOf(entries: Array<{ name: string; data: Buffer; declared?: number }>): Buffer {
  const parts: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const body = deflateRawSync(entry.data);
    const name = Buffer.from(entry.name);
    const declared = entry.declared ?? entry.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(declared, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(declared, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    parts.push(local, name, body);
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directory, end]);
}

describe('zip-bomb guard', () => {
  const MiB = 1024 * 1024;
  const zeros = Buffer.alloc(60 * MiB);

  it('passes a real workbook and refuses large, lying, dense and broken archives', async () => {
    const template = (await caseManager.get('/api/v1/basket/template.xlsx')).rawPayload;
    expect(checkZip(template, 50 * MiB)).toBe('ok');
    expect(checkZip(zipOf([{ name: 'xl/a.xml', data: zeros }]), 50 * MiB)).toBe('tooLarge');
    // Declares 1 KiB but inflates to 60 MiB: stopped after 1 KiB + 1 byte of output.
    expect(checkZip(zipOf([{ name: 'xl/a.xml', data: zeros, declared: 1024 }]), 50 * MiB)).toBe('tooLarge');
    const dense = Buffer.from(`<sheetData><row>${'<c r="A1"><v>1</v></c>'.repeat(11)}</row></sheetData>`);
    expect(checkZip(zipOf([{ name: 'xl/worksheets/sheet1.xml', data: dense }]), 50 * MiB, 10)).toBe('tooLarge');
    const parts = [
      { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
      { name: 'xl/workbook.xml', data: Buffer.from('<workbook/>') },
      { name: 'xl/worksheets/sheet1.xml', data: dense },
    ];
    expect(checkZip(zipOf(parts), 50 * MiB, 11)).toBe('ok');
    expect(checkZip(zipOf(parts.slice(1)), 50 * MiB, 11)).toBe('notZip');
    expect(checkZip(Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(64)]), 50 * MiB)).toBe('notZip');
  });

  it('answers 413 to a bomb over HTTP before exceljs sees it', async () => {
    const response = await coordinator.request(
      'POST',
      `/api/v1/partnerships/${partnershipId}/basket/imports`,
      zipOf([{ name: '[Content_Types].xml', data: zeros, declared: 2048 }]),
      { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
    );
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ errors: [{ field: 'file', code: 'spreadsheetTooLarge' }] });
  });
});

describe('basket import: limits, ownership and atomicity', () => {
  const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  const importsUrl = () => `/api/v1/partnerships/${partnershipId}/basket/imports`;
  const upload = (client: TestClient, body: Buffer, type = XLSX) =>
    client.request('POST', importsUrl(), body, { 'content-type': type });
  const serviceCount = async () =>
    Number(
      (
        await context.database.db
          .select({ n: sql<number>`count(*)` })
          .from(services)
          .where(eq(services.partnershipId, partnershipId))
      )[0]!.n,
    );

  async function sheetWith(rows: Array<Record<string, string | number>>, headers = sheetColumns.map((c) => c.header)) {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Koszyk usług');
    sheet.addRow(headers);
    const valueOf = (row: Record<string, string | number>, header: string) =>
      row[header] ??
      Object.entries(row).find(([key]) => key.toLowerCase() === header.replace(/\s*\(.*\)$/, '').toLowerCase())?.[1] ??
      null;
    for (const row of rows) sheet.addRow(headers.map((h) => valueOf(row, h)));
    return Buffer.from(await workbook.xlsx.writeBuffer());
  }
  const newService = (name: string): Record<string, string | number> => ({
    'Nazwa usługi': name,
    Opis: 'Zajęcia świetlicowe dla dzieci: odrabianie lekcji, posiłek, gry.',
    'Realizator spoza rejestru': 'Stowarzyszenie „Żółty Latawiec”',
    Pochodzenie: 'SĄSIEDZTWO',
    'Obszary współpracy': 'Edukacja; pomoc spoleczna',
    'Grupy docelowe': 'DZIECI;rodziny',
    Odpłatność: 'BEZPLATNA',
    Miejsce: 'adres',
    Miejscowość: 'Łódź',
    Zasięg: 'gminy',
    'Kody TERYT zasięgu': GMINA_LODZ,
    Telefon: '42 600 00 00',
    'Czas oczekiwania (dni)': 7,
  });

  it('reads headers with "(…)" hints and labels without case or diacritics', async () => {
    const headers = sheetColumns.map((c) =>
      c.header === 'Odpłatność' ? 'ODPŁATNOŚĆ (bezpłatna/odpłatna/zależna od dochodu)' : c.header,
    );
    const preview = await upload(coordinator, await sheetWith([newService('Świetlica „Tęcza”')], headers));
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json(), preview.body).toMatchObject({ counts: { create: 1, reject: 0 } });
  });

  it('refuses more than 5,000 filled rows before validating any', async () => {
    const rows = Array.from({ length: 5_001 }, (_, i) => ({ 'Nazwa usługi': `Usługa ${i}` }));
    const response = await upload(coordinator, await sheetWith(rows));
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ errors: [{ field: 'file', code: 'tooManyRows' }] });
  });

  it('refuses a partner card of an institution that left the partnership, naming the column', async () => {
    const db = context.database.db;
    const departed = await buildInstitution(db, { name: 'Fundacja Odeszła' });
    await db.insert(partnershipMembers).values({
      partnershipId,
      institutionId: departed.id,
      status: 'left',
      declarationDate: '2026-01-02',
    });
    const row = {
      ...newService('Usługa byłego partnera'),
      Pochodzenie: 'partner',
      'Realizator (instytucja)': 'fundacja odeszla',
      'Realizator spoza rejestru': '',
    };
    const preview = (await upload(coordinator, await sheetWith([row]))).json() as {
      rows: Array<{ action: string; errors: Array<{ column: string; messages: { pl: string } }> }>;
    };
    expect(preview.rows[0]).toMatchObject({
      action: 'reject',
      errors: [{ column: 'Realizator (instytucja)', messages: { pl: expect.stringContaining('partnerstwa') } }],
    });
  });

  it('refuses an OpenDocument spreadsheet (a ZIP, but not .xlsx)', async () => {
    const ods = zipOf([
      { name: 'mimetype', data: Buffer.from('application/vnd.oasis.opendocument.spreadsheet') },
      { name: 'content.xml', data: Buffer.from('<office:document-content/>') },
    ]);
    const response = await upload(coordinator, ods);
    expect(response.statusCode, response.body).toBe(415);
  });

  it('refuses a body of another type with 415', async () => {
    const response = await upload(coordinator, Buffer.from('Nazwa usługi;Opis\r\n'), 'text/csv');
    expect(response.statusCode).toBe(415);
    expect(response.headers['content-type']).toContain('application/problem+json');
  });

  it('names the column and the reason in Polish for each wrong cell', async () => {
    const broken = {
      ...newService('Zła usługa'),
      'Kod pocztowy': '90001',
      'E-mail': 'nie-adres',
      'Czas oczekiwania (dni)': 'tydzień',
    };
    const badReach = { ...newService('Zły zasięg'), 'Kody TERYT zasięgu': '9999999', Odpłatność: 'za darmo' };
    const preview = (await upload(coordinator, await sheetWith([broken, badReach]))).json() as {
      rows: Array<{ row: number; action: string; errors: Array<{ column: string; messages: { pl: string } }> }>;
    };
    const [row] = preview.rows;
    expect(row).toMatchObject({ row: 2, action: 'reject' });
    const columns = row!.errors.map((e) => e.column);
    expect(columns).toEqual(expect.arrayContaining(['Kod pocztowy', 'E-mail', 'Czas oczekiwania (dni)']));
    for (const error of row!.errors) expect(error.messages.pl.length).toBeGreaterThan(5);
    const cost = preview.rows[1]!.errors.find((e) => e.column === 'Odpłatność')!;
    expect(cost.messages.pl).toContain('Dozwolone: bezpłatna; odpłatna; zależna od dochodu');
    // The database checks (reach, territory) run once the row's cells are well-formed.
    const reach = (await upload(coordinator, await sheetWith([{ ...badReach, Odpłatność: 'odpłatna' }]))).json() as {
      rows: Array<{ errors: Array<{ column: string; messages: { pl: string } }> }>;
    };
    expect(reach.rows[0]!.errors.map((e) => e.column)).toEqual(['Kody TERYT zasięgu']);
  });

  it('confirms only for the uploader, only once and only within 30 minutes', async () => {
    const preview = (await upload(coordinator, await sheetWith([newService('Usługa X')]))).json() as {
      importId: string;
    };
    const confirmUrl = `${importsUrl()}/${preview.importId}/confirm`;
    expect((await secondCoordinator.post(confirmUrl, {})).statusCode).toBe(404);
    expect((await outsider.post(confirmUrl, {})).statusCode).toBe(404);
    await context.database.db
      .update(basketImports)
      .set({ createdAt: new Date(Date.now() - 31 * 60_000) })
      .where(eq(basketImports.id, preview.importId));
    expect((await coordinator.post(confirmUrl, {})).statusCode).toBe(404);
  });

  it('keeps no copy of the sheet: expired previews are deleted, a confirmed one is emptied', async () => {
    const stale = (await upload(coordinator, await sheetWith([newService('Stary podgląd')]))).json() as {
      importId: string;
    };
    await context.database.db
      .update(basketImports)
      .set({ createdAt: new Date(Date.now() - 31 * 60_000) })
      .where(eq(basketImports.id, stale.importId));
    const fresh = (await upload(coordinator, await sheetWith([newService('Nowy podgląd')]))).json() as {
      importId: string;
    };
    const stored = async (id: string) =>
      (await context.database.db.select().from(basketImports).where(eq(basketImports.id, id)))[0];
    expect(await stored(stale.importId)).toBeUndefined();
    expect((await stored(fresh.importId))!.rows).toHaveLength(1);
    expect((await coordinator.post(`${importsUrl()}/${fresh.importId}/confirm`, {})).statusCode).toBe(200);
    expect(await stored(fresh.importId)).toMatchObject({ status: 'confirmed', rows: [] });
  });

  it('writes nothing on preview and everything or nothing on confirmation', async () => {
    const before = await serviceCount();
    const preview = (
      await upload(coordinator, await sheetWith([newService('Pierwsza'), newService('Druga'), newService('Trzecia')]))
    ).json() as { importId: string; counts: { create: number } };
    expect(preview.counts.create).toBe(3);
    expect(await serviceCount()).toBe(before);
    // The second row goes bad between preview and confirmation (here: its reach no longer exists).
    const [stored] = await context.database.db
      .select()
      .from(basketImports)
      .where(eq(basketImports.id, preview.importId));
    const rows = stored!.rows as Array<{ row: number; card: { reachCodes: string[] } }>;
    rows[1]!.card.reachCodes = ['9999999'];
    await context.database.db.update(basketImports).set({ rows }).where(eq(basketImports.id, preview.importId));
    const confirmed = await coordinator.post(`${importsUrl()}/${preview.importId}/confirm`, {});
    expect(confirmed.statusCode).toBe(422);
    expect(confirmed.json()).toMatchObject({
      errors: expect.arrayContaining([{ field: 'rows.3', code: 'importRowFailed', messages: expect.anything() }]),
    });
    expect(await serviceCount()).toBe(before);
    const audited = await context.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'basket.import'), eq(auditEvents.subjectId, partnershipId)));
    expect(audited.every((e) => (e.details as { importId?: string }).importId !== preview.importId)).toBe(true);
  });

  type PreviewBody = {
    importId: string;
    counts: Record<string, number>;
    rows: Array<{
      row: number;
      action: string;
      serviceId: string | null;
      errors: Array<{ column: string; code?: string; messages: { pl: string } }>;
      notes?: Array<{ column: string; messages: { pl: string } }>;
    }>;
  };

  it('rejects an Identyfikator that is not a UUID of this basket, naming the column, never a 500', async () => {
    const malformed = ['-'.repeat(36), 'a'.repeat(36), '123', randomUUID().toUpperCase()];
    const response = await upload(
      coordinator,
      await sheetWith(malformed.map((id, i) => ({ ...newService(`Z identyfikatorem ${i}`), Identyfikator: id }))),
    );
    expect(response.statusCode, response.body).toBe(200);
    const preview = response.json() as PreviewBody;
    expect(preview.counts).toMatchObject({ reject: malformed.length, create: 0, update: 0 });
    for (const row of preview.rows) {
      expect(row.errors.map((e) => e.column)).toEqual(['Identyfikator']);
      expect(row.errors[0]!.messages.pl).toBe('Nie ma takiej usługi w koszyku tego partnerstwa.');
    }
  });

  it('keeps the stored values of columns the sheet lacks and says which columns change', async () => {
    const card = await publish({ name: 'Poradnictwo prawne', contactPhone: '+48 42 600 00 00', schedule: 'pn. 9–12' });
    const headers = sheetColumns
      .map((c) => c.header)
      .filter((h) => !['Telefon', 'Harmonogram', 'Języki', 'E-mail'].includes(h));
    // The card's row as the export writes it, cut down to the chosen columns, one cell changed.
    const exportedSheet = (
      await readWorkbook((await coordinator.get(`/api/v1/partnerships/${partnershipId}/basket/export.xlsx`)).rawPayload)
    ).getWorksheet('Koszyk usług')!;
    let exportedRow: Record<string, string | number> = {};
    exportedSheet.eachRow((row) => {
      if (row.getCell(1).value !== card.id) return;
      exportedRow = Object.fromEntries(
        sheetColumns
          .map((c, i) => [c.header, row.getCell(i + 1).value] as const)
          .filter((entry): entry is readonly [string, string | number] => entry[1] !== null && entry[1] !== undefined),
      );
    });
    expect(exportedRow['Nazwa usługi']).toBe('Poradnictwo prawne');
    const response = await upload(
      coordinator,
      await sheetWith([{ ...exportedRow, 'Liczba miejsc': '8 osób' }], headers),
    );
    expect(response.statusCode, response.body).toBe(200);
    const preview = response.json() as PreviewBody;
    expect(preview.rows.map((r) => [r.action, r.errors])).toEqual([['update', []]]);
    const notes = preview.rows[0]!.notes!.map((n) => `${n.column}|${n.messages.pl}`);
    expect(notes).toContain('|Zmienią się kolumny: Liczba miejsc.');
    expect(notes).toContain(
      'Harmonogram; Telefon; E-mail; Języki|Tych kolumn nie ma w arkuszu: ich wartości w karcie pozostaną bez zmian.',
    );
    const confirmed = await coordinator.post(`${importsUrl()}/${preview.importId}/confirm`, {});
    expect(confirmed.json()).toEqual({ created: 0, updated: 1, confirmed: 0 });
    const after = (await coordinator.get(`/api/v1/services/${card.id}`)).json() as Service;
    expect(after).toMatchObject({
      capacity: '8 osób',
      contactPhone: '+48 42 600 00 00',
      schedule: 'pn. 9–12',
      languages: card.languages,
    });
  });

  it('refuses rows for a withdrawn card and a second row for the same card', async () => {
    const withdrawn = await publish({ name: 'Usługa wycofana' });
    const done = await coordinator.post(`/api/v1/services/${withdrawn.id}/transitions`, {
      action: 'withdraw',
      version: withdrawn.version,
      reason: 'Realizator zakończył działalność.',
    });
    expect(done.statusCode, done.body).toBe(200);
    const kept = await publish({ name: 'Usługa podwójna' });
    const response = await upload(
      coordinator,
      await sheetWith([
        { ...newService('Usługa wycofana'), Identyfikator: withdrawn.id },
        { ...newService('Usługa podwójna'), Identyfikator: kept.id },
        { ...newService('Usługa podwójna'), Identyfikator: kept.id },
      ]),
    );
    const preview = response.json() as PreviewBody;
    expect(preview.rows.map((r) => r.action)).toEqual(['reject', 'update', 'reject']);
    expect(preview.rows[0]!.errors[0]).toMatchObject({ column: 'Identyfikator' });
    expect(preview.rows[0]!.errors[0]!.messages.pl).toBe('Ta usługa została już wycofana z koszyka.');
    expect(preview.rows[2]!.errors[0]!.messages.pl).toBe('Ta usługa występuje już we wcześniejszym wierszu arkusza.');
  });

  it('audits a refused preview and a refused confirmation', async () => {
    const refused = await upload(caseManager, await sheetWith([newService('Próba bez uprawnień')]));
    expect(refused.statusCode).toBe(403);
    const preview = (
      await upload(coordinator, await sheetWith([newService('Do potwierdzenia')]))
    ).json() as PreviewBody;
    expect((await caseManager.post(`${importsUrl()}/${preview.importId}/confirm`, {})).statusCode).toBe(403);
    const denied = await context.database.db
      .select({ action: auditEvents.action, actorRole: auditEvents.actorRole })
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectId, partnershipId), eq(auditEvents.outcome, 'denied')));
    expect(denied).toEqual(
      expect.arrayContaining([
        { action: 'basket.import.preview', actorRole: 'caseManager' },
        { action: 'basket.import', actorRole: 'caseManager' },
      ]),
    );
  });

  it('round-trips a card with every field filled (registry provider, powiat reach, lists, flags)', async () => {
    const full = await publish({
      name: 'Asystent rodziny – wsparcie w domu',
      description: 'Pomoc w organizacji dnia; sprawy urzędowe.\nDruga linia opisu.',
      origin: 'partner',
      providerInstitutionId: leaderInstitutionId,
      providerName: null,
      cooperationAreas: ['socialAssistance', 'education'],
      targetGroups: ['families', 'children'],
      isCompound: true,
      isReferralRequired: true,
      referralBy: 'Pracownik socjalny OPS',
      accessDescription: 'Zgłoszenie telefoniczne',
      eligibility: 'Rodziny z dziećmi',
      cost: 'paid',
      costDescription: '+20 zł za godzinę',
      street: 'ul. Piotrkowska 1',
      postalCode: '90-001',
      reachKind: 'powiat',
      reachCodes: [GMINA_LODZ.slice(0, 4)],
      schedule: 'pon.–pt. 8:00–16:00',
      capacity: '10 rodzin',
      waitingTimeDays: 14,
      contactName: 'Józef Żółć',
      contactPhone: '+48 42 123 45 67',
      contactEmail: 'asystent@ops.example',
      languages: ['pl', 'uk'],
      isAccessible: true,
      accessibilityDescription: 'Podjazd i winda',
    });
    const all = async () => {
      const page = (await coordinator.get(`/api/v1/services?partnershipId=${partnershipId}&pageSize=100`)).json() as {
        items: Array<{ id: string }>;
      };
      const details = await Promise.all(
        page.items.map(async (item) => (await coordinator.get(`/api/v1/services/${item.id}`)).json() as Service),
      );
      return details.map(({ updatedAt: _u, createdAt: _c, ...rest }) => rest).sort((a, b) => a.id.localeCompare(b.id));
    };
    const before = await all();
    expect(before.some((s) => s.id === full.id)).toBe(true);
    const exported = (await coordinator.get(`/api/v1/partnerships/${partnershipId}/basket/export.xlsx`)).rawPayload;
    const preview = (await upload(coordinator, exported)).json() as {
      importId: string;
      rows: Array<{ action: string; errors: unknown[] }>;
    };
    expect(preview.rows.filter((r) => r.action !== 'unchanged')).toEqual([]);
    await coordinator.post(`${importsUrl()}/${preview.importId}/confirm`, {});
    expect(await all()).toEqual(before);
  });

  it('sends downloads as attachments with nosniff and a fixed file name', async () => {
    const response = await coordinator.get(`/api/v1/partnerships/${partnershipId}/basket/export.csv`);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-disposition']).toMatch(
      /^attachment; filename="koszyk-uslug-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const text = response.rawPayload.toString('utf8');
    expect(text).toContain('Józef Żółć');
    expect(text).toContain(`"'+20 zł za godzinę"`.replace(/"/g, ''));
  });

  it('documents every column of the sheet in the user guide', () => {
    const guide = readFileSync(new URL('../../../../docs/koszyk-uslug-excel.md', import.meta.url), 'utf8');
    for (const c of sheetColumns) expect(guide, c.header).toContain(`| ${c.header} |`);
  });

  // Outside CI a machine without LibreOffice skips this; in CI (which installs it) it must run.
  const soffice = spawnSync('which', ['soffice']).status === 0 || process.env.CI === 'true';
  it.skipIf(!soffice)('opens the exported .xlsx in LibreOffice with headers and Polish characters intact', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'koszyk-'));
    try {
      const file = path.join(dir, 'koszyk.xlsx');
      writeFileSync(
        file,
        (await coordinator.get(`/api/v1/partnerships/${partnershipId}/basket/export.xlsx`)).rawPayload,
      );
      // CSV filter options 44,34,76: comma, double quote, UTF-8; a profile of its own per run.
      execFileSync(
        'soffice',
        [
          `-env:UserInstallation=file://${path.join(dir, 'profile')}`,
          '--headless',
          '--convert-to',
          'csv:Text - txt - csv (StarCalc):44,34,76',
          '--outdir',
          dir,
          file,
        ],
        { timeout: 120_000, stdio: 'pipe' },
      );
      const csv = readFileSync(path.join(dir, 'koszyk.csv'), 'utf8');
      const [header] = csv.split('\n');
      for (const c of sheetColumns.slice(0, 5)) expect(header).toContain(c.header);
      expect(csv).toContain('Mieszkanie wspierane');
      expect(csv).toContain('Fundacja „Źródło”');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
