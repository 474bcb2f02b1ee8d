import type { Actor } from '../platform/auth/actor.js';

/** The audit log names people and what they touched: deployment administrators only. */
export function canReadAudit(actor: Actor): boolean {
  return actor.membership?.role === 'admin';
}

export function canVerifyAudit(actor: Actor): boolean {
  return actor.membership?.role === 'admin';
}
