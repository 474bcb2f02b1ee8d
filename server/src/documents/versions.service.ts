/**
 * SECURITY-CRITICAL (docs/security.md §24, §28). The one mechanism for stored versions of a
 * generated document (a family's protocol, plan or consent form): a domain's route decides by its
 * own policy that the actor may edit or see the host record, then calls these functions.
 *
 * - Versions are numbered 1, 2, … per host record and kind (unique in the database). The newest
 *   may be a draft, which `saveDraft` replaces; `approveVersion` locks it; `correctVersion` starts
 *   the next version after an approved one. An approved row never changes: the service never
 *   updates one, and a database trigger refuses any UPDATE of it for every role.
 * - The model is stored as its canonical JSON (keys in a stable order), encrypted with the host's
 *   data key under the context `document:<id>`, beside the SHA-256 of that JSON. Every read decrypts
 *   and re-hashes it, and refuses a row whose model does not match its hash (`documentIntegrity`).
 * - Every save, approval, list and read is audited in its transaction, with its purpose and without
 *   personal data in the details (the hash, not the text).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Database, Executor } from '../platform/db/database.js';
import { isUniqueViolation } from '../platform/db/errors.js';
import { requireActor, type RequestContext } from '../platform/auth/actor.js';
import { DataKeyDestroyedError, openHostDataKey, type DataKeyHost } from '../platform/encryption/data-keys.js';
import { decryptText, encryptText, type DataKey } from '../platform/encryption/envelope.js';
import type { Keyring } from '../platform/encryption/keyring.js';
import { AppError, zodIssuesToFieldErrors } from '../platform/http/problem.js';
import { recordAuditEvent, recordStandaloneAuditEvent } from '../audit/audit.service.js';
import type { AuditPurpose } from '../../../shared/src/contracts/audit-actions.js';
import {
  DocumentModel as DocumentModelSchema,
  type DocumentKind,
  type DocumentVersion,
} from '../../../shared/src/contracts/documents.js';
import type { DocumentModel } from './render/document-model.js';
import { DOCX_CONTENT_TYPE, renderDocx } from './render/docx-renderer.js';
import { renderPdf } from './render/pdf-renderer.js';
import {
  approveDraft,
  insertDocumentVersion,
  selectDocumentVersion,
  selectDocumentVersions,
  selectLatestVersionForUpdate,
  updateDraftModel,
  type DocumentVersionMetadataRow,
} from './versions.store.js';

export type DocumentHost = DataKeyHost;

const SUBJECT_TYPE = 'documentVersion';
const modelContext = (id: string) => `document:${id}`;

// The shared contract and the renderers' type describe the same model: every model a domain builds
// is accepted, and every model read back renders.
const acceptsEveryModel = (model: DocumentModel): z.input<typeof DocumentModelSchema> => model;
const readsAsModel = (model: z.output<typeof DocumentModelSchema>): DocumentModel => model;
void acceptsEveryModel;
void readsAsModel;

/**
 * JSON with every object's keys in code-point order and no insignificant whitespace (undefined
 * members dropped, as JSON.stringify does): one model has one text, so one hash.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value))
    return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, member]) => member !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`).join(',')}}`;
}

export const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

function presentVersion(row: DocumentVersionMetadataRow): DocumentVersion {
  return {
    id: row.id,
    kind: row.kind,
    version: row.version,
    state: row.state,
    sha256: row.sha256,
    createdByUserId: row.createdByUserId,
    createdAt: row.createdAt.toISOString(),
    approvedByUserId: row.approvedByUserId,
    approvedAt: row.approvedAt?.toISOString() ?? null,
  };
}

const auditDetails = (row: DocumentVersionMetadataRow) => ({
  hostType: row.hostType,
  hostId: row.hostId,
  kind: row.kind,
  version: row.version,
  state: row.state,
  sha256: row.sha256,
});

/** The model checked against the contract and written as its canonical JSON, with that JSON's hash. */
function prepareModel(model: unknown): { json: string; sha256: string } {
  const parsed = DocumentModelSchema.safeParse(model);
  if (!parsed.success) throw new AppError('validation', zodIssuesToFieldErrors(parsed.error.issues, 'model'));
  const json = canonicalJson(parsed.data);
  return { json, sha256: sha256Hex(json) };
}

export type SaveDocumentInput = {
  /** The record the document belongs to; its route has already allowed the actor to edit it. */
  host: DocumentHost;
  /** The host record's data key (data_keys), which encrypts the model. */
  dataKeyId: string;
  kind: DocumentKind;
  model: DocumentModel;
  purpose: AuditPurpose;
};

async function insertVersion(
  tx: Executor,
  dataKey: DataKey,
  context: RequestContext,
  input: SaveDocumentInput,
  version: number,
  prepared: { json: string; sha256: string },
): Promise<DocumentVersionMetadataRow> {
  const id = randomUUID();
  try {
    return await insertDocumentVersion(tx, {
      id,
      hostType: input.host.type,
      hostId: input.host.id,
      dataKeyId: input.dataKeyId,
      kind: input.kind,
      version,
      state: 'draft',
      model: encryptText(dataKey, prepared.json, modelContext(id)),
      sha256: prepared.sha256,
      createdByUserId: requireActor(context).userId,
    });
  } catch (error) {
    // Two first saves at once: the later one is told to reload.
    if (isUniqueViolation(error)) throw new AppError('conflict');
    throw error;
  }
}

/**
 * Saves the document as a draft in the caller's transaction, audited as `document.save`: the first
 * save is version 1; while the newest version is a draft, a save replaces its model (the draft's
 * author and time become this save's); after an approval it is refused (`documentVersionApproved`:
 * start a correction).
 */
export async function saveDraft(
  tx: Executor,
  keyring: Keyring,
  context: RequestContext,
  input: SaveDocumentInput,
): Promise<DocumentVersion> {
  const actor = requireActor(context);
  const prepared = prepareModel(input.model);
  const dataKey = await openHostDataKey(tx, keyring, input.dataKeyId, input.host);
  const latest = await selectLatestVersionForUpdate(tx, input.host, input.kind);
  if (latest?.state === 'approved') throw new AppError('documentVersionApproved');
  let row: DocumentVersionMetadataRow;
  if (latest) {
    const latestKey =
      latest.dataKeyId === input.dataKeyId ? dataKey : await openHostDataKey(tx, keyring, latest.dataKeyId, input.host);
    row =
      (await updateDraftModel(tx, latest.id, {
        model: encryptText(latestKey, prepared.json, modelContext(latest.id)),
        sha256: prepared.sha256,
        createdByUserId: actor.userId,
      })) ?? raise(new AppError('conflict'));
  } else {
    row = await insertVersion(tx, dataKey, context, input, 1, prepared);
  }
  await recordAuditEvent(tx, context, {
    action: 'document.save',
    subjectType: SUBJECT_TYPE,
    subjectId: row.id,
    purpose: input.purpose,
    details: { ...auditDetails(row), replacedDraft: latest !== null },
  });
  return presentVersion(row);
}

/**
 * Starts a correction of an approved document in the caller's transaction: the next version, a
 * draft with the model given, audited as `document.save` (`correctionOf` names the approved
 * version). Refused while the newest version is still a draft (`documentDraftPending`) or when
 * there is nothing approved to correct (`notFound`).
 */
export async function correctVersion(
  tx: Executor,
  keyring: Keyring,
  context: RequestContext,
  input: SaveDocumentInput,
): Promise<DocumentVersion> {
  requireActor(context);
  const prepared = prepareModel(input.model);
  const dataKey = await openHostDataKey(tx, keyring, input.dataKeyId, input.host);
  const latest = await selectLatestVersionForUpdate(tx, input.host, input.kind);
  if (!latest) throw new AppError('notFound');
  if (latest.state === 'draft') throw new AppError('documentDraftPending');
  const row = await insertVersion(tx, dataKey, context, input, latest.version + 1, prepared);
  await recordAuditEvent(tx, context, {
    action: 'document.save',
    subjectType: SUBJECT_TYPE,
    subjectId: row.id,
    purpose: input.purpose,
    details: { ...auditDetails(row), correctionOf: latest.version },
  });
  return presentVersion(row);
}

const raise = (error: Error): never => {
  throw error;
};

/** A version's model, decrypted and checked against its hash and the contract; else `documentIntegrity`. */
async function openModel(
  tx: Executor,
  keyring: Keyring,
  row: { id: string; dataKeyId: string; model: string; sha256: string },
  host: DocumentHost,
): Promise<DocumentModel> {
  let dataKey: DataKey;
  try {
    dataKey = await openHostDataKey(tx, keyring, row.dataKeyId, host);
  } catch (error) {
    // The host was erased (its key destroyed): its documents are gone, for everyone.
    if (error instanceof DataKeyDestroyedError) throw new AppError('notFound');
    throw error;
  }
  let json: string;
  try {
    json = decryptText(dataKey, row.model, modelContext(row.id));
  } catch {
    throw new DocumentIntegrityError(row.id, 'the model does not decrypt under its own id');
  }
  if (sha256Hex(json) !== row.sha256) throw new DocumentIntegrityError(row.id, 'the model does not match its SHA-256');
  let parsed: ReturnType<typeof DocumentModelSchema.safeParse>;
  try {
    parsed = DocumentModelSchema.safeParse(JSON.parse(json));
  } catch {
    throw new DocumentIntegrityError(row.id, 'the model is not JSON');
  }
  if (!parsed.success || canonicalJson(parsed.data) !== json)
    throw new DocumentIntegrityError(row.id, 'the model is not a canonical document model');
  return parsed.data;
}

/**
 * A stored version that fails its check: answered as `documentIntegrity` (500, the text says to
 * report it), recorded as a failed `document.read`, and never shown.
 */
export class DocumentIntegrityError extends AppError {
  constructor(
    readonly versionId: string,
    readonly reason: string,
  ) {
    super('documentIntegrity');
    this.message = `document version ${versionId} refused: ${reason}`;
  }
}

async function refuseTampered<T>(
  db: Database,
  context: RequestContext,
  action: 'document.read' | 'document.approve',
  purpose: AuditPurpose,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DocumentIntegrityError) {
      await recordStandaloneAuditEvent(db, context, {
        action,
        subjectType: SUBJECT_TYPE,
        subjectId: error.versionId,
        purpose,
        outcome: 'failure',
        details: { reason: 'sha256Mismatch' },
      });
    }
    throw error;
  }
}

/**
 * Approves the host's draft `id` in its own transaction, audited as `document.approve`: from then on
 * the version never changes. Its model is checked first, so a tampered draft is never locked in.
 * An approved version is `documentVersionApproved`; a version of another host is `notFound`.
 */
export async function approveVersion(
  db: Database,
  keyring: Keyring,
  context: RequestContext,
  request: { id: string; host: DocumentHost; purpose: AuditPurpose },
): Promise<DocumentVersion> {
  const actor = requireActor(context);
  return refuseTampered(db, context, 'document.approve', request.purpose, () =>
    db.transaction(async (tx) => {
      const current = await selectDocumentVersion(tx, request.id, request.host);
      if (!current) throw new AppError('notFound');
      if (current.state === 'approved') throw new AppError('documentVersionApproved');
      await openModel(tx, keyring, current, request.host);
      const row = (await approveDraft(tx, request.id, request.host, actor.userId)) ?? raise(new AppError('conflict'));
      await recordAuditEvent(tx, context, {
        action: 'document.approve',
        subjectType: SUBJECT_TYPE,
        subjectId: row.id,
        purpose: request.purpose,
        details: auditDetails(row),
      });
      return presentVersion(row);
    }),
  );
}

/** The host's versions without their models, by kind and number, audited as `document.list`. */
export async function listVersions(
  db: Database,
  context: RequestContext,
  request: { host: DocumentHost; kind?: DocumentKind; purpose: AuditPurpose },
): Promise<DocumentVersion[]> {
  requireActor(context);
  return db.transaction(async (tx) => {
    const rows = await selectDocumentVersions(tx, request.host, request.kind);
    await recordAuditEvent(tx, context, {
      action: 'document.list',
      subjectType: request.host.type,
      subjectId: request.host.id,
      purpose: request.purpose,
      details: { kind: request.kind ?? null, count: rows.length },
    });
    return rows.map(presentVersion);
  });
}

export type ReadDocumentVersion = { version: DocumentVersion; model: DocumentModel };

/**
 * One version with its model, verified against its SHA-256, audited as `document.read` (committed
 * before the model is returned). A tampered row is refused (`documentIntegrity`) and its refusal
 * audited; a version of another host is `notFound`, exactly like an id that does not exist.
 */
export async function readVersion(
  db: Database,
  keyring: Keyring,
  context: RequestContext,
  request: { id: string; host: DocumentHost; purpose: AuditPurpose },
): Promise<ReadDocumentVersion> {
  requireActor(context);
  return refuseTampered(db, context, 'document.read', request.purpose, () =>
    db.transaction(async (tx) => {
      const row = await selectDocumentVersion(tx, request.id, request.host);
      if (!row) throw new AppError('notFound');
      const model = await openModel(tx, keyring, row, request.host);
      await recordAuditEvent(tx, context, {
        action: 'document.read',
        subjectType: SUBJECT_TYPE,
        subjectId: row.id,
        purpose: request.purpose,
        details: auditDetails(row),
      });
      return { version: presentVersion(row), model };
    }),
  );
}

const versionLabels = {
  pl: (version: DocumentVersion) => `Wersja ${version.version}${version.state === 'draft' ? ' (robocza)' : ''}`,
  en: (version: DocumentVersion) => `Version ${version.version}${version.state === 'draft' ? ' (draft)' : ''}`,
};

/** The model as printed: its footer names the version and the first 12 hex digits of its SHA-256. */
export function modelWithVersionFooter({ version, model }: ReadDocumentVersion): DocumentModel {
  const stamp = `${versionLabels[model.language](version)} · SHA-256 ${version.sha256.slice(0, 12)}`;
  return { ...model, footer: model.footer ? `${model.footer} · ${stamp}` : stamp };
}

export type RenderedDocumentVersion = { bytes: Buffer; contentType: string; extension: 'pdf' | 'docx' };

/** Renders a version read with `readVersion` (so verified and audited) to PDF or DOCX. */
export async function renderVersion(
  read: ReadDocumentVersion,
  format: 'pdf' | 'docx',
): Promise<RenderedDocumentVersion> {
  const model = modelWithVersionFooter(read);
  if (format === 'pdf')
    return { bytes: (await renderPdf(model)).bytes, contentType: 'application/pdf', extension: 'pdf' };
  return { bytes: (await renderDocx(model)).bytes, contentType: DOCX_CONTENT_TYPE, extension: 'docx' };
}
