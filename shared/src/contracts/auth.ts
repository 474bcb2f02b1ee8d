import { z } from 'zod';
import { Email, Role, SearchWords, Text, Uuid, InstitutionKind, singleLineString } from './common.js';

/** Passwords: at least 10 characters, no composition rules (docs/security.md §13). */
export const NewPassword = singleLineString()
  .min(10, 'passwordTooShort')
  .max(200)
  .describe('New password, 10-200 characters');

export const LoginInput = z
  .object({
    email: singleLineString().trim().toLowerCase().max(254).describe('E-mail address'),
    password: singleLineString().min(1).max(200),
  })
  .strict();
export type LoginInput = z.infer<typeof LoginInput>;

export const SecondFactorInput = z
  .object({
    code: z
      .string()
      .regex(/^\d{6}$/)
      .optional()
      .describe('6-digit code from the authenticator app'),
    recoveryCode: singleLineString().trim().max(40).optional().describe('One of the recovery codes'),
  })
  .strict()
  .refine((v) => Boolean(v.code) !== Boolean(v.recoveryCode), { message: 'codeOrRecoveryCode', path: ['code'] });
export type SecondFactorInput = z.infer<typeof SecondFactorInput>;

export const MembershipView = z.object({
  id: Uuid,
  institutionId: Uuid,
  institutionName: z.string(),
  institutionKind: InstitutionKind,
  role: Role,
});
export type MembershipView = z.infer<typeof MembershipView>;

/** What the signed-in user may do; the UI shows only these. */
export const Abilities = z.object({
  manageUsers: z.boolean(),
  readAudit: z.boolean(),
  createInstitution: z.boolean(),
  createPartnership: z.boolean(),
});
export type Abilities = z.infer<typeof Abilities>;

export const Me = z.object({
  id: Uuid,
  email: z.string(),
  displayName: z.string(),
  mustChangePassword: z.boolean(),
  isTotpEnabled: z.boolean(),
  memberships: z.array(MembershipView),
  activeMembership: MembershipView.nullable(),
  abilities: Abilities,
  csrfToken: z.string().describe('Send back in the x-csrf-token header on every state-changing request'),
  isSecondFactorPending: z
    .boolean()
    .optional()
    .describe('True while the password was accepted but the second factor is still awaited'),
});
export type Me = z.infer<typeof Me>;

export const LoginResult = z.discriminatedUnion('status', [
  z.object({ status: z.literal('signedIn'), me: Me }),
  z.object({ status: z.literal('secondFactorRequired'), csrfToken: z.string() }),
]);
export type LoginResult = z.infer<typeof LoginResult>;

export const SwitchMembershipInput = z.object({ membershipId: Uuid }).strict();

export const ChangePasswordInput = z
  .object({ currentPassword: singleLineString().min(1).max(200), newPassword: NewPassword })
  .strict();
export type ChangePasswordInput = z.infer<typeof ChangePasswordInput>;

export const SessionView = z.object({
  id: Uuid,
  createdAt: z.string(),
  lastSeenAt: z.string(),
  expiresAt: z.string(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  isCurrent: z.boolean(),
});
export type SessionView = z.infer<typeof SessionView>;
export const SessionList = z.object({ items: z.array(SessionView) });
export const RevokedSessions = z.object({
  ok: z.literal(true),
  revokedCount: z.number().int().describe('Number of sessions ended'),
});
export const SessionParams = z.object({ id: Uuid }).strict();

export const TotpSetup = z.object({
  secret: z.string().describe('Base32 secret to type into the authenticator app'),
  otpauthUrl: z.string().describe('otpauth:// URI for a QR code'),
});
export const TotpEnableInput = z.object({ code: z.string().regex(/^\d{6}$/) }).strict();
export const RecoveryCodes = z.object({ recoveryCodes: z.array(z.string()).describe('Shown once; each works once') });
export const TotpDisableInput = z.object({ password: singleLineString().min(1).max(200) }).strict();

export const CreateUserInput = z
  .object({
    email: Email,
    displayName: Text(200),
    password: NewPassword.describe('Initial password; the user must change it at first sign-in'),
    memberships: z
      .array(z.object({ institutionId: Uuid, role: Role }).strict())
      .min(1)
      .max(20),
  })
  .strict();
export type CreateUserInput = z.infer<typeof CreateUserInput>;

export const UpdateUserInput = z
  .object({
    displayName: Text(200).optional(),
    isActive: z.boolean().optional().describe('Deactivation ends all sessions at once'),
  })
  .strict();
export type UpdateUserInput = z.infer<typeof UpdateUserInput>;

export const ResetPasswordInput = z.object({ newPassword: NewPassword }).strict();
export const AddMembershipInput = z.object({ institutionId: Uuid, role: Role }).strict();
export const UserMembershipParams = z.object({ id: Uuid, membershipId: Uuid }).strict();
export const UserSessionParams = z.object({ id: Uuid, sessionId: Uuid }).strict();

export const UserSummary = z.object({
  id: Uuid,
  email: z.string(),
  displayName: z.string(),
  isActive: z.boolean(),
  isTotpEnabled: z.boolean(),
  memberships: z.array(MembershipView),
});
export type UserSummary = z.infer<typeof UserSummary>;
export const UserPage = z.object({
  items: z.array(UserSummary),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});
/**
 * The admin's user search. Sent as a POST body, never in the URL: the words are people's names
 * and e-mail addresses, and URLs end up in proxy logs and browser history (docs/security.md §25).
 */
export const UserSearchInput = z
  .object({
    q: SearchWords(100).describe('Words of the name or e-mail; diacritics do not matter'),
    institutionId: Uuid.optional(),
    page: z.number().int().min(1).max(10_000).default(1),
    pageSize: z.number().int().min(1).max(100).default(20),
  })
  .strict();
export type UserSearchInput = z.input<typeof UserSearchInput>;

/** GET /users: the same list without search words (a search goes to POST /users/search). */
export const UserListQuery = z
  .object({
    institutionId: Uuid.optional(),
    page: z.coerce.number().int().min(1).max(10_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();
