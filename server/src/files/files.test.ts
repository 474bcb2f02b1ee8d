/**
 * The stored-files mechanism on the real database (PGlite and PostgreSQL; docs/security.md §22,
 * §24): each allowed type round-trips byte-exact after stripping, a database copy holds none of
 * the content, name or signer, a file is found only through its own host record, a refused upload
 * leaves nothing behind, every store, list and read is audited, and a download is an attachment.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import Fastify from 'fastify';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../testing/test-app.js';
import { buildUser } from '../testing/factories.js';
import type { DatabaseHandle } from '../platform/db/database.js';
import { auditEvents, storedFiles } from '../platform/db/tables.js';
import type { RequestContext } from '../platform/auth/actor.js';
import { createHostDataKey, destroyHostDataKey, rotateDataKeys } from '../platform/encryption/data-keys.js';
import { parseKeyring, type Keyring } from '../platform/encryption/keyring.js';
import { AppError } from '../platform/http/problem.js';
import {
  listFiles,
  readFile,
  sendFileAttachment,
  storeFile,
  type StoreFileInput,
  type StoredFileHost,
} from './index.js';
import { stripJpegMetadata, stripPngMetadata } from './files.content.js';
import { jpegWithMetadata, MARKER, pdf, pngPixels, pngWithMetadata, squareJpeg } from './files.fixtures.js';

const SIGNER = 'Grażyna Wiśniewska-ZNACZNIK-PODPIS';
const NAME_MARKER = 'ZNACZNIK-NAZWA-Kowalski';
const MAX_BYTES = 10 * 1024 * 1024;
const keyEntry = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;

let database: DatabaseHandle;
let drop: () => Promise<void>;
let databaseUrl: string | null;
const firstKey = keyEntry('files-1');
let keyring: Keyring;
let context: RequestContext;
let userId: string;

beforeAll(async () => {
  ({ database, drop, url: databaseUrl } = await openTestDatabase());
  keyring = parseKeyring(firstKey);
  const user = await buildUser(database.db, { role: 'caseManager' });
  userId = user.id;
  const membership = {
    id: user.membershipId,
    institutionId: user.institutionId,
    institutionName: 'Ośrodek Pomocy Społecznej w Łodzi',
    institutionKind: 'ops' as const,
    institutionTerritoryCode: '1061011',
    role: user.role,
  };
  context = {
    requestId: 'files-test',
    ip: '127.0.0.1',
    actor: {
      userId: user.id,
      displayName: user.displayName,
      email: user.email,
      sessionId: randomUUID(),
      mustChangePassword: false,
      isTotpEnabled: false,
      membership,
      memberships: [membership],
    },
  };
});

afterAll(async () => {
  await drop();
});

/** A host record (a case, as issue 9's will be) with its own data key. */
async function newHost(type = 'case'): Promise<{ host: StoredFileHost; dataKeyId: string }> {
  const host = { type, id: randomUUID() };
  const dataKey = await createHostDataKey(database.db, keyring, host);
  return { host, dataKeyId: dataKey.id };
}

function upload(
  where: { host: StoredFileHost; dataKeyId: string },
  bytes: Buffer,
  overrides: Partial<StoreFileInput> = {},
) {
  return database.db.transaction((tx) =>
    storeFile(tx, keyring, context, {
      ...where,
      bytes,
      fileName: `${NAME_MARKER}.pdf`,
      kind: 'signedCopy',
      signedBy: SIGNER,
      signedAt: '2026-11-30',
      maxBytes: MAX_BYTES,
      purpose: 'caseWork',
      ...overrides,
    }),
  );
}

async function refusalOf(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

describe('storing and reading files', () => {
  it.each([
    ['a PDF, unchanged', () => pdf(), (bytes: Buffer) => bytes, 'application/pdf', 'Umowa.pdf'],
    ['a JPEG, without its EXIF/GPS', () => jpegWithMetadata(), stripJpegMetadata, 'image/jpeg', 'zdjęcie podpisu.jpg'],
    ['a PNG, without its text and EXIF chunks', () => pngWithMetadata(), stripPngMetadata, 'image/png', 'skan.png'],
  ])('round-trips %s, byte for byte', async (_, make, expected, mediaType, fileName) => {
    const where = await newHost();
    const bytes = make();
    const stored = await upload(where, bytes, { fileName });
    const want = expected(bytes);
    expect(stored).toMatchObject({
      kind: 'signedCopy',
      mediaType,
      byteSize: want.length,
      sha256: createHash('sha256').update(want).digest('hex'),
      fileName,
      signedBy: SIGNER,
      signedAt: '2026-11-30',
      uploadedByUserId: userId,
    });
    const read = await readFile(database.db, keyring, context, {
      id: stored.id,
      host: where.host,
      purpose: 'caseWork',
    });
    expect(read.bytes).toEqual(want);
    expect(read.metadata).toEqual(stored);
    if (mediaType !== 'application/pdf') expect(read.bytes.includes(Buffer.from(MARKER))).toBe(false);
    if (mediaType === 'image/png') expect(PNG.sync.read(read.bytes).data).toEqual(pngPixels().data);
    if (mediaType === 'image/jpeg') expect(read.bytes).toEqual(stripJpegMetadata(squareJpeg()));
  });

  it('a raw read of the table (what a pg_dump holds) shows no content, name or signer', async () => {
    const where = await newHost();
    // A PDF keeps MARKER in its page text: only encryption keeps it out of the database.
    const stored = await upload(where, pdf(), { fileName: `${NAME_MARKER}.pdf` });
    const result = await database.db.execute(
      sql`select content, file_name, signed_by, row_to_json(f)::text as whole from stored_files f where id = ${stored.id}`,
    );
    type RawRow = { content: Uint8Array; file_name: string; signed_by: string; whole: string };
    const row = (result as unknown as { rows: RawRow[] }).rows[0]!;
    const content = Buffer.from(row.content);
    expect(content.length).toBeGreaterThan(pdf().length);
    for (const marker of [MARKER, NAME_MARKER, SIGNER, 'Wiśniewska', '%PDF']) {
      expect(content.includes(Buffer.from(marker, 'utf8'))).toBe(false);
      expect(row.whole).not.toContain(marker);
      expect(row.whole).not.toContain(Buffer.from(marker, 'utf8').toString('hex'));
    }
    expect(row.file_name.startsWith('enc1.')).toBe(true);
    expect(row.signed_by.startsWith('enc1.')).toBe(true);
  });

  // PostgreSQL only: PGlite has no server for pg_dump to connect to (the raw read above covers it).
  it.runIf(process.env.DATABASE_URL)('a real pg_dump of the whole database holds none of the markers', async () => {
    const where = await newHost();
    await upload(where, pdf(), { fileName: `${NAME_MARKER}.pdf` });
    await upload(where, jpegWithMetadata(), { fileName: `${NAME_MARKER}.jpg` });
    const { stdout } = await promisify(execFile)('pg_dump', ['--data-only', '--no-owner', databaseUrl!], {
      maxBuffer: 512 * 1024 * 1024,
    });
    expect(stdout).toContain('COPY public.stored_files');
    for (const marker of [MARKER, NAME_MARKER, SIGNER, 'Wiśniewska']) {
      expect(stdout).not.toContain(marker);
      expect(stdout).not.toContain(Buffer.from(marker, 'utf8').toString('hex'));
    }
  });

  it('lists a host’s files without their content, and only that host’s', async () => {
    const where = await newHost();
    const first = await upload(where, pdf(), { fileName: 'pierwszy.pdf', signedBy: null, signedAt: null });
    const second = await upload(where, jpegWithMetadata(), { fileName: 'drugi.jpg' });
    const files = await listFiles(database.db, keyring, context, { host: where.host, purpose: 'caseWork' });
    expect(files.map((file) => [file.id, file.fileName, file.signedBy])).toEqual([
      [first.id, 'pierwszy.pdf', null],
      [second.id, 'drugi.jpg', SIGNER],
    ]);
    expect(
      await listFiles(database.db, keyring, context, { host: (await newHost()).host, purpose: 'caseWork' }),
    ).toEqual([]);
  });

  it('refuses a file through another host exactly as one that does not exist', async () => {
    const where = await newHost();
    const stored = await upload(where, pdf());
    const attempts: StoredFileHost[] = [
      { type: 'case', id: randomUUID() },
      { type: 'taskTeam', id: where.host.id },
    ];
    for (const host of attempts) {
      const error = await refusalOf(
        readFile(database.db, keyring, context, { id: stored.id, host, purpose: 'caseWork' }),
      );
      expect(error.code).toBe('notFound');
    }
    const missing = await refusalOf(
      readFile(database.db, keyring, context, { id: randomUUID(), host: where.host, purpose: 'caseWork' }),
    );
    expect(missing.code).toBe('notFound');
    // A refused read leaves no read event.
    const reads = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'file.read'), eq(auditEvents.subjectId, stored.id)));
    expect(reads).toEqual([]);
  });

  it('refuses to store a file under another record’s data key, and stores nothing', async () => {
    const one = await newHost();
    const other = await newHost();
    await expect(upload({ host: one.host, dataKeyId: other.dataKeyId }, pdf())).rejects.toThrow('does not exist');
    expect(await listFiles(database.db, keyring, context, { host: one.host, purpose: 'caseWork' })).toEqual([]);
  });

  it('audits each store, list and read with its purpose, and no personal data in the details', async () => {
    const where = await newHost();
    const stored = await upload(where, jpegWithMetadata(), { fileName: `${NAME_MARKER}.jpg` });
    await readFile(database.db, keyring, context, { id: stored.id, host: where.host, purpose: 'caseWork' });
    await listFiles(database.db, keyring, context, { host: where.host, purpose: 'oversight' });
    const events = await database.db
      .select()
      .from(auditEvents)
      .where(inArray(auditEvents.subjectId, [stored.id, where.host.id]))
      .orderBy(auditEvents.id);
    expect(events.map((event) => [event.action, event.subjectType, event.purpose, event.actorUserId])).toEqual([
      ['file.store', 'storedFile', 'caseWork', userId],
      ['file.read', 'storedFile', 'caseWork', userId],
      ['file.list', 'case', 'oversight', userId],
    ]);
    expect(events[0]!.details).toEqual({
      hostType: 'case',
      hostId: where.host.id,
      kind: 'signedCopy',
      mediaType: 'image/jpeg',
      byteSize: stored.byteSize,
    });
    expect(events[2]!.details).toEqual({ count: 1 });
    const text = JSON.stringify(events);
    for (const marker of [MARKER, NAME_MARKER, SIGNER]) expect(text).not.toContain(marker);
  });

  it('a refused upload stores nothing and audits nothing (415, 413, 422, 400)', async () => {
    const where = await newHost();
    const cases: Array<[Buffer, Partial<StoreFileInput>, string, number]> = [
      [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), { fileName: 'podpis.pdf' }, 'fileTypeNotAllowed', 415],
      [Buffer.concat([pdf(), Buffer.alloc(1024 * 1024)]), { maxBytes: 1024 * 1024 }, 'payloadTooLarge', 413],
      [jpegWithMetadata().subarray(0, 300), {}, 'fileDamaged', 422],
      [pngWithMetadata().subarray(0, 60), {}, 'fileDamaged', 422],
      [pdf('/OpenAction << /S /JavaScript /JS (x) >>'), {}, 'fileContentRefused', 422],
      [pdf(), { signedBy: 'Jan\u0000Kowalski' }, 'validation', 400],
      [pdf(), { signedAt: '30.11.2026' }, 'validation', 400],
    ];
    for (const [bytes, overrides, code, status] of cases) {
      const error = await refusalOf(upload(where, bytes, overrides));
      expect([error.code, error.status]).toEqual([code, status]);
    }
    const rows = await database.db
      .select({ id: storedFiles.id })
      .from(storedFiles)
      .where(eq(storedFiles.hostId, where.host.id));
    expect(rows).toEqual([]);
    const events = await database.db
      .select({ id: auditEvents.id })
      .from(auditEvents)
      .where(sql`${auditEvents.action} = 'file.store' and ${auditEvents.details}->>'hostId' = ${where.host.id}`);
    expect(events).toEqual([]);
  });

  it('reads files after a key rotation, and neither reads nor lists them once the host’s data key is destroyed', async () => {
    const where = await newHost();
    const stored = await upload(where, pdf());
    const secondKey = keyEntry('files-2');
    const rotated = parseKeyring(`${secondKey},${firstKey}`);
    await rotateDataKeys(database.db, rotated);
    // Once rotated, the old key-encryption key can leave the configuration.
    const read = await readFile(database.db, parseKeyring(secondKey), context, {
      id: stored.id,
      host: where.host,
      purpose: 'caseWork',
    });
    expect(read.bytes).toEqual(pdf());
    keyring = rotated;
    await destroyHostDataKey(database.db, where.dataKeyId);
    const error = await refusalOf(
      readFile(database.db, keyring, context, { id: stored.id, host: where.host, purpose: 'caseWork' }),
    );
    expect(error.code).toBe('notFound');
    expect(await listFiles(database.db, keyring, context, { host: where.host, purpose: 'caseWork' })).toEqual([]);
  });
});

describe('serving a file', () => {
  it('is an attachment of the stored type with an RFC 5987 name, nosniff and no caching', async () => {
    const where = await newHost();
    const stored = await upload(where, pngWithMetadata(), { fileName: 'Podpisana kopia – Łódź.png' });
    const app = Fastify();
    app.get('/file', async (_request, reply) =>
      sendFileAttachment(
        reply,
        await readFile(database.db, keyring, context, { id: stored.id, host: where.host, purpose: 'caseWork' }),
      ),
    );
    const response = await app.inject({ method: 'GET', url: '/file' });
    await app.close();
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('image/png');
    expect(response.headers['content-disposition']).toBe(
      `attachment; filename="Podpisana kopia _ Lodz.png"; filename*=UTF-8''Podpisana%20kopia%20%E2%80%93%20%C5%81%C3%B3d%C5%BA.png`,
    );
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.rawPayload).toEqual(stripPngMetadata(pngWithMetadata()));
  });
});
