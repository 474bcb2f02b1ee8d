/**
 * The SQL of document versions. Rows hold the model as ciphertext; the service encrypts, hashes and
 * verifies. Every lookup is by host as well as id, so a version is never found through another record.
 */
import { and, asc, desc, eq } from 'drizzle-orm';
import type { Executor } from '../platform/db/database.js';
import type { DataKeyHost } from '../platform/encryption/data-keys.js';
import { documentVersions } from '../platform/db/tables.js';

export type DocumentVersionRow = typeof documentVersions.$inferSelect;
export type DocumentVersionMetadataRow = Omit<DocumentVersionRow, 'model'>;

/** Every column but the model: lists never load (or decrypt) the models. */
const metadataColumns = {
  id: documentVersions.id,
  hostType: documentVersions.hostType,
  hostId: documentVersions.hostId,
  dataKeyId: documentVersions.dataKeyId,
  kind: documentVersions.kind,
  version: documentVersions.version,
  state: documentVersions.state,
  sha256: documentVersions.sha256,
  createdByUserId: documentVersions.createdByUserId,
  createdAt: documentVersions.createdAt,
  approvedByUserId: documentVersions.approvedByUserId,
  approvedAt: documentVersions.approvedAt,
};

const ofHost = (host: DataKeyHost) =>
  and(eq(documentVersions.hostType, host.type), eq(documentVersions.hostId, host.id));

/** The newest version of the host's document of this kind, locked for the caller's transaction. */
export async function selectLatestVersionForUpdate(
  db: Executor,
  host: DataKeyHost,
  kind: DocumentVersionRow['kind'],
): Promise<DocumentVersionMetadataRow | null> {
  const [row] = await db
    .select(metadataColumns)
    .from(documentVersions)
    .where(and(ofHost(host), eq(documentVersions.kind, kind)))
    .orderBy(desc(documentVersions.version))
    .limit(1)
    .for('update');
  return row ?? null;
}

export async function insertDocumentVersion(
  db: Executor,
  row: Omit<DocumentVersionRow, 'createdAt' | 'approvedByUserId' | 'approvedAt'>,
): Promise<DocumentVersionMetadataRow> {
  const [inserted] = await db.insert(documentVersions).values(row).returning(metadataColumns);
  return inserted!;
}

/** Replaces a draft's model; an approved row is left alone here and refused by the database's trigger. */
export async function updateDraftModel(
  db: Executor,
  id: string,
  values: Pick<DocumentVersionRow, 'model' | 'sha256' | 'createdByUserId'>,
): Promise<DocumentVersionMetadataRow | null> {
  const [row] = await db
    .update(documentVersions)
    .set({ ...values, createdAt: new Date() })
    .where(and(eq(documentVersions.id, id), eq(documentVersions.state, 'draft')))
    .returning(metadataColumns);
  return row ?? null;
}

export async function approveDraft(
  db: Executor,
  id: string,
  host: DataKeyHost,
  approvedByUserId: string,
): Promise<DocumentVersionMetadataRow | null> {
  const [row] = await db
    .update(documentVersions)
    .set({ state: 'approved', approvedByUserId, approvedAt: new Date() })
    .where(and(eq(documentVersions.id, id), ofHost(host), eq(documentVersions.state, 'draft')))
    .returning(metadataColumns);
  return row ?? null;
}

export async function selectDocumentVersion(
  db: Executor,
  id: string,
  host: DataKeyHost,
): Promise<DocumentVersionRow | null> {
  const [row] = await db
    .select()
    .from(documentVersions)
    .where(and(eq(documentVersions.id, id), ofHost(host)));
  return row ?? null;
}

export async function selectDocumentVersions(
  db: Executor,
  host: DataKeyHost,
  kind?: DocumentVersionRow['kind'],
): Promise<DocumentVersionMetadataRow[]> {
  return db
    .select(metadataColumns)
    .from(documentVersions)
    .where(kind ? and(ofHost(host), eq(documentVersions.kind, kind)) : ofHost(host))
    .orderBy(asc(documentVersions.kind), asc(documentVersions.version));
}
