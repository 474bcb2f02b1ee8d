/**
 * SECURITY-CRITICAL. Rules of the partnership (PZK, partnerski zespół kooperacyjny): founding,
 * changes, member institutions. Every write and every read of the detail (members carry their
 * representatives' contact data) commits its audit event in the same transaction; refusals are
 * audited in a transaction of their own because the work they refused is rolled back.
 */
import type { z } from 'zod';
import type { AuditAction } from '../../../shared/src/contracts/audit-actions.js';
import type { Database, Executor } from '../platform/db/database.js';
import { isUniqueViolation } from '../platform/db/errors.js';
import { requireActor, type Actor, type RequestContext } from '../platform/auth/actor.js';
import { RecordRefusal } from '../platform/auth/record-rule.js';
import { AppError, fieldError, type FieldError } from '../platform/http/problem.js';
import { recordAuditEvent } from '../audit/audit.service.js';
import { withRecordRule } from '../audit/refusals.js';
import { leaderInstitutionKinds } from '../../../shared/src/contracts/common.js';
import type {
  AddMemberInput,
  CreatePartnershipInput,
  Partnership,
  PartnershipListQuery,
  PartnershipPage,
  UpdateMemberInput,
  UpdatePartnershipInput,
} from '../../../shared/src/contracts/partnerships.js';
import {
  accessDecidingPartnershipFields,
  canChangePartnershipField,
  canManagePartnership,
  canReadPartnership,
} from './partnerships.policy.js';
import {
  findInstitutionForPartnership,
  findMember,
  findTerritoryLevel,
  findUsersWithMembershipIn,
  findVisiblePartnershipPage,
  deletePartnershipCoordinatorsExcept,
  insertPartnership,
  insertPartnershipCoordinators,
  insertPartnershipMember,
  unsafeFindPartnershipAccessRecord,
  unsafeFindPartnershipDetail,
  unsafeFindPartnershipRow,
  updatePartnershipMemberRow,
  updatePartnershipRow,
  type PartnershipAccessRecord,
  type PartnershipValues,
  type PartnershipMemberValues,
} from './partnerships.queries.js';
import { presentPartnership, presentPartnershipSummary } from './partnerships.presenter.js';
import { reservePublicationSlug } from '../basket/index.js';

type CreateInput = z.output<typeof CreatePartnershipInput>;
type UpdateInput = z.output<typeof UpdatePartnershipInput>;
type AddInput = z.output<typeof AddMemberInput>;
type UpdateMemberFields = z.output<typeof UpdateMemberInput>;

const SUBJECT = 'partnership';

/** Today in Poland, as the users' calendar sees it (a declaration signed at 00:30 is today's). */
function todayInPoland(): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Warsaw' }).format(new Date());
}

/** Loads the record and applies the rules: not visible -> 404, visible but not manager -> 403. */
async function loadForAccess(
  tx: Executor,
  actor: Actor,
  id: string,
  action: AuditAction,
  access: 'read' | 'manage',
): Promise<PartnershipAccessRecord> {
  const record = await unsafeFindPartnershipAccessRecord(tx, id, { forUpdate: access === 'manage' });
  const subject = { action, subjectType: SUBJECT, subjectId: id };
  if (!record) throw new AppError('notFound');
  if (!canReadPartnership(actor, record)) throw RecordRefusal.notVisible(subject);
  if (access === 'manage' && !canManagePartnership(actor, record))
    throw RecordRefusal.notAllowed(subject, 'notManager');
  return record;
}

/** The detail as the actor may see it; the caller has authorised the read and audits it. */
async function loadPresented(
  tx: Executor,
  actor: Actor,
  id: string,
  knownRecord?: PartnershipAccessRecord,
): Promise<Partnership> {
  const detail = await unsafeFindPartnershipDetail(tx, id);
  // After a write the leader or coordinators may have changed, so abilities need a fresh record.
  const record = knownRecord ?? (await unsafeFindPartnershipAccessRecord(tx, id));
  if (!detail || !record) throw new AppError('notFound');
  const canManage = canManagePartnership(actor, record);
  return presentPartnership(detail, { canUpdate: canManage, canManageMembers: canManage });
}

async function checkTerritory(tx: Executor, code: string, errors: FieldError[]): Promise<void> {
  if ((await findTerritoryLevel(tx, code)) !== 'gmina') errors.push(fieldError('territoryCode', 'unknownTerritory'));
}

async function checkLeader(tx: Executor, institutionId: string, errors: FieldError[]): Promise<void> {
  const institution = await findInstitutionForPartnership(tx, institutionId);
  if (!institution || institution.isArchived) errors.push(fieldError('leaderInstitutionId', 'unknownInstitution'));
  else if (!leaderInstitutionKinds.includes(institution.kind)) {
    errors.push(fieldError('leaderInstitutionId', 'leaderKind'));
  }
}

async function checkCoordinators(
  tx: Executor,
  leaderInstitutionId: string,
  userIds: readonly string[],
  errors: FieldError[],
) {
  const found = await findUsersWithMembershipIn(tx, leaderInstitutionId, userIds);
  if (userIds.some((id) => !found.has(id))) errors.push(fieldError('coordinatorUserIds', 'coordinatorNotInLeader'));
}

/** Only an admin may name another institution as leader: a director cannot found a PZK for someone else. */
function isLeaderAllowed(actor: Actor, leaderInstitutionId: string): boolean {
  return actor.membership?.role === 'admin' || actor.membership?.institutionId === leaderInstitutionId;
}

/** Lists the partnerships visible to the actor; summaries hold no personal data, so no audit event. */
export async function listPartnerships(
  db: Database,
  ctx: RequestContext,
  query: z.output<typeof PartnershipListQuery>,
): Promise<PartnershipPage> {
  const actor = requireActor(ctx);
  const { rows, total } = await findVisiblePartnershipPage(db, actor, query);
  return { items: rows.map(presentPartnershipSummary), total, page: query.page, pageSize: query.pageSize };
}

/** Reads one partnership; the read is audited in the same transaction (fail closed). */
export async function getPartnership(db: Database, ctx: RequestContext, id: string): Promise<Partnership> {
  const actor = requireActor(ctx);
  return withRecordRule(db, ctx, async (tx) => {
    const record = await loadForAccess(tx, actor, id, 'partnership.read', 'read');
    const partnership = await loadPresented(tx, actor, id, record);
    await recordAuditEvent(tx, ctx, {
      action: 'partnership.read',
      subjectType: SUBJECT,
      subjectId: id,
      // How many members' representatives were disclosed, for the access report (docs/security.md §12).
      details: { disclosedMemberCount: partnership.members.length },
    });
    return partnership;
  });
}

/** Founds a partnership; the leader institution joins it as a declared member. */
export async function createPartnership(db: Database, ctx: RequestContext, input: CreateInput): Promise<Partnership> {
  const actor = requireActor(ctx);
  return withRecordRule(db, ctx, async (tx) => {
    if (!isLeaderAllowed(actor, input.leaderInstitutionId)) {
      throw RecordRefusal.notAllowed(
        { action: 'partnership.create', subjectType: SUBJECT, subjectId: null },
        'foreignLeader',
      );
    }
    const errors: FieldError[] = [];
    await checkTerritory(tx, input.territoryCode, errors);
    await checkLeader(tx, input.leaderInstitutionId, errors);
    if (errors.every((e) => e.field !== 'leaderInstitutionId')) {
      await checkCoordinators(tx, input.leaderInstitutionId, input.coordinatorUserIds, errors);
    }
    if (errors.length > 0) throw new AppError('validation', errors);

    const today = todayInPoland();
    const id = await insertPartnership(tx, {
      name: input.name,
      territoryCode: input.territoryCode,
      areaDescription: input.areaDescription ?? null,
      modelVariant: input.modelVariant,
      leaderInstitutionId: input.leaderInstitutionId,
      establishedOn: input.establishedOn ?? null,
    });
    await insertPartnershipCoordinators(tx, id, input.coordinatorUserIds, today);
    await insertPartnershipMember(tx, {
      partnershipId: id,
      institutionId: input.leaderInstitutionId,
      status: 'declared',
      declarationDate: today,
    });
    // Its public basket address is its own from now on, before it ever publishes (not public yet).
    const publicSlug = await reservePublicationSlug(tx, id, input.name);
    await recordAuditEvent(tx, ctx, {
      action: 'partnership.create',
      subjectType: SUBJECT,
      subjectId: id,
      details: { fields: Object.keys(input).sort(), publicSlug },
    });
    return loadPresented(tx, actor, id);
  });
}

/** Changes a partnership under optimistic concurrency; coordinators are replaced when given. */
export async function updatePartnership(
  db: Database,
  ctx: RequestContext,
  id: string,
  input: UpdateInput,
): Promise<Partnership> {
  const actor = requireActor(ctx);
  return withRecordRule(db, ctx, async (tx) => {
    const record = await loadForAccess(tx, actor, id, 'partnership.update', 'manage');
    if (record.version !== input.version) throw new AppError('conflict');
    const current = await unsafeFindPartnershipRow(tx, id);
    if (!current) throw new AppError('notFound');

    const leaderInstitutionId = input.leaderInstitutionId ?? current.leaderInstitutionId;
    const isLeaderChanged = leaderInstitutionId !== current.leaderInstitutionId;
    const isTerritoryChanged = input.territoryCode !== undefined && input.territoryCode !== current.territoryCode;
    // Sending the current territory and leader back (the edit form sends them) is no change.
    const accessChanges = accessDecidingPartnershipFields.filter((field) =>
      field === 'territoryCode' ? isTerritoryChanged : isLeaderChanged,
    );
    const refusedFields = accessChanges.filter((field) => !canChangePartnershipField(actor, record, field));
    if (refusedFields.length > 0) {
      throw RecordRefusal.accessDecidingFields(
        { action: 'partnership.update', subjectType: SUBJECT, subjectId: id },
        refusedFields,
      );
    }

    const errors: FieldError[] = [];
    if (isTerritoryChanged) await checkTerritory(tx, input.territoryCode!, errors);
    if (isLeaderChanged) await checkLeader(tx, leaderInstitutionId, errors);
    const coordinatorUserIds = input.coordinatorUserIds ?? record.coordinatorUserIds;
    // A new leader must also employ the coordinators who stay, or the PZK is run from outside it.
    if ((input.coordinatorUserIds || isLeaderChanged) && errors.every((e) => e.field !== 'leaderInstitutionId')) {
      await checkCoordinators(tx, leaderInstitutionId, coordinatorUserIds, errors);
    }
    if (errors.length > 0) throw new AppError('validation', errors);

    const changes: Partial<PartnershipValues> = {};
    const changedFields: string[] = [];
    const compare = <
      K extends 'name' | 'territoryCode' | 'areaDescription' | 'modelVariant' | 'establishedOn' | 'stage',
    >(
      key: K,
      value: (typeof current)[K] | undefined,
    ) => {
      if (value === undefined || value === current[key]) return;
      changes[key] = value as never;
      changedFields.push(key);
    };
    compare('name', input.name);
    compare('territoryCode', input.territoryCode);
    compare('areaDescription', input.areaDescription);
    compare('modelVariant', input.modelVariant);
    compare('establishedOn', input.establishedOn);
    compare('stage', input.stage);
    if (isLeaderChanged) {
      changes.leaderInstitutionId = leaderInstitutionId;
      changedFields.push('leaderInstitutionId');
    }

    if (!(await updatePartnershipRow(tx, id, input.version, changes))) throw new AppError('conflict');

    if (input.coordinatorUserIds) {
      const isSameSet =
        input.coordinatorUserIds.length === record.coordinatorUserIds.length &&
        input.coordinatorUserIds.every((userId) => record.coordinatorUserIds.includes(userId));
      if (!isSameSet) {
        changedFields.push('coordinatorUserIds');
        await deletePartnershipCoordinatorsExcept(tx, id, input.coordinatorUserIds);
        const added = input.coordinatorUserIds.filter((userId) => !record.coordinatorUserIds.includes(userId));
        // Coordinators who stay keep their original `since`: it is the history of who ran the PZK.
        await insertPartnershipCoordinators(tx, id, added, todayInPoland());
      }
    }
    if (isLeaderChanged) await ensureLeaderIsMember(tx, id, leaderInstitutionId);

    if (accessChanges.length > 0) {
      // A permission change (like user.membership.add): a TERYT code and an institution id, no personal data.
      await recordAuditEvent(tx, ctx, {
        action: 'partnership.access.update',
        subjectType: SUBJECT,
        subjectId: id,
        details: {
          changes: Object.fromEntries(
            accessChanges.map((field) => [
              field,
              field === 'territoryCode'
                ? { from: current.territoryCode, to: input.territoryCode }
                : { from: current.leaderInstitutionId, to: leaderInstitutionId },
            ]),
          ),
        },
      });
    }
    await recordAuditEvent(tx, ctx, {
      action: 'partnership.update',
      subjectType: SUBJECT,
      subjectId: id,
      details: { changedFields },
    });
    return loadPresented(tx, actor, id);
  });
}

/** The leader is always a member of its own partnership (invariant set at founding). */
async function ensureLeaderIsMember(tx: Executor, partnershipId: string, institutionId: string): Promise<void> {
  const existing = await findMember(tx, partnershipId, { institutionId });
  if (!existing) {
    await insertPartnershipMember(tx, {
      partnershipId,
      institutionId,
      status: 'declared',
      declarationDate: todayInPoland(),
    });
  } else if (existing.status === 'left') {
    await updatePartnershipMemberRow(tx, existing.id, {
      status: 'declared',
      declarationDate: existing.declarationDate ?? todayInPoland(),
    });
  }
}

/** Adds an institution to the partnership. */
export async function addPartnershipMember(
  db: Database,
  ctx: RequestContext,
  id: string,
  input: AddInput,
): Promise<Partnership> {
  const actor = requireActor(ctx);
  return withRecordRule(db, ctx, async (tx) => {
    await loadForAccess(tx, actor, id, 'partnership.member.add', 'manage');
    const errors: FieldError[] = [];
    const institution = await findInstitutionForPartnership(tx, input.institutionId);
    if (!institution || institution.isArchived) errors.push(fieldError('institutionId', 'unknownInstitution'));
    if (input.status === 'declared' && !input.declarationDate)
      errors.push(fieldError('declarationDate', 'declarationDateRequired'));
    if (errors.length > 0) throw new AppError('validation', errors);
    if (await findMember(tx, id, { institutionId: input.institutionId })) {
      throw new AppError('duplicate', [fieldError('institutionId', 'alreadyMember')]);
    }

    let memberId: string;
    try {
      memberId = await insertPartnershipMember(tx, {
        partnershipId: id,
        institutionId: input.institutionId,
        status: input.status,
        declarationDate: input.declarationDate ?? null,
        representativeName: input.representativeName ?? null,
        representativePosition: input.representativePosition ?? null,
        representativeEmail: input.representativeEmail ?? null,
        representativePhone: input.representativePhone ?? null,
      });
    } catch (error) {
      // A concurrent request added the same institution between our check and the insert.
      if (isUniqueViolation(error)) throw new AppError('duplicate', [fieldError('institutionId', 'alreadyMember')]);
      throw error;
    }
    await recordAuditEvent(tx, ctx, {
      action: 'partnership.member.add',
      subjectType: SUBJECT,
      subjectId: id,
      details: {
        memberId,
        institutionId: input.institutionId,
        status: input.status,
        fields: Object.keys(input).sort(),
      },
    });
    return loadPresented(tx, actor, id);
  });
}

/** Changes a member's status, declaration or representative. */
export async function updatePartnershipMember(
  db: Database,
  ctx: RequestContext,
  id: string,
  memberId: string,
  input: UpdateMemberFields,
): Promise<Partnership> {
  const actor = requireActor(ctx);
  return withRecordRule(db, ctx, async (tx) => {
    await loadForAccess(tx, actor, id, 'partnership.member.update', 'manage');
    const member = await findMember(tx, id, { memberId });
    if (!member) throw new AppError('notFound');

    const status = input.status ?? member.status;
    const declarationDate = input.declarationDate !== undefined ? input.declarationDate : member.declarationDate;
    if (status === 'declared' && !declarationDate) {
      throw new AppError('validation', [fieldError('declarationDate', 'declarationDateRequired')]);
    }

    const keys = [
      'status',
      'declarationDate',
      'representativeName',
      'representativePosition',
      'representativeEmail',
      'representativePhone',
    ] as const;
    const changes: Partial<PartnershipMemberValues> = {};
    const changedFields: string[] = [];
    for (const key of keys) {
      const value = input[key];
      if (value === undefined || value === member[key]) continue;
      changes[key] = value as never;
      changedFields.push(key);
    }
    if (changedFields.length > 0) {
      await updatePartnershipMemberRow(tx, memberId, changes);
    }
    await recordAuditEvent(tx, ctx, {
      action: 'partnership.member.update',
      subjectType: SUBJECT,
      subjectId: id,
      // Field names only: the values are a representative's contact data.
      details: { memberId, institutionId: member.institutionId, changedFields },
    });
    return loadPresented(tx, actor, id);
  });
}
