import type { Actor } from '../platform/auth/actor.js';

/**
 * Administrators manage accounts: create users, reset passwords, grant and remove roles, end sessions.
 * `admin` is the deployment administrator (the OPS's IT in a commune, the ROPS in a voivodeship).
 */
export function canManageUsers(actor: Actor): boolean {
  return actor.membership?.role === 'admin';
}

/** Everyone manages their own password, second factor and sessions. */
export function canManageOwnAccount(actor: Actor): boolean {
  return actor.userId.length > 0;
}
