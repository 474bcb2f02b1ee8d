/**
 * Who may manage accounts. Pure functions over the acting membership: routes declare them as their
 * policy, the service checks the record-level rules again against the target user.
 */
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

/**
 * Deactivating an account is an admin's act on someone else: an admin who deactivated themselves
 * could leave the deployment with nobody able to manage accounts.
 */
export function canChangeUserStatus(actor: Actor, target: { id: string }): boolean {
  return canManageUsers(actor) && actor.userId !== target.id;
}
