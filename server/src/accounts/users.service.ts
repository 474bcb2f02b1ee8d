/**
 * SECURITY-CRITICAL. User administration (/api/v1/users; routes allow canManageUsers only) and the
 * command line's first administrator. Every read of another person's account and every change commits
 * with its audit event (docs/security.md §8-9).
 */
import type {
  AddMembershipInput,
  CreateUserInput,
  ResetPasswordInput,
  SessionView,
  UpdateUserInput,
  UserSearchInput,
  UserPage,
  UserSummary,
} from '../../../shared/src/contracts/auth.js';
import type { z } from 'zod';
import type { Database, Executor } from '../platform/db/database.js';
import { requireActor, type RequestContext } from '../platform/auth/actor.js';
import { isUniqueViolation } from '../platform/db/errors.js';
import { AppError, fieldError, type FieldError } from '../platform/http/problem.js';
import { recordAuditEvent } from '../audit/audit.service.js';
import { canChangeUserStatus } from './accounts.policy.js';
import { presentSession, presentUserSummary } from './accounts.presenter.js';
import {
  detachMembershipFromSessions,
  findExistingInstitutionIds,
  findMembershipsOfUsers,
  findUserById,
  isEmailTaken,
  listLiveSessions,
  listUsers,
  lockUserById,
  insertUser,
  insertMemberships,
  updateUserRow,
  setUserPassword,
  deleteMembership,
} from './accounts.queries.js';
import { resetLoginThrottle } from './login-throttle.js';
import { checkPasswordStrength, generateOneTimePassword, hashPassword } from './passwords.js';
import { registerInstitutionInTransaction, type CreateInstitutionData } from '../institutions/index.js';
import { revokeUserSessions } from './sessions.js';
import { type AccountsDependencies, personalWords } from './credentials.js';

async function summarizeUser(tx: Executor, userId: string): Promise<UserSummary> {
  const user = await findUserById(tx, userId);
  if (!user) throw new AppError('notFound');
  const grouped = await findMembershipsOfUsers(tx, [user.id]);
  return presentUserSummary(user, grouped.get(user.id) ?? []);
}

/** One audit event for the whole page, naming every account it disclosed. */
export async function listUsersForAdmin(
  deps: AccountsDependencies,
  ctx: RequestContext,
  query: z.infer<typeof UserSearchInput>,
): Promise<z.infer<typeof UserPage>> {
  return deps.db.transaction(async (tx) => {
    const { rows, total } = await listUsers(tx, query);
    const grouped = await findMembershipsOfUsers(
      tx,
      rows.map((r) => r.id),
    );
    await recordAuditEvent(tx, ctx, {
      action: 'user.list',
      subjectType: 'user',
      details: {
        count: rows.length,
        total,
        userIds: rows.map((r) => r.id),
        // The search text may be a person's name: only whether there was one is kept.
        hasQuery: Boolean(query.q),
        institutionId: query.institutionId ?? null,
        page: query.page,
      },
    });
    return {
      items: rows.map((row) => presentUserSummary(row, grouped.get(row.id) ?? [])),
      total,
      page: query.page,
      pageSize: query.pageSize,
    };
  });
}

export async function createUser(
  deps: AccountsDependencies,
  ctx: RequestContext,
  input: CreateUserInput,
): Promise<UserSummary> {
  const errors: FieldError[] = [];
  const weakness = checkPasswordStrength(input.password, personalWords(input.email, input.displayName));
  if (weakness) errors.push(fieldError('password', weakness));
  const seen = new Set<string>();
  input.memberships.forEach((m, index) => {
    const key = `${m.institutionId}/${m.role}`;
    if (seen.has(key)) errors.push(fieldError(`memberships.${index}`, 'unique'));
    seen.add(key);
  });
  if (errors.length > 0) throw new AppError('validation', errors);

  const passwordHash = await hashPassword(input.password);
  return withUniqueEmail(() =>
    deps.db.transaction(async (tx) => {
      const userId = await insertUserInTransaction(tx, ctx, input, passwordHash);
      return summarizeUser(tx, userId);
    }),
  );
}

/** Two creations of the same e-mail at once: the unique index decides, the answer stays a 409. */
async function withUniqueEmail<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('duplicate', [fieldError('email', 'emailTaken')]);
    throw error;
  }
}

/**
 * The one way an account is created: the user, who must change the password at first sign-in, their
 * memberships and the `user.create` event, in the caller's transaction. Returns the new user's id.
 */
async function insertUserInTransaction(
  tx: Executor,
  ctx: RequestContext,
  input: Pick<CreateUserInput, 'email' | 'displayName' | 'memberships'>,
  passwordHash: string,
  auditDetails: Record<string, unknown> = {},
): Promise<string> {
  if (await isEmailTaken(tx, input.email)) throw new AppError('duplicate', [fieldError('email', 'emailTaken')]);
  const existing = await findExistingInstitutionIds(
    tx,
    input.memberships.map((m) => m.institutionId),
  );
  const unknown = input.memberships.flatMap((m, index) =>
    existing.has(m.institutionId) ? [] : [fieldError(`memberships.${index}.institutionId`, 'unknownInstitution')],
  );
  if (unknown.length > 0) throw new AppError('validation', unknown);
  const userId = await insertUser(tx, {
    email: input.email,
    displayName: input.displayName,
    passwordHash,
    mustChangePassword: true,
  });
  await insertMemberships(tx, userId, input.memberships);
  await recordAuditEvent(tx, ctx, {
    action: 'user.create',
    subjectType: 'user',
    subjectId: userId,
    details: {
      ...auditDetails,
      memberships: input.memberships.map((m) => ({ institutionId: m.institutionId, role: m.role })),
    },
  });
  return userId;
}

/** The administrator's institution: an existing one, or one to register with the account. */
export type AdministratorInstitution = { id: string } | { register: CreateInstitutionData };

export type CreatedAdministrator = {
  userId: string;
  institutionId: string;
  /** Shown once to the operator; only its argon2id hash is stored, and it must be changed at first sign-in. */
  oneTimePassword: string;
};

/**
 * `npm run admin:create`: an administrator account for a new installation (or a locked-out one),
 * with a random one-time password the person must change at first sign-in. The actor is the command
 * line (no user); the account, its admin membership, the institution when it is registered here and
 * the audit events commit together.
 */
export async function createAdministratorFromCommandLine(
  db: Database,
  ctx: RequestContext,
  input: { email: string; displayName: string; institution: AdministratorInstitution },
): Promise<CreatedAdministrator> {
  let oneTimePassword = generateOneTimePassword();
  // A random password is never weak in practice; the check keeps the one rule for every password.
  while (checkPasswordStrength(oneTimePassword, personalWords(input.email, input.displayName)))
    oneTimePassword = generateOneTimePassword();
  const passwordHash = await hashPassword(oneTimePassword);
  return withUniqueEmail(() =>
    db.transaction(async (tx) => {
      if (await isEmailTaken(tx, input.email)) throw new AppError('duplicate', [fieldError('email', 'emailTaken')]);
      const institutionId =
        'id' in input.institution
          ? input.institution.id
          : await registerInstitutionInTransaction(tx, ctx, input.institution.register, null);
      const userId = await insertUserInTransaction(
        tx,
        ctx,
        { email: input.email, displayName: input.displayName, memberships: [{ institutionId, role: 'admin' }] },
        passwordHash,
        { via: 'commandLine' },
      );
      return { userId, institutionId, oneTimePassword };
    }),
  );
}

export async function readUser(deps: AccountsDependencies, ctx: RequestContext, userId: string): Promise<UserSummary> {
  return deps.db.transaction(async (tx) => {
    const summary = await summarizeUser(tx, userId);
    await recordAuditEvent(tx, ctx, { action: 'user.read', subjectType: 'user', subjectId: userId });
    return summary;
  });
}

/** Deactivation ends every session of the user in the same transaction: effective at their next request. */
export async function updateUser(
  deps: AccountsDependencies,
  ctx: RequestContext,
  userId: string,
  input: UpdateUserInput,
): Promise<UserSummary> {
  const actor = requireActor(ctx);
  return deps.db.transaction(async (tx) => {
    const user = await lockUserById(tx, userId);
    if (!user) throw new AppError('notFound');
    if (input.isActive === false && !canChangeUserStatus(actor, user)) {
      throw new AppError('unprocessable', [fieldError('isActive', 'cannotDeactivateSelf')]);
    }
    const changes: Parameters<typeof updateUserRow>[2] = {};
    if (input.displayName !== undefined) changes.displayName = input.displayName;
    if (input.isActive !== undefined) changes.isActive = input.isActive;
    const changedFields = Object.keys(changes);
    if (changedFields.length > 0) await updateUserRow(tx, userId, changes);
    const revokedCount = input.isActive === false ? await revokeUserSessions(tx, userId) : 0;
    await recordAuditEvent(tx, ctx, {
      action: 'user.update',
      subjectType: 'user',
      subjectId: userId,
      details: { fields: changedFields, isActive: input.isActive ?? null, revokedSessions: revokedCount },
    });
    return summarizeUser(tx, userId);
  });
}

/** Sets a temporary password the user must replace at their next sign-in; their sessions end and any lockout lifts. */
export async function resetUserPassword(
  deps: AccountsDependencies,
  ctx: RequestContext,
  userId: string,
  input: z.infer<typeof ResetPasswordInput>,
): Promise<void> {
  const target = await findUserById(deps.db, userId);
  if (!target) throw new AppError('notFound');
  const weakness = checkPasswordStrength(input.newPassword, personalWords(target.email, target.displayName));
  if (weakness) throw new AppError('validation', [fieldError('newPassword', weakness)]);
  const passwordHash = await hashPassword(input.newPassword);
  await deps.db.transaction(async (tx) => {
    await setUserPassword(tx, userId, passwordHash, { mustChangePassword: true });
    const revokedCount = await revokeUserSessions(tx, userId);
    await resetLoginThrottle(tx, target.email, null);
    await recordAuditEvent(tx, ctx, {
      action: 'user.password.reset',
      subjectType: 'user',
      subjectId: userId,
      details: { revokedSessions: revokedCount },
    });
  });
}

export async function addUserMembership(
  deps: AccountsDependencies,
  ctx: RequestContext,
  userId: string,
  input: z.infer<typeof AddMembershipInput>,
): Promise<UserSummary> {
  return deps.db.transaction(async (tx) => {
    if (!(await lockUserById(tx, userId))) throw new AppError('notFound');
    const existing = await findExistingInstitutionIds(tx, [input.institutionId]);
    if (!existing.has(input.institutionId))
      throw new AppError('validation', [fieldError('institutionId', 'unknownInstitution')]);
    const current = (await findMembershipsOfUsers(tx, [userId])).get(userId) ?? [];
    if (current.some((m) => m.institutionId === input.institutionId && m.role === input.role)) {
      throw new AppError('duplicate', [fieldError('role', 'alreadyHasRole')]);
    }
    const [membershipId] = await insertMemberships(tx, userId, [input]);
    await recordAuditEvent(tx, ctx, {
      action: 'user.membership.add',
      subjectType: 'user',
      subjectId: userId,
      details: { membershipId, institutionId: input.institutionId, role: input.role },
    });
    return summarizeUser(tx, userId);
  });
}

/** Removing a role takes effect at the user's next request; the last role cannot be removed. */
export async function removeUserMembership(
  deps: AccountsDependencies,
  ctx: RequestContext,
  userId: string,
  membershipId: string,
): Promise<UserSummary> {
  return deps.db.transaction(async (tx) => {
    if (!(await lockUserById(tx, userId))) throw new AppError('notFound');
    const current = (await findMembershipsOfUsers(tx, [userId])).get(userId) ?? [];
    const target = current.find((m) => m.id === membershipId);
    if (!target) throw new AppError('notFound');
    if (current.length === 1) throw new AppError('unprocessable', [fieldError('membershipId', 'lastMembership')]);
    await detachMembershipFromSessions(tx, membershipId);
    await deleteMembership(tx, userId, membershipId);
    await recordAuditEvent(tx, ctx, {
      action: 'user.membership.remove',
      subjectType: 'user',
      subjectId: userId,
      details: { membershipId, institutionId: target.institutionId, role: target.role },
    });
    return summarizeUser(tx, userId);
  });
}

export async function listUserSessions(
  deps: AccountsDependencies,
  ctx: RequestContext,
  userId: string,
): Promise<SessionView[]> {
  const actor = requireActor(ctx);
  return deps.db.transaction(async (tx) => {
    if (!(await findUserById(tx, userId))) throw new AppError('notFound');
    const rows = await listLiveSessions(tx, userId, deps.config.SESSION_IDLE_MINUTES);
    await recordAuditEvent(tx, ctx, {
      action: 'user.sessions.list',
      subjectType: 'user',
      subjectId: userId,
      details: { count: rows.length },
    });
    return rows.map((row) => presentSession(row, actor.sessionId));
  });
}

export async function endUserSessions(
  deps: AccountsDependencies,
  ctx: RequestContext,
  userId: string,
): Promise<number> {
  return deps.db.transaction(async (tx) => {
    if (!(await findUserById(tx, userId))) throw new AppError('notFound');
    const revokedCount = await revokeUserSessions(tx, userId);
    await recordAuditEvent(tx, ctx, {
      action: 'user.sessions.revoke',
      subjectType: 'user',
      subjectId: userId,
      details: { revokedSessions: revokedCount },
    });
    return revokedCount;
  });
}
