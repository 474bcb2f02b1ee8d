/**
 * SECURITY-CRITICAL (docs/security.md §22, §24). The one mechanism for uploaded files: a domain's
 * route decides by its own policy that the actor may add to or see the host record (a case, a task
 * team), then calls these functions. The content is checked and stripped (files.content.ts),
 * encrypted with the host's data key under the context `file:<id>` (its name and signer too), and
 * every store, list and read is audited in the same transaction, with its purpose and without
 * personal data in the details.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Database, Executor } from '../platform/db/database.js';
import { requireActor, type RequestContext } from '../platform/auth/actor.js';
import { DataKeyDestroyedError, openHostDataKey } from '../platform/encryption/data-keys.js';
import { decryptBytes, decryptText, encryptBytes, encryptText, type DataKey } from '../platform/encryption/envelope.js';
import type { Keyring } from '../platform/encryption/keyring.js';
import { AppError, zodIssuesToFieldErrors } from '../platform/http/problem.js';
import { recordAuditEvent } from '../audit/audit.service.js';
import type { AuditPurpose } from '../../../shared/src/contracts/audit-actions.js';
import {
  StoredFileSignature,
  type StoredFile,
  type storedFileKinds,
  type storedFileMediaTypes,
} from '../../../shared/src/contracts/files.js';
import { prepareUpload, sanitizeFileName } from './files.content.js';
import {
  insertStoredFile,
  selectStoredFile,
  selectStoredFiles,
  type StoredFileHost,
  type StoredFileMetadataRow,
} from './files.store.js';

export type { StoredFileHost };
export type StoredFileKind = (typeof storedFileKinds)[number];

const SUBJECT_TYPE = 'storedFile';
const contentContext = (id: string) => `file:${id}`;
const nameContext = (id: string) => `file.name:${id}`;
const signedByContext = (id: string) => `file.signedBy:${id}`;

export type StoreFileInput = {
  /** The record the file belongs to; its route has already allowed the actor to add to it. */
  host: StoredFileHost;
  /** The host record's data key (data_keys), which encrypts the file. */
  dataKeyId: string;
  bytes: Buffer;
  /** As the uploader's computer named it; sanitised here. */
  fileName: string;
  kind: StoredFileKind;
  signedBy?: string | null | undefined;
  signedAt?: string | null | undefined;
  /** FILE_UPLOAD_MAX_MB in bytes (`fileUploadMaxBytes(config)`). */
  maxBytes: number;
  purpose: AuditPurpose;
};

export const fileUploadMaxBytes = (config: { FILE_UPLOAD_MAX_MB: number }) => config.FILE_UPLOAD_MAX_MB * 1024 * 1024;

function presentStoredFile(dataKey: DataKey, row: StoredFileMetadataRow): StoredFile {
  return {
    id: row.id,
    kind: row.kind as StoredFileKind,
    mediaType: row.mediaType as (typeof storedFileMediaTypes)[number],
    byteSize: row.byteSize,
    sha256: row.sha256,
    fileName: decryptText(dataKey, row.fileName, nameContext(row.id)),
    signedBy: row.signedBy === null ? null : decryptText(dataKey, row.signedBy, signedByContext(row.id)),
    signedAt: row.signedAt,
    uploadedByUserId: row.uploadedByUserId,
    uploadedAt: row.uploadedAt.toISOString(),
  };
}

const auditDetails = (host: StoredFileHost, row: StoredFileMetadataRow) => ({
  hostType: host.type,
  hostId: host.id,
  kind: row.kind,
  mediaType: row.mediaType,
  byteSize: row.byteSize,
});

/**
 * Checks, strips, encrypts and stores one file in the caller's transaction, audited as `file.store`.
 * Refusals are problems the route answers as they are: 413 over the limit, 415 not a PDF/JPEG/PNG,
 * 422 damaged or (PDF) active content, 400 a bad signer or date.
 */
export async function storeFile(
  tx: Executor,
  keyring: Keyring,
  context: RequestContext,
  input: StoreFileInput,
): Promise<StoredFile> {
  const actor = requireActor(context);
  const signature = StoredFileSignature.safeParse({ signedBy: input.signedBy, signedAt: input.signedAt });
  if (!signature.success) throw new AppError('validation', zodIssuesToFieldErrors(signature.error.issues));
  const { mediaType, bytes } = prepareUpload(input.bytes, input.maxBytes);
  const dataKey = await openHostDataKey(tx, keyring, input.dataKeyId, input.host);
  const id = randomUUID();
  const signedBy = signature.data.signedBy ?? null;
  const row = await insertStoredFile(tx, {
    id,
    hostType: input.host.type,
    hostId: input.host.id,
    dataKeyId: input.dataKeyId,
    kind: input.kind,
    mediaType,
    byteSize: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    fileName: encryptText(dataKey, sanitizeFileName(input.fileName, mediaType), nameContext(id)),
    signedBy: signedBy === null ? null : encryptText(dataKey, signedBy, signedByContext(id)),
    signedAt: signature.data.signedAt ?? null,
    content: encryptBytes(dataKey, bytes, contentContext(id)),
    uploadedByUserId: actor.userId,
  });
  await recordAuditEvent(tx, context, {
    action: 'file.store',
    subjectType: SUBJECT_TYPE,
    subjectId: id,
    purpose: input.purpose,
    details: auditDetails(input.host, row),
  });
  return presentStoredFile(dataKey, row);
}

const raise = (error: Error): never => {
  throw error;
};

/** The data key, or null once it was destroyed: the host was erased and its files with it, for everyone. */
async function openErasable(
  tx: Executor,
  keyring: Keyring,
  dataKeyId: string,
  host: StoredFileHost,
): Promise<DataKey | null> {
  try {
    return await openHostDataKey(tx, keyring, dataKeyId, host);
  } catch (error) {
    if (error instanceof DataKeyDestroyedError) return null;
    throw error;
  }
}

/**
 * One file of the host with its content, audited as `file.read` (committed before the bytes are
 * returned). A file of another host is `notFound`, exactly like an id that does not exist.
 */
export async function readFile(
  db: Database,
  keyring: Keyring,
  context: RequestContext,
  request: { id: string; host: StoredFileHost; purpose: AuditPurpose },
): Promise<{ metadata: StoredFile; bytes: Buffer }> {
  requireActor(context);
  return db.transaction(async (tx) => {
    const row = await selectStoredFile(tx, request.id, request.host);
    if (!row) throw new AppError('notFound');
    const dataKey = (await openErasable(tx, keyring, row.dataKeyId, request.host)) ?? raise(new AppError('notFound'));
    const bytes = decryptBytes(dataKey, row.content, contentContext(row.id));
    await recordAuditEvent(tx, context, {
      action: 'file.read',
      subjectType: SUBJECT_TYPE,
      subjectId: row.id,
      purpose: request.purpose,
      details: auditDetails(request.host, row),
    });
    return { metadata: presentStoredFile(dataKey, row), bytes };
  });
}

/** The host's files without their content, oldest first, audited as `file.list` (names and signers are personal data). */
export async function listFiles(
  db: Database,
  keyring: Keyring,
  context: RequestContext,
  request: { host: StoredFileHost; purpose: AuditPurpose },
): Promise<StoredFile[]> {
  requireActor(context);
  return db.transaction(async (tx) => {
    const rows = await selectStoredFiles(tx, request.host);
    const keys = new Map<string, DataKey | null>();
    const files: StoredFile[] = [];
    for (const row of rows) {
      if (!keys.has(row.dataKeyId))
        keys.set(row.dataKeyId, await openErasable(tx, keyring, row.dataKeyId, request.host));
      const dataKey = keys.get(row.dataKeyId);
      if (dataKey) files.push(presentStoredFile(dataKey, row)); // files of an erased host are gone
    }
    await recordAuditEvent(tx, context, {
      action: 'file.list',
      subjectType: request.host.type,
      subjectId: request.host.id,
      purpose: request.purpose,
      details: { count: files.length },
    });
    return files;
  });
}
