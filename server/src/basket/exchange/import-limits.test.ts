/**
 * Security issue 6, item 2: one import request must not freeze the server for everyone. A real
 * listening server receives hostile HSDS documents and dense sheets while /healthz is asked again
 * and again; the health answers must keep coming while the import is in flight (counted by the
 * order of completions, not by timing), and the import gets its 413/400/422 problem. Refusals for
 * size or budget are audited; nothing is written.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from 'node:http';
import ExcelJS from 'exceljs';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, basketImports, users } from '../../platform/db/tables.js';
import { TEST_PASSWORD, buildPartnership } from '../../testing/factories.js';
import { createTestContext, TestClient, type TestContext } from '../../testing/test-app.js';
import { DEMO_PASSWORD } from '../../demo/demo-data.js';
import { sheetColumns } from './spreadsheet.columns.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Health answers that must arrive while one import is in flight; the old code managed at most one or two. */
const PROBES_MEANWHILE = 5;

let context: TestContext;
let baseUrl: string;
let partnershipId: string;
let coordinator: TestClient;

beforeAll(async () => {
  context = await createTestContext();
  const partnership = await buildPartnership(context.database.db);
  partnershipId = partnership.id;
  const [user] = await context.database.db.select().from(users).where(eq(users.id, partnership.coordinatorUserId));
  coordinator = await new TestClient(context).signIn(user!.email, TEST_PASSWORD);
  baseUrl = await context.app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await context?.close();
});

type Answer = { status: number; body: { code?: string; errors?: Array<{ field: string; code: string }> } };

/**
 * Sends the import over HTTP and, once its body is on the wire, asks /healthz again and again
 * (each after the previous answer) until the import answers. Returns the import's answer and how
 * many health answers arrived before it.
 */
async function importWhileProbing(path: string, body: Buffer, contentType: string) {
  let isAnswered = false;
  let sent!: () => void;
  const isSent = new Promise<void>((resolve) => (sent = resolve));
  const answer = new Promise<Answer>((resolve, reject) => {
    const upload = request(`${baseUrl}/api/v1/partnerships/${partnershipId}/basket/${path}`, {
      method: 'POST',
      headers: {
        cookie: coordinator.cookie!,
        'x-csrf-token': coordinator.csrfToken!,
        'content-type': contentType,
        'content-length': String(body.length),
      },
    });
    upload.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        isAnswered = true;
        resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      });
    });
    upload.on('error', reject);
    upload.end(body, () => sent());
  });
  await isSent;
  let probesMeanwhile = 0;
  while (!isAnswered) {
    const health = await fetch(`${baseUrl}/healthz`);
    expect(health.status).toBe(200);
    await health.text();
    if (!isAnswered) probesMeanwhile += 1;
  }
  return { ...(await answer), probesMeanwhile };
}

const deniedPreviews = async () =>
  (
    await context.database.db
      .select({ details: auditEvents.details })
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.subjectId, partnershipId),
          eq(auditEvents.action, 'basket.import.preview'),
          eq(auditEvents.outcome, 'denied'),
        ),
      )
  ).map((row) => row.details as { reason: string; format: string });

const storedPreviews = async () =>
  Number(
    (
      await context.database.db
        .select({ n: sql<number>`count(*)` })
        .from(basketImports)
        .where(eq(basketImports.partnershipId, partnershipId))
    )[0]!.n,
  );

async function denseSheet(cells: number, columns: number): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Koszyk usług');
  for (let row = 0; row < cells / columns; row += 1) sheet.addRow(Array.from({ length: columns }, (_, i) => i));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

describe('hostile imports do not freeze the server', () => {
  it('40,000 empty taxonomy terms (120 KB): 413 at the shape check, health answered meanwhile', async () => {
    const body = Buffer.from(JSON.stringify({ taxonomy_terms: Array.from({ length: 40_000 }, () => ({})) }));
    expect(body.length).toBeLessThan(130_000);
    const result = await importWhileProbing('hsds', body, 'application/json');
    expect(result.probesMeanwhile).toBeGreaterThanOrEqual(PROBES_MEANWHILE);
    expect(result.status, JSON.stringify(result.body)).toBe(413);
    expect(result.body).toMatchObject({
      code: 'payloadTooLarge',
      errors: [{ field: 'taxonomy_terms', code: 'hsdsTooLarge' }],
    });
  });

  it('a 4.5 MB document of 1.5 million empty terms: 413, health answered meanwhile', async () => {
    const body = Buffer.from(`{"services":[{}],"taxonomy_terms":[${'{},'.repeat(1_500_000)}{}]}`);
    expect(body.length).toBeGreaterThan(4_400_000);
    expect(body.length).toBeLessThan(5 * 1024 * 1024);
    const result = await importWhileProbing('hsds', body, 'application/json');
    expect(result.probesMeanwhile).toBeGreaterThanOrEqual(PROBES_MEANWHILE);
    expect(result.status, JSON.stringify(result.body)).toBe(413);
    expect(result.body.errors?.[0]).toMatchObject({ field: 'taxonomy_terms', code: 'hsdsTooLarge' });
  });

  it('nesting 2 million levels deep (4 MB): 413 naming the depth, health answered meanwhile', async () => {
    const depth = 2_000_000;
    const body = Buffer.from(`{"services":[${'['.repeat(depth)}${']'.repeat(depth)}]}`);
    const result = await importWhileProbing('hsds', body, 'application/json');
    expect(result.probesMeanwhile).toBeGreaterThanOrEqual(PROBES_MEANWHILE);
    expect(result.status, JSON.stringify(result.body)).toBe(413);
    expect(result.body.errors?.[0]?.code).toBe('hsdsTooLarge');
  });

  it('10,000 broken terms within the limits: 400 with the first 50 schema errors, not all 40,000', async () => {
    const body = Buffer.from(
      JSON.stringify({ services: [{}], taxonomy_terms: Array.from({ length: 10_000 }, () => ({})) }),
    );
    const result = await importWhileProbing('hsds', body, 'application/json');
    expect(result.probesMeanwhile).toBeGreaterThanOrEqual(PROBES_MEANWHILE);
    expect(result.status, JSON.stringify(result.body).slice(0, 300)).toBe(400);
    expect(result.body.code).toBe('validation');
    expect(result.body.errors).toHaveLength(50);
  });

  it('a dense sheet over the cell limit: 413; one just under it is parsed off the event loop: 422', async () => {
    const over = await importWhileProbing('imports', await denseSheet(250_000, 100), XLSX);
    expect(over.probesMeanwhile).toBeGreaterThanOrEqual(PROBES_MEANWHILE);
    expect(over.status, JSON.stringify(over.body)).toBe(413);
    expect(over.body).toMatchObject({ errors: [{ field: 'file', code: 'spreadsheetTooLarge' }] });

    const under = await importWhileProbing('imports', await denseSheet(190_000, 100), XLSX);
    expect(under.probesMeanwhile).toBeGreaterThanOrEqual(PROBES_MEANWHILE);
    expect(under.status, JSON.stringify(under.body)).toBe(422);
    expect(under.body).toMatchObject({ errors: [{ field: 'file', code: 'noBasketSheet' }] });
  });

  it('audits each refusal for size with its reason and stores no preview', async () => {
    expect(await storedPreviews()).toBe(0);
    expect(await deniedPreviews()).toEqual(
      expect.arrayContaining([
        { reason: 'hsdsTooLarge', format: 'hsds' },
        { reason: 'spreadsheetTooLarge', format: 'xlsx' },
      ]),
    );
    expect((await deniedPreviews()).filter((d) => d.reason === 'hsdsTooLarge')).toHaveLength(3);
  });
});

describe('import budget', () => {
  let tight: TestContext;
  let tightPartnershipId: string;
  let tightCoordinator: TestClient;

  beforeAll(async () => {
    tight = await createTestContext({ IMPORT_MEMORY_LIMIT_MB: '24' });
    const partnership = await buildPartnership(tight.database.db);
    tightPartnershipId = partnership.id;
    const [user] = await tight.database.db.select().from(users).where(eq(users.id, partnership.coordinatorUserId));
    tightCoordinator = await new TestClient(tight).signIn(user!.email, TEST_PASSWORD);
  });
  afterAll(async () => {
    await tight?.close();
  });

  it('a sheet that needs more memory than the budget gets 422 importTooComplex, audited, nothing stored', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Koszyk usług');
    sheet.addRow(sheetColumns.map((c) => c.header));
    for (let i = 0; i < 2_000; i += 1) sheet.addRow(sheetColumns.map((c) => `${c.header} ${i}: pewien dłuższy tekst`));
    const response = await tightCoordinator.request(
      'POST',
      `/api/v1/partnerships/${tightPartnershipId}/basket/imports`,
      Buffer.from(await workbook.xlsx.writeBuffer()),
      { 'content-type': XLSX },
    );
    expect(response.statusCode, response.body).toBe(422);
    expect(response.headers['content-type']).toContain('application/problem+json');
    const problem = response.json() as {
      messages: { pl: string };
      errors: Array<{ code: string; messages: { pl: string } }>;
    };
    expect(problem.errors).toMatchObject([{ field: 'file', code: 'importTooComplex' }]);
    expect(problem.errors[0]!.messages.pl).toContain('Podziel');
    const denied = await tight.database.db
      .select({ details: auditEvents.details })
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectId, tightPartnershipId), eq(auditEvents.outcome, 'denied')));
    expect(denied.map((d) => d.details)).toEqual([{ reason: 'memoryLimit', format: 'xlsx' }]);
    const stored = await tight.database.db
      .select({ id: basketImports.id })
      .from(basketImports)
      .where(eq(basketImports.partnershipId, tightPartnershipId));
    expect(stored).toEqual([]);
  });
});

/** The heaviest sheet the limits let through: 5,000 rows of every template column, all filled. */
async function fullSheet(rows: number): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Koszyk usług');
  sheet.addRow(sheetColumns.map((c) => c.header));
  for (let i = 0; i < rows; i += 1) sheet.addRow(sheetColumns.map((c) => `${c.header} ${i}: pewien dłuższy tekst`));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

describe('shutdown during an import', () => {
  it('SIGTERM terminates the import worker: the upload gets 503 and the server exits 0 promptly', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'kooperacja-import-'));
    const sheet = await fullSheet(5_000);
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
      env: {
        ...process.env,
        DATA_DIR: folder,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        SEED_DEMO: 'true',
        DATABASE_URL: '',
        WEB_DIST_DIR: './.tmp/no-web',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const waitFor = async (pattern: RegExp) => {
        const deadline = Date.now() + 90_000;
        while (!pattern.test(output) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        expect(output, output).toMatch(pattern);
        return pattern.exec(output)!;
      };
      const url = (await waitFor(/running at (http:\/\/[^\s]+)/))[1]!;

      const login = await fetch(`${url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'koordynator@kooperacja.demo', password: DEMO_PASSWORD }),
      });
      expect(login.status).toBe(200);
      const headers = {
        cookie: login.headers.getSetCookie()[0]!.split(';')[0]!,
        'x-csrf-token': ((await login.json()) as { me: { csrfToken: string } }).me.csrfToken,
      };
      const list = (await (await fetch(`${url}/api/v1/partnerships`, { headers })).json()) as {
        items: Array<{ id: string }>;
      };
      const importing = fetch(`${url}/api/v1/partnerships/${list.items[0]!.id}/basket/imports`, {
        method: 'POST',
        headers: { ...headers, 'content-type': XLSX },
        body: new Uint8Array(sheet),
      }).then(async (response) => ({ status: response.status, body: (await response.json()) as { code: string } }));

      await waitFor(/"msg":"worker job started"/);
      const stoppedAt = Date.now();
      child.kill('SIGTERM');
      // The job was cut short (not finished): its request is answered 503, then the process ends.
      expect(await importing).toMatchObject({ status: 503, body: { code: 'unavailable' } });
      expect(await exited).toBe(0);
      expect(Date.now() - stoppedAt, output).toBeLessThan(5_000);
      expect(output).toMatch(/"outcome":"aborted"/);
    } finally {
      child.kill('SIGKILL');
      rmSync(folder, { recursive: true, force: true });
    }
  }, 120_000);
});
