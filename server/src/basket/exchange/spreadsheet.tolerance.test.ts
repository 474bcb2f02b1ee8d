/**
 * Issue 8 item 1, "An OPS's own sheet gets in": sheets as OPS keep them (a title above the headers,
 * merged header cells, values Excel changed) are read, built with exceljs and sent through the real
 * preview and confirmation routes.
 */
import ExcelJS from 'exceljs';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../platform/db/tables.js';
import { GMINA_GROMADKA, GMINA_LODZ, TEST_PASSWORD, buildPartnership } from '../../testing/factories.js';
import { createTestContext, TestClient, type TestContext } from '../../testing/test-app.js';
import type { ImportPreview, Service } from '../../../../shared/src/contracts/basket.js';
import { sheetColumns } from './spreadsheet.columns.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
let context: TestContext;
let partnershipId: string;
let coordinator: TestClient;

beforeAll(async () => {
  context = await createTestContext();
  const db = context.database.db;
  const partnership = await buildPartnership(db);
  partnershipId = partnership.id;
  const [user] = await db.select().from(users).where(eq(users.id, partnership.coordinatorUserId));
  coordinator = await new TestClient(context).signIn(user!.email, TEST_PASSWORD);
});

afterAll(async () => {
  await context?.close();
});

type Cells = Record<string, string | number | null>;

const upload = (body: Buffer, type = XLSX) =>
  coordinator.request('POST', `/api/v1/partnerships/${partnershipId}/basket/imports`, body, { 'content-type': type });
const confirm = (importId: string) =>
  coordinator.post(`/api/v1/partnerships/${partnershipId}/basket/imports/${importId}/confirm`, {});
/** The basket's cards in full (the list answers a summary). */
const basketCards = async () => {
  const list = (await coordinator.get(`/api/v1/services?partnershipId=${partnershipId}&pageSize=100`)).json() as {
    items: Array<{ id: string }>;
  };
  return Promise.all(
    list.items.map(async ({ id }) => (await coordinator.get(`/api/v1/services/${id}`)).json() as Service),
  );
};

/** A valid new service; the test overrides what it is about. */
const newService = (name: string, overrides: Cells = {}): Cells => ({
  'Nazwa usługi': name,
  Opis: 'Zajęcia świetlicowe dla dzieci: odrabianie lekcji, posiłek, gry.',
  'Realizator spoza rejestru': 'Stowarzyszenie „Żółty Latawiec”',
  Pochodzenie: 'sąsiedztwo',
  'Obszary współpracy': 'edukacja i wychowanie',
  'Grupy docelowe': 'dzieci',
  Odpłatność: 'bezpłatna',
  Miejsce: 'pod adresem',
  Miejscowość: 'Łódź',
  Zasięg: 'gminy',
  'Kody TERYT zasięgu': GMINA_LODZ,
  Telefon: '12 278 00 00',
  ...overrides,
});

/**
 * A sheet as an OPS might keep it: `above` rows (a title, blanks) before the header row, then the
 * rows. Cell values keep their type (a number stays a number cell, as Excel stores it).
 */
async function buildSheet(
  rows: Cells[],
  options: { headers?: string[]; above?: Array<Array<string | null>>; edit?: (sheet: ExcelJS.Worksheet) => void } = {},
): Promise<Buffer> {
  const headers = options.headers ?? sheetColumns.map((c) => c.header);
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Usługi OPS');
  for (const row of options.above ?? []) sheet.addRow(row);
  sheet.addRow(headers);
  for (const row of rows) sheet.addRow(headers.map((h) => row[h] ?? null));
  options.edit?.(sheet);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

async function previewOf(body: Buffer): Promise<ImportPreview> {
  const response = await upload(body);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as ImportPreview;
}

const messagesOf = (row: ImportPreview['rows'][number]) =>
  [...row.errors, ...(row.notes ?? [])].map((e) => `${e.column}: ${e.messages.pl}`);

describe('a file that is not an .xlsx', () => {
  it('gets the one "not an Excel file" problem in Polish and English, whatever its type claims', async () => {
    const csv = Buffer.from('Nazwa usługi;Opis\r\nŚwietlica;Zajęcia\r\n');
    const pdf = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n');
    for (const [body, type] of [
      [csv, XLSX],
      [csv, 'text/csv'],
      [pdf, 'application/pdf'],
      [pdf, 'application/octet-stream'],
    ] as const) {
      const response = await upload(body, type);
      expect(response.statusCode, `${type}: ${response.body}`).toBe(415);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json()).toMatchObject({
        code: 'notXlsx',
        messages: {
          pl: 'To nie jest plik Excel (.xlsx); zapisz arkusz jako .xlsx.',
          en: 'This is not an Excel (.xlsx) file; save the sheet as .xlsx.',
        },
        errors: [{ field: 'file', code: 'notXlsx' }],
      });
    }
  });
});

describe('values as Excel leaves them', () => {
  it('reads postal and TERYT codes stored as numbers, lists split by commas or line breaks, and no-break spaces', async () => {
    const rows = [
      newService('Klub\u00a0seniora „Pod Lipami”\u00a0', {
        'Kod pocztowy': 32020,
        'Kod TERYT gminy': Number(GMINA_GROMADKA),
        'Obszary współpracy': 'kultura, rekreacja\nsport',
        'Grupy docelowe': '\u00a0seniorzy;\u00a0opiekunowie\u00a0',
        Odpłatność: '\u00a0bezpłatna\u00a0',
        Języki: 'pl, uk',
      }),
      newService('Punkt porad prawnych', { 'Kod pocztowy': 2345 }),
    ];
    const preview = await previewOf(await buildSheet(rows));
    expect(preview.rows.map((r) => [r.action, messagesOf(r)])).toEqual([
      ['create', []],
      ['create', []],
    ]);
    expect((await confirm(preview.importId)).json()).toEqual({ created: 2, updated: 0, confirmed: 0 });
    const cards = await basketCards();
    const club = cards.find((c) => c.name.startsWith('Klub'))!;
    expect(club).toMatchObject({
      name: 'Klub seniora „Pod Lipami”',
      postalCode: '32-020',
      territoryCode: GMINA_GROMADKA,
      cooperationAreas: ['culture', 'recreation', 'sport'],
      targetGroups: ['seniors', 'caregivers'],
      languages: ['pl', 'uk'],
    });
    expect(cards.find((c) => c.name === 'Punkt porad prawnych')).toMatchObject({ postalCode: '02-345' });
  });

  it('says why a value is wrong, with an example where the value has a format', async () => {
    const broken = newService('Zła usługa', {
      'Kod pocztowy': '32 020',
      'E-mail': 'nie-adres',
      'Czas oczekiwania (dni)': 'tydzień',
      'Obszary współpracy': 'kultura / sport',
      Języki: 'polski',
    });
    const preview = await previewOf(await buildSheet([broken]));
    const text = messagesOf(preview.rows[0]!).join('\n');
    expect(text).toContain('Kod pocztowy: Kod pocztowy w formacie 00-000. Wpisz kod z myślnikiem, np. 32-020.');
    expect(text).toContain('Czas oczekiwania (dni): ');
    expect(text).toContain('np. 14.');
    expect(text).toContain('E-mail: ');
    expect(text).toContain('Np. kontakt@ops.lodz.pl.');
    expect(text).toMatch(/Obszary współpracy: .*Dozwolone: .*Oddziel wartości średnikiem\./);
    expect(text).toContain('np. pl; uk.');
  });
});

describe('the header row of an OPS sheet', () => {
  const headers = sheetColumns.map((c) => c.header);
  const columnOf = (header: string) => headers.indexOf(header) + 1;

  it('is found below a merged title and a blank row, and errors keep the sheet’s real row numbers', async () => {
    const body = await buildSheet([newService('Świetlica „Tęcza”'), newService('Bez opisu', { Opis: null })], {
      above: [['Koszyk usług – OPS Łódź-Bałuty, stan na 1.12.2026'], []],
      edit: (sheet) => sheet.mergeCells('A1:F1'),
    });
    const preview = await previewOf(body);
    expect(preview.rows.map((r) => [r.row, r.action])).toEqual([
      [4, 'create'],
      [5, 'reject'],
    ]);
    expect(preview.rows[1]!.errors.map((e) => e.column)).toEqual(['Opis']);
    expect(preview.notes).toEqual([
      {
        column: '',
        messages: expect.objectContaining({ pl: 'Nagłówki kolumn odczytano z wiersza 3; wiersze nad nim pominięto.' }),
      },
    ]);
  });

  it('reads a header merged over two rows as its top-left text for its column', async () => {
    const nameColumn = columnOf('Nazwa usługi');
    const body = await buildSheet([newService('Grupa wsparcia dla opiekunów')], {
      headers: headers.map((h) => (h === 'Nazwa usługi' ? null : h)) as string[],
      above: [headers.map((h) => (h === 'Nazwa usługi' ? h : null))],
      edit: (sheet) => {
        sheet.getRow(3).getCell(nameColumn).value = 'Grupa wsparcia dla opiekunów';
        sheet.mergeCells(1, nameColumn, 2, nameColumn);
      },
    });
    const preview = await previewOf(body);
    expect(preview.rows).toMatchObject([{ row: 3, action: 'create', name: 'Grupa wsparcia dla opiekunów' }]);
  });

  it('reads a group header "Kontakt (telefon / e-mail)" over two columns as those two columns', async () => {
    const grouped = headers.map((h) => (h === 'Telefon' ? 'Kontakt (telefon / e-mail)' : h === 'E-mail' ? null : h));
    const row = newService('Poradnia rodzinna', { Telefon: '42 638 40 00', 'E-mail': 'poradnia@example.pl' });
    const body = await buildSheet([], {
      headers: grouped as string[],
      edit: (sheet) => {
        sheet.addRow(headers.map((h) => row[h] ?? null));
        sheet.mergeCells(1, columnOf('Telefon'), 1, columnOf('E-mail'));
      },
    });
    const preview = await previewOf(body);
    expect(preview.rows).toMatchObject([{ action: 'create' }]);
    expect(messagesOf(preview.rows[0]!).join('\n')).not.toMatch(/Telefon|E-mail/);
    expect(preview.notes ?? []).toEqual([]);
    expect((await confirm(preview.importId)).statusCode).toBe(200);
    const card = (await basketCards()).find((c) => c.name === 'Poradnia rodzinna')!;
    expect(card).toMatchObject({ contactPhone: '42 638 40 00', contactEmail: 'poradnia@example.pl' });
  });

  it('reports a merged header it does not understand once, not as two unknown columns', async () => {
    const grouped = headers.map((h) => (h === 'Telefon' ? 'Dane kontaktowe' : h === 'E-mail' ? null : h));
    const body = await buildSheet([newService('Klub młodzieżowy'), newService('Klub sportowy')], {
      headers: grouped as string[],
      edit: (sheet) => sheet.mergeCells(1, columnOf('Telefon'), 1, columnOf('E-mail')),
    });
    const preview = await previewOf(body);
    expect(preview.rows.map((r) => r.action)).toEqual(['create', 'create']);
    expect(preview.notes).toEqual([
      {
        column: 'Dane kontaktowe',
        messages: expect.objectContaining({ pl: expect.stringContaining('Nie rozpoznano tego scalonego nagłówka') }),
      },
    ]);
  });
});

describe('a new service entered twice in the sheet', () => {
  it('flags the second row with the row it repeats and creates one card on confirmation', async () => {
    const rows = [
      newService('Świetlica „Słoneczko”', { 'Realizator spoza rejestru': 'Parafia św. Jadwigi' }),
      newService('Klub Seniora'),
      newService('  swietlica SŁONECZKO ', { 'Realizator spoza rejestru': 'parafia sw. Jadwigi' }),
      newService('Świetlica „Słoneczko”', { 'Realizator spoza rejestru': 'Stowarzyszenie Bałuty' }),
    ];
    const preview = await previewOf(await buildSheet(rows));
    expect(preview.rows.map((r) => [r.row, r.action])).toEqual([
      [2, 'create'],
      [3, 'create'],
      [4, 'duplicate'],
      [5, 'create'],
    ]);
    expect(preview.rows[2]).toMatchObject({
      errors: [],
      notes: [{ column: 'Nazwa usługi', messages: { pl: expect.stringContaining('Powtarza wiersz 2') } }],
    });
    expect((await confirm(preview.importId)).json()).toEqual({ created: 3, updated: 0, confirmed: 0 });
    const copies = (await basketCards()).filter((c) => c.name.toLowerCase().includes('słoneczko'));
    expect(copies.map((c) => c.providerName).sort()).toEqual(['Parafia św. Jadwigi', 'Stowarzyszenie Bałuty']);
  });
});
