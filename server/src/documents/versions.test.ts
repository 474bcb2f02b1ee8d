/**
 * Document versions on the real database (PGlite and PostgreSQL; docs/security.md §28): numbering
 * per host and kind, a draft replaced and an approved version locked (by the service and by the
 * database's trigger, for a raw UPDATE too), corrections, tamper detection on read, the encrypted
 * model out of reach of a raw SELECT, every step audited, and a stored version rendered with its
 * number and hash in the footer.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../testing/test-app.js';
import { buildUser } from '../testing/factories.js';
import { readDocx } from '../testing/docx-reader.js';
import { readPdf } from '../testing/pdf-reader.js';
import type { DatabaseHandle } from '../platform/db/database.js';
import { auditEvents, documentVersions } from '../platform/db/tables.js';
import type { RequestContext } from '../platform/auth/actor.js';
import { grantAppRole } from '../platform/db/app-role.js';
import { createHostDataKey, destroyHostDataKey } from '../platform/encryption/data-keys.js';
import { parseKeyring, type Keyring } from '../platform/encryption/keyring.js';
import { AppError } from '../platform/http/problem.js';
import type { DocumentModel } from './render/document-model.js';
import {
  approveVersion,
  canonicalJson,
  correctVersion,
  DocumentIntegrityError,
  listVersions,
  readVersion,
  renderVersion,
  saveDraft,
  type DocumentHost,
} from './index.js';

const MARKER = 'ZNACZNIK-PLAN-Wiśniewska';

let database: DatabaseHandle;
let drop: () => Promise<void>;
let keyring: Keyring;
let context: RequestContext;
let userId: string;

beforeAll(async () => {
  ({ database, drop } = await openTestDatabase());
  keyring = parseKeyring(`documents-1:${randomBytes(32).toString('base64')}`);
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
    requestId: 'documents-test',
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

const appRole = `kooperacja_test_documents_${randomBytes(4).toString('hex')}`;

afterAll(async () => {
  if (database) {
    await database.db.execute(sql`drop owned by ${sql.identifier(appRole)}`).catch(() => undefined);
    await database.db.execute(sql`drop role if exists ${sql.identifier(appRole)}`).catch(() => undefined);
  }
  await drop();
});

/** A host record (a family, as issue 9's will be) with its own data key. */
async function newHost(): Promise<{ host: DocumentHost; dataKeyId: string }> {
  const host = { type: 'family', id: randomUUID() };
  const dataKey = await createHostDataKey(database.db, keyring, host);
  return { host, dataKeyId: dataKey.id };
}

const planModel = (goal: string): DocumentModel => ({
  title: 'Plan pomocy rodzinie',
  subtitle: 'Rodzina Wiśniewskich, Łódź Bałuty',
  language: 'pl',
  footer: 'Stan na 04.12.2026',
  author: 'MOPS Łódź',
  sections: [
    { heading: 'Cel', blocks: [{ kind: 'paragraph', text: goal }] },
    { heading: 'Kontakt', blocks: [{ kind: 'keyValues', items: [{ label: 'Asystent', value: 'Grażyna Żak' }] }] },
  ],
});

const save = (where: { host: DocumentHost; dataKeyId: string }, model: DocumentModel) =>
  database.db.transaction((tx) =>
    saveDraft(tx, keyring, context, { ...where, kind: 'plan', model, purpose: 'caseWork' }),
  );
const correct = (where: { host: DocumentHost; dataKeyId: string }, model: DocumentModel) =>
  database.db.transaction((tx) =>
    correctVersion(tx, keyring, context, { ...where, kind: 'plan', model, purpose: 'caseWork' }),
  );
const approve = (where: { host: DocumentHost }, id: string) =>
  approveVersion(database.db, keyring, context, { id, host: where.host, purpose: 'caseWork' });
const read = (where: { host: DocumentHost }, id: string) =>
  readVersion(database.db, keyring, context, { id, host: where.host, purpose: 'caseWork' });

async function refusalOf(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

async function databaseRefusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  if (!error) throw new Error('expected the database to refuse');
  const messages: string[] = [];
  for (let current: unknown = error; current && typeof current === 'object';) {
    messages.push(String((current as { message?: unknown }).message));
    current = (current as { cause?: unknown }).cause;
  }
  return messages.join(' | ');
}

async function auditOf(subjectId: string) {
  return database.db
    .select({
      action: auditEvents.action,
      outcome: auditEvents.outcome,
      purpose: auditEvents.purpose,
      details: auditEvents.details,
    })
    .from(auditEvents)
    .where(eq(auditEvents.subjectId, subjectId))
    .orderBy(auditEvents.id);
}

describe('canonicalJson', () => {
  it('writes one text for one model, whatever the order of its keys', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: null }], c: 'ą' }, u: undefined })).toBe(
      '{"a":{"c":"ą","d":[2,{"e":null,"f":1}]},"b":1}',
    );
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });
});

describe('document versions', () => {
  it('numbers versions per host and kind: a draft is replaced, an approval locks, a correction is the next number', async () => {
    const where = await newHost();
    const first = await save(where, planModel('Pierwszy szkic'));
    expect(first).toMatchObject({ version: 1, state: 'draft', createdByUserId: userId, approvedAt: null });
    expect(first.sha256).toMatch(/^[0-9a-f]{64}$/);

    const replaced = await save(where, planModel('Drugi szkic'));
    expect(replaced).toMatchObject({ id: first.id, version: 1, state: 'draft' });
    expect(replaced.sha256).not.toBe(first.sha256);
    expect((await read(where, first.id)).model.sections[0]!.blocks[0]).toEqual({
      kind: 'paragraph',
      text: 'Drugi szkic',
    });

    const approved = await approve(where, first.id);
    expect(approved).toMatchObject({ id: first.id, version: 1, state: 'approved', approvedByUserId: userId });
    expect(approved.sha256).toBe(replaced.sha256);

    // An approved version never changes: a save is refused, and so is a second approval.
    expect((await refusalOf(save(where, planModel('Po zatwierdzeniu')))).code).toBe('documentVersionApproved');
    expect((await refusalOf(approve(where, first.id))).code).toBe('documentVersionApproved');

    const correction = await correct(where, planModel('Korekta'));
    expect(correction).toMatchObject({ version: 2, state: 'draft' });
    // While the correction is a draft, it is edited, not corrected again.
    expect((await refusalOf(correct(where, planModel('Jeszcze jedna')))).code).toBe('documentDraftPending');
    expect(await save(where, planModel('Korekta poprawiona'))).toMatchObject({ id: correction.id, version: 2 });

    // Another kind and another host number their own versions from 1.
    const consent = await database.db.transaction((tx) =>
      saveDraft(tx, keyring, context, {
        ...where,
        kind: 'consentForm',
        model: planModel('Zgoda'),
        purpose: 'caseWork',
      }),
    );
    expect(consent.version).toBe(1);
    expect((await save(await newHost(), planModel('Inna rodzina'))).version).toBe(1);

    const listed = await listVersions(database.db, context, { host: where.host, kind: 'plan', purpose: 'caseWork' });
    expect(listed.map((version) => [version.version, version.state])).toEqual([
      [1, 'approved'],
      [2, 'draft'],
    ]);
    expect((await read(where, first.id)).model.sections[0]!.blocks[0]).toEqual({
      kind: 'paragraph',
      text: 'Drugi szkic',
    });
    // Nothing to correct before a first approval.
    expect((await refusalOf(correct(await newHost(), planModel('x')))).code).toBe('notFound');
  });

  it('refuses a model that is not one, naming the field, and stores nothing', async () => {
    const where = await newHost();
    const bad = {
      ...planModel('x'),
      sections: [{ blocks: [{ kind: 'paragraph', text: 5 }] }],
    } as unknown as DocumentModel;
    const refusal = await refusalOf(save(where, bad));
    expect(refusal.code).toBe('validation');
    expect(refusal.errors?.map((error) => error.field)).toEqual(['model.sections.0.blocks.0.text']);
    expect(await listVersions(database.db, context, { host: where.host, purpose: 'caseWork' })).toEqual([]);
  });

  it('finds a version only through its own host, like an id that does not exist', async () => {
    const where = await newHost();
    const saved = await save(where, planModel('Cel'));
    const other = await newHost();
    expect((await refusalOf(read(other, saved.id))).code).toBe('notFound');
    expect((await refusalOf(approve(other, saved.id))).code).toBe('notFound');
    expect((await refusalOf(read(where, randomUUID()))).code).toBe('notFound');
  });

  it('locks an approved row in the database too: a raw UPDATE of its model, hash or state is refused', async () => {
    const where = await newHost();
    const saved = await save(where, planModel('Zatwierdzony cel'));
    await approve(where, saved.id);
    for (const change of [
      sql`update document_versions set model = 'enc1.x' where id = ${saved.id}`,
      sql`update document_versions set sha256 = ${'0'.repeat(64)} where id = ${saved.id}`,
      sql`update document_versions set state = 'draft', approved_by_user_id = null, approved_at = null where id = ${saved.id}`,
    ]) {
      expect(await databaseRefusal(database.db.execute(change))).toContain('approved and locked');
    }
    // Approving may not slip a new model in with it.
    const draft = await save(await newHost(), planModel('Szkic'));
    expect(
      await databaseRefusal(
        database.db.execute(
          sql`update document_versions set state = 'approved', approved_by_user_id = ${userId}, approved_at = now(), sha256 = ${'1'.repeat(64)} where id = ${draft.id}`,
        ),
      ),
    ).toContain('approving may not change the model');
    // A draft still changes.
    await database.db.execute(sql`update document_versions set created_at = now() where id = ${draft.id}`);
    const [row] = await database.db.select().from(documentVersions).where(eq(documentVersions.id, saved.id));
    expect(row).toMatchObject({ state: 'approved', sha256: saved.sha256 });
  });

  it('locks an approved row for the app’s own role too, which cannot switch the trigger off', async () => {
    await database.db.execute(sql`create role ${sql.identifier(appRole)}`);
    await grantAppRole(database.db, appRole);
    const where = await newHost();
    const saved = await save(where, planModel('Zatwierdzony cel'));
    await approve(where, saved.id);
    const asAppRole = async (statement: ReturnType<typeof sql>) =>
      databaseRefusal(
        database.db.transaction(async (tx) => {
          await tx.execute(sql`set local role ${sql.identifier(appRole)}`);
          await tx.execute(statement);
        }),
      );
    expect(
      await asAppRole(sql`update document_versions set sha256 = ${'c'.repeat(64)} where id = ${saved.id}`),
    ).toContain('approved and locked');
    expect(
      await asAppRole(sql`alter table document_versions disable trigger document_versions_approved_locked`),
    ).toContain('must be owner of table document_versions');
    // The app role still writes drafts.
    const draft = await save(await newHost(), planModel('Szkic'));
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`set local role ${sql.identifier(appRole)}`);
      await tx.execute(sql`update document_versions set created_at = now() where id = ${draft.id}`);
    });
  });

  it('refuses a tampered row on read with a clear error, audited as a failed read', async () => {
    const where = await newHost();
    const saved = await save(where, planModel('Cel do sprawdzenia'));
    const other = await database.db.transaction((tx) =>
      saveDraft(tx, keyring, context, { ...where, kind: 'protocol', model: planModel('Inny'), purpose: 'caseWork' }),
    );

    // A hash that no longer matches the model.
    await database.db.execute(sql`update document_versions set sha256 = ${'a'.repeat(64)} where id = ${saved.id}`);
    const mismatch = await refusalOf(read(where, saved.id));
    expect(mismatch).toBeInstanceOf(DocumentIntegrityError);
    expect(mismatch.code).toBe('documentIntegrity');
    expect(mismatch.status).toBe(500);
    expect(mismatch.message).toContain(`document version ${saved.id} refused: the model does not match its SHA-256`);
    // A tampered draft is never locked in either.
    expect((await refusalOf(approve(where, saved.id))).code).toBe('documentIntegrity');

    // Another version's ciphertext (same host and key) moved in with its hash: it does not decrypt under this id.
    await database.db.execute(
      sql`update document_versions set (model, sha256) = (select model, sha256 from document_versions where id = ${other.id}) where id = ${saved.id}`,
    );
    expect((await refusalOf(read(where, saved.id))).message).toContain('does not decrypt under its own id');

    // An approved row changed behind the trigger's back (an owner disabling it) is caught on read.
    const approvedWhere = await newHost();
    const approved = await save(approvedWhere, planModel('Zatwierdzony'));
    await approve(approvedWhere, approved.id);
    await database.db.execute(sql`alter table document_versions disable trigger document_versions_approved_locked`);
    try {
      await database.db.execute(sql`update document_versions set sha256 = ${'b'.repeat(64)} where id = ${approved.id}`);
    } finally {
      await database.db.execute(sql`alter table document_versions enable trigger document_versions_approved_locked`);
    }
    expect((await refusalOf(read(approvedWhere, approved.id))).code).toBe('documentIntegrity');

    const events = await auditOf(saved.id);
    expect(events).toContainEqual({
      action: 'document.read',
      outcome: 'failure',
      purpose: 'caseWork',
      details: { reason: 'sha256Mismatch' },
    });
    expect(events).toContainEqual(expect.objectContaining({ action: 'document.approve', outcome: 'failure' }));
    expect(events.filter((event) => event.action === 'document.read' && event.outcome === 'success')).toEqual([]);
  });

  it('keeps the model out of a raw SELECT (what a pg_dump holds), and gone with its host’s key', async () => {
    const where = await newHost();
    const saved = await save(where, planModel(MARKER));
    const result = await database.db.execute(
      sql`select model, row_to_json(d)::text as whole from document_versions d where id = ${saved.id}`,
    );
    const row = (result as unknown as { rows: Array<{ model: string; whole: string }> }).rows[0]!;
    expect(row.model.startsWith('enc1.')).toBe(true);
    for (const marker of [MARKER, 'Wiśniewsk', 'Grażyna', 'Plan pomocy']) {
      expect(row.whole).not.toContain(marker);
      expect(row.whole).not.toContain(Buffer.from(marker, 'utf8').toString('base64').slice(0, 12));
    }
    expect((await read(where, saved.id)).model.sections[0]!.blocks[0]).toEqual({ kind: 'paragraph', text: MARKER });
    await destroyHostDataKey(database.db, where.dataKeyId);
    expect((await refusalOf(read(where, saved.id))).code).toBe('notFound');
  });

  it('audits every save, approval, list and read in its transaction, with purpose and the hash, not the text', async () => {
    const where = await newHost();
    const saved = await save(where, planModel(MARKER));
    await save(where, planModel(`${MARKER} 2`));
    const approved = await approve(where, saved.id);
    await read(where, saved.id);
    await listVersions(database.db, context, { host: where.host, purpose: 'caseWork' });
    const events = await auditOf(saved.id);
    expect(events.map((event) => [event.action, event.outcome, event.purpose])).toEqual([
      ['document.save', 'success', 'caseWork'],
      ['document.save', 'success', 'caseWork'],
      ['document.approve', 'success', 'caseWork'],
      ['document.read', 'success', 'caseWork'],
    ]);
    expect(events[1]!.details).toEqual({
      hostType: 'family',
      hostId: where.host.id,
      kind: 'plan',
      version: 1,
      state: 'draft',
      sha256: approved.sha256,
      replacedDraft: true,
    });
    expect(JSON.stringify(events)).not.toContain(MARKER);
    const [listed] = await database.db
      .select({ details: auditEvents.details })
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'document.list'), eq(auditEvents.subjectId, where.host.id)));
    expect(listed!.details).toEqual({ kind: null, count: 1 });

    // A save whose transaction rolls back leaves neither a version nor its event.
    const rolledBack = await newHost();
    await database.db
      .transaction(async (tx) => {
        await saveDraft(tx, keyring, context, {
          ...rolledBack,
          kind: 'plan',
          model: planModel('x'),
          purpose: 'caseWork',
        });
        throw new Error('the domain’s own write failed');
      })
      .catch(() => undefined);
    expect(await listVersions(database.db, context, { host: rolledBack.host, purpose: 'caseWork' })).toEqual([]);
    const orphan = await database.db
      .select({ id: auditEvents.id })
      .from(auditEvents)
      .where(
        and(eq(auditEvents.action, 'document.save'), sql`${auditEvents.details}->>'hostId' = ${rolledBack.host.id}`),
      );
    expect(orphan).toEqual([]);
  });

  it('renders a stored version to PDF and DOCX with its number and the first 12 hex of its SHA-256 in the footer', async () => {
    const where = await newHost();
    const saved = await save(where, planModel('Cel: zażółć gęślą jaźń'));
    const approved = await approve(where, saved.id);
    const stored = await read(where, saved.id);
    const stamp = `Wersja 1 · SHA-256 ${approved.sha256.slice(0, 12)}`;

    const pdf = await renderVersion(stored, 'pdf');
    expect(pdf.contentType).toBe('application/pdf');
    const pdfText = (await readPdf(pdf.bytes)).pages[0]!.replace(/\s+/g, ' ');
    expect(pdfText).toContain('Cel: zażółć gęślą jaźń');
    expect(pdfText).toContain(`Stan na 04.12.2026 · ${stamp}`);

    const docx = await renderVersion(stored, 'docx');
    expect(docx.contentType).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    const read_ = await readDocx(docx.bytes);
    expect(read_.footers[0]!.paragraphs).toEqual([`Stan na 04.12.2026 · ${stamp}\tStrona {PAGE} z {NUMPAGES}`]);

    const draft = await correct(where, { ...planModel('Korekta'), language: 'en', footer: null });
    const draftDocx = await readDocx((await renderVersion(await read(where, draft.id), 'docx')).bytes);
    expect(draftDocx.footers[0]!.paragraphs).toEqual([
      `Version 2 (draft) · SHA-256 ${draft.sha256.slice(0, 12)}\tPage {PAGE} of {NUMPAGES}`,
    ]);
  });
});
