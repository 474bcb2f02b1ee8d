/**
 * SECURITY-CRITICAL. The Ed25519 key that signs the audit log's sealed blocks. It lives in the
 * configuration (AUDIT_SEAL_KEY), never in the database: whoever rewrites the database and every
 * hash in it still cannot sign the rewritten blocks, so the verifier names the first forged one.
 */
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

export type AuditSealKey = {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** SHA-256 of the public key (SPKI DER), stored on each block. */
  keyId: string;
  isDevelopmentKey: boolean;
};

export class AuditSealKeyError extends Error {}

/** PKCS8 DER header of an Ed25519 private key; the 32-byte seed follows it. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
/** Public on purpose: a development or test log is not evidence of anything. */
const DEVELOPMENT_SEED = createHash('sha256').update('kooperacja development audit seal key').digest();

function keyFromSeed(seed: Buffer): KeyObject {
  return createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

function buildKey(privateKey: KeyObject, isDevelopmentKey: boolean): AuditSealKey {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new AuditSealKeyError('AUDIT_SEAL_KEY is not an Ed25519 key');
  const publicKey = createPublicKey(privateKey);
  const keyId = createHash('sha256')
    .update(publicKey.export({ format: 'der', type: 'spki' }))
    .digest('hex');
  return { privateKey, publicKey, keyId, isDevelopmentKey };
}

/** Parses base64 of a 32-byte seed or of a PKCS8 DER Ed25519 key. */
export function parseAuditSealKey(encoded: string): AuditSealKey {
  const bytes = Buffer.from(encoded.trim(), 'base64');
  try {
    return buildKey(
      bytes.length === 32 ? keyFromSeed(bytes) : createPrivateKey({ key: bytes, format: 'der', type: 'pkcs8' }),
      false,
    );
  } catch (error) {
    if (error instanceof AuditSealKeyError) throw error;
    throw new AuditSealKeyError('AUDIT_SEAL_KEY must be base64 of a 32-byte seed or of a PKCS8 DER Ed25519 key');
  }
}

/** The fixed development key, for tests and local runs (never accepted in production by config.ts). */
export function developmentAuditSealKey(): AuditSealKey {
  return buildKey(keyFromSeed(DEVELOPMENT_SEED), true);
}

/**
 * The configured key, or the development key with a warning when none is configured (config.ts
 * refuses a production start without one).
 */
export function loadAuditSealKey(
  config: { AUDIT_SEAL_KEY?: string | undefined },
  warn: (message: string) => void = () => {},
): AuditSealKey {
  if (config.AUDIT_SEAL_KEY) return parseAuditSealKey(config.AUDIT_SEAL_KEY);
  warn(
    'AUDIT_SEAL_KEY is not set: the audit log is sealed with the public development key (fine for development only).',
  );
  return developmentAuditSealKey();
}

export function signSealHash(key: AuditSealKey, sealHash: string): string {
  return sign(null, Buffer.from(sealHash, 'hex'), key.privateKey).toString('base64');
}

export function isSealSignatureValid(key: AuditSealKey, sealHash: string, signature: string): boolean {
  try {
    return verify(null, Buffer.from(sealHash, 'hex'), key.publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
