/**
 * The SQL of stored files. Rows hold ciphertext (content, name, signer); the service encrypts and
 * decrypts. Every lookup is by host as well as id, so a file is never found through another record.
 */
import { and, asc, eq } from 'drizzle-orm';
import type { Executor } from '../platform/db/database.js';
import { storedFiles } from '../platform/db/tables.js';

export type StoredFileRow = typeof storedFiles.$inferSelect;
export type StoredFileHost = { type: string; id: string };

/** Every column but the content: lists never load the files themselves. */
const metadataColumns = {
  id: storedFiles.id,
  hostType: storedFiles.hostType,
  hostId: storedFiles.hostId,
  dataKeyId: storedFiles.dataKeyId,
  kind: storedFiles.kind,
  mediaType: storedFiles.mediaType,
  byteSize: storedFiles.byteSize,
  sha256: storedFiles.sha256,
  fileName: storedFiles.fileName,
  signedBy: storedFiles.signedBy,
  signedAt: storedFiles.signedAt,
  uploadedByUserId: storedFiles.uploadedByUserId,
  uploadedAt: storedFiles.uploadedAt,
};

export type StoredFileMetadataRow = Omit<StoredFileRow, 'content'>;

export async function insertStoredFile(
  db: Executor,
  row: Omit<StoredFileRow, 'uploadedAt'>,
): Promise<StoredFileMetadataRow> {
  const [inserted] = await db.insert(storedFiles).values(row).returning(metadataColumns);
  return inserted!;
}

const ofHost = (host: StoredFileHost) => and(eq(storedFiles.hostType, host.type), eq(storedFiles.hostId, host.id));

/** The file with its content, or null when the host has no such file. */
export async function selectStoredFile(db: Executor, id: string, host: StoredFileHost): Promise<StoredFileRow | null> {
  const [row] = await db
    .select()
    .from(storedFiles)
    .where(and(eq(storedFiles.id, id), ofHost(host)));
  return row ?? null;
}

export async function selectStoredFiles(db: Executor, host: StoredFileHost): Promise<StoredFileMetadataRow[]> {
  return db
    .select(metadataColumns)
    .from(storedFiles)
    .where(ofHost(host))
    .orderBy(asc(storedFiles.uploadedAt), asc(storedFiles.id));
}
