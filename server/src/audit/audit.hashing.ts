/**
 * SECURITY-CRITICAL. The hashes of the audit log: each event's own content hash, the legacy chain
 * hash of the events written before sealing, the Merkle tree of a sealed block (RFC 6962, as
 * Certificate Transparency logs use it) and the hash of a block, which the seal key signs.
 */
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an event that its hash covers (every column but id, the hashes and xact_id). */
export type HashedEventFields = {
  occurredAt: Date;
  requestId: string | null;
  actorUserId: string | null;
  actorInstitutionId: string | null;
  actorRole: string | null;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  outcome: string;
  ip: string | null;
  details: unknown;
  purpose?: string | null;
};

/** JSON with sorted keys at every depth, so the hash survives jsonb's own key ordering. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function sha256Hex(...parts: Array<string | Buffer>): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}

function legacyPayload(event: HashedEventFields): string {
  return canonicalJson({
    occurredAt: event.occurredAt.toISOString(),
    requestId: event.requestId,
    actorUserId: event.actorUserId,
    actorInstitutionId: event.actorInstitutionId,
    actorRole: event.actorRole,
    action: event.action,
    subjectType: event.subjectType,
    subjectId: event.subjectId,
    outcome: event.outcome,
    ip: event.ip,
    details: event.details,
  });
}

/** The hash of an event of the legacy chain (before sealing): it covers the previous event's hash. */
export function computeAuditHash(previousHash: string, event: HashedEventFields): string {
  return sha256Hex(previousHash, '\n', legacyPayload(event));
}

/** SHA-256 of an event's own canonical content; the leaf of its block's Merkle tree. */
export function computeContentHash(event: HashedEventFields): string {
  const payload = canonicalJson({
    occurredAt: event.occurredAt.toISOString(),
    requestId: event.requestId,
    actorUserId: event.actorUserId,
    actorInstitutionId: event.actorInstitutionId,
    actorRole: event.actorRole,
    action: event.action,
    subjectType: event.subjectType,
    subjectId: event.subjectId,
    outcome: event.outcome,
    ip: event.ip,
    details: event.details,
    purpose: event.purpose ?? null,
  });
  return sha256Hex('kooperacja.audit.event.v2\n', payload);
}

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

function merkleTreeHash(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return createHash('sha256').digest();
  if (leaves.length === 1) return createHash('sha256').update(LEAF_PREFIX).update(leaves[0]!).digest();
  // RFC 6962 2.1: split at the largest power of two smaller than n.
  let split = 1;
  while (split * 2 < leaves.length) split *= 2;
  return createHash('sha256')
    .update(NODE_PREFIX)
    .update(merkleTreeHash(leaves.slice(0, split)))
    .update(merkleTreeHash(leaves.slice(split)))
    .digest();
}

/** Merkle root (hex) over the events' hashes in id order: leaf = H(0x00||hash), node = H(0x01||l||r). */
export function computeMerkleRoot(eventHashes: string[]): string {
  return merkleTreeHash(eventHashes.map((hash) => Buffer.from(hash, 'hex'))).toString('hex');
}

/** The fields of a sealed block that its hash (and so its signature) covers. */
export type SealedBlockFields = {
  previousSealHash: string;
  firstEventId: number;
  lastEventId: number;
  eventCount: number;
  cumulativeCount: number;
  merkleRoot: string;
  snapshotXmin: number;
  snapshotXmax: number;
  inProgressXactIds: number[];
  sealedAt: Date;
  keyId: string;
};

/** Picks the signed fields explicitly: a stored row also has its id, hash and signature. */
export function computeSealHash(block: SealedBlockFields): string {
  const signed: Record<keyof SealedBlockFields, unknown> = {
    previousSealHash: block.previousSealHash,
    firstEventId: block.firstEventId,
    lastEventId: block.lastEventId,
    eventCount: block.eventCount,
    cumulativeCount: block.cumulativeCount,
    merkleRoot: block.merkleRoot,
    snapshotXmin: block.snapshotXmin,
    snapshotXmax: block.snapshotXmax,
    inProgressXactIds: [...block.inProgressXactIds].map(Number).sort((a, b) => a - b),
    sealedAt: block.sealedAt.toISOString(),
    keyId: block.keyId,
  };
  return sha256Hex('kooperacja.audit.seal.v1\n', canonicalJson(signed));
}
