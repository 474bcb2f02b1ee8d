/**
 * The basket import through the API, timed: a 2,000-row tool-11 sheet (.xlsx) uploaded for a
 * preview and confirmed (one transaction), then the basket exported and imported back (every row
 * "unchanged"). The sheet is built from the same column definition the server reads.
 */
import ExcelJS from 'exceljs';
import { sheetColumns, SHEET_NAME } from '../server/src/basket/exchange/spreadsheet.columns.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const names = [
  ['Punkt konsultacyjny dla rodzin', 'Porady psychologa i pedagoga dla rodziców, także wieczorem.'],
  ['Opieka wytchnieniowa', 'Zastępstwo w opiece nad osobą zależną, by opiekun mógł odpocząć.'],
  ['Zajęcia świetlicowe', 'Odrabianie lekcji, gry i posiłek dla dzieci po szkole.'],
  ['Grupa wsparcia dla seniorów', 'Cotygodniowe spotkania, rozmowy i wspólne wyjścia.'],
  ['Poradnictwo zawodowe', 'Bilans kompetencji, pisanie CV i przygotowanie do rozmowy o pracę.'],
] as const;
const groups = ['rodziny; dzieci', 'seniorzy', 'opiekunowie; osoby z niepełnosprawnościami', 'osoby bezrobotne'];
const areas = ['pomoc społeczna', 'edukacja i wychowanie; kultura', 'zdrowie', 'praca i zatrudnienie'];
const costs = ['bezpłatna', 'odpłatna', 'zależna od dochodu'];

/** New services for one partnership (no identifiers): half from the leader, half from self-help groups. */
export async function buildImportSheet(rows: number, gmina: string, leaderName: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(SHEET_NAME);
  sheet.addRow(sheetColumns.map((c) => c.header));
  for (let i = 0; i < rows; i += 1) {
    const [name, description] = names[i % names.length]!;
    const fromLeader = i % 2 === 0;
    const cells: Record<string, string | number | null> = {
      'Nazwa usługi': `${name} – edycja ${i + 1}`,
      Opis: `${description} Zapisy: telefonicznie lub w siedzibie; liczba miejsc ograniczona.`,
      'Realizator (instytucja)': fromLeader ? leaderName : null,
      'Realizator spoza rejestru': fromLeader ? null : 'Stowarzyszenie „Dobre Sąsiedztwo”',
      Pochodzenie: fromLeader ? 'partner' : i % 4 === 1 ? 'sąsiedztwo' : 'samopomoc',
      'Obszary współpracy': areas[i % areas.length]!,
      'Grupy docelowe': groups[i % groups.length]!,
      'Usługa złożona': i % 5 === 0 ? 'tak' : 'nie',
      'Wymagane skierowanie': i % 3 === 0 ? 'tak' : 'nie',
      'Kto kieruje': i % 3 === 0 ? 'Pracownik socjalny OPS' : null,
      Odpłatność: costs[i % costs.length]!,
      Miejsce: 'pod adresem',
      Ulica: `ul. Żeromskiego ${1 + (i % 60)}`,
      'Kod pocztowy': '59-700',
      Miejscowość: 'Bolesławiec',
      'Kod TERYT gminy': gmina,
      Zasięg: i % 10 === 0 ? 'powiat' : 'gminy',
      'Kody TERYT zasięgu': i % 10 === 0 ? gmina.slice(0, 4) : gmina,
      Harmonogram: 'pon.–pt. 9:00–17:00',
      'Czas oczekiwania (dni)': i % 21,
      'Osoba kontaktowa': 'Małgorzata Wójcik',
      Telefon: '75 612 34 56',
      'E-mail': `usluga${i}@ops.bench.example`,
      Języki: i % 7 === 0 ? 'pl; uk' : 'pl',
      'Dostępność dla osób z niepełnosprawnościami': i % 2 === 0 ? 'tak' : 'nie',
    };
    sheet.addRow(sheetColumns.map((c) => cells[c.header] ?? null));
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export type Session = { cookie: string; csrfToken: string };

export async function signInWithCsrf(url: string, email: string, password: string): Promise<Session> {
  const response = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const body = (await response.json()) as { status?: string; me?: { csrfToken?: string } };
  const cookie = response.headers.getSetCookie().find((c) => /session/i.test(c));
  if (response.status !== 200 || body.status !== 'signedIn' || !cookie || !body.me?.csrfToken) {
    throw new Error(`sign-in of ${email} answered ${response.status} ${JSON.stringify(body).slice(0, 200)}`);
  }
  return { cookie: cookie.split(';')[0]!, csrfToken: body.me.csrfToken };
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

type Preview = { importId: string; counts: Record<string, number> };

export type ImportTimings = {
  rows: number;
  sheetBytes: number;
  previewMs: number;
  confirmMs: number;
  counts: Record<string, number>;
  exportMs: number;
  exportedRows: number;
  roundTripPreviewMs: number;
  roundTripCounts: Record<string, number>;
  roundTripConfirmMs: number;
};

/** Preview + confirm of `rows` new services, then export -> import back; throws when a step fails. */
export async function measureBasketImport(
  url: string,
  session: Session,
  partnershipId: string,
  sheet: Buffer,
  rows: number,
): Promise<ImportTimings> {
  const headers = { cookie: session.cookie, 'x-csrf-token': session.csrfToken };
  const base = `${url}/api/v1/partnerships/${partnershipId}/basket`;
  const upload = async (body: Buffer) => {
    const response = await fetch(`${base}/imports`, {
      method: 'POST',
      headers: { ...headers, 'content-type': XLSX },
      body: new Uint8Array(body),
    });
    if (!response.ok)
      throw new Error(`import preview answered ${response.status} ${(await response.text()).slice(0, 300)}`);
    return (await response.json()) as Preview;
  };
  const confirm = async (importId: string) => {
    const response = await fetch(`${base}/imports/${importId}/confirm`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: '{}',
    });
    if (!response.ok)
      throw new Error(`import confirm answered ${response.status} ${(await response.text()).slice(0, 300)}`);
    return (await response.json()) as { created: number; updated: number };
  };

  const preview = await timed(() => upload(sheet));
  if (preview.value.counts.reject) throw new Error(`the bench sheet has ${preview.value.counts.reject} rejected rows`);
  const confirmed = await timed(() => confirm(preview.value.importId));
  if (confirmed.value.created !== rows) throw new Error(`created ${confirmed.value.created} of ${rows}`);

  const exported = await timed(async () => {
    const response = await fetch(`${base}/export.xlsx`, { headers });
    if (!response.ok) throw new Error(`export answered ${response.status}`);
    return Buffer.from(await response.arrayBuffer());
  });
  const exportedSheet = new ExcelJS.Workbook();
  await exportedSheet.xlsx.load(exported.value as unknown as ArrayBuffer);
  const roundTrip = await timed(() => upload(exported.value));
  const roundTripConfirm = await timed(() => confirm(roundTrip.value.importId));
  return {
    rows,
    sheetBytes: sheet.length,
    previewMs: preview.ms,
    confirmMs: confirmed.ms,
    counts: preview.value.counts,
    exportMs: exported.ms,
    exportedRows: exportedSheet.getWorksheet(SHEET_NAME)!.actualRowCount - 1,
    roundTripPreviewMs: roundTrip.ms,
    roundTripCounts: roundTrip.value.counts,
    roundTripConfirmMs: roundTripConfirm.ms,
  };
}
