/**
 * SECURITY-CRITICAL. Rules of the partnership (PZK, partnerski zespół kooperacyjny): founding,
 * changes, member institutions. Every write and every read of the detail (members carry their
 * representatives' contact data) commits its audit event in the same transaction; refusals are
 * audited in a transaction of their own because the work they refused is rolled back.
 */
import { and, eq, notInArray, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Database, Executor, Transaction } from '../platform/db/database.js';
import { partnershipCoordinators, partnershipMembers, partnerships } from '../platform/db/tables.js';
import type { Actor, RequestContext } from '../platform/auth/actor.js';
import { AppError, fieldError, type FieldError } from '../platform/http/problem.js';
import { recordAuditEvent, recordStandaloneAuditEvent } from '../audit/audit.service.js';
import { leaderInstitutionKinds, type InstitutionKind } from '../../../shared/src/contracts/common.js';
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
  unsafeFindPartnershipAccessRecord,
  unsafeFindPartnershipDetail,
  type PartnershipAccessRecord,
} from './partnerships.queries.js';
import { presentPartnership, presentPartnershipSummary } from './partnerships.presenter.js';
import { reservePublicationSlug } from '../basket/index.js';

type CreateInput = z.output<typeof CreatePartnershipInput>;
type UpdateInput = z.output<typeof UpdatePartnershipInput>;
type AddInput = z.output<typeof AddMemberInput>;
type UpdateMemberFields = z.output<typeof UpdateMemberInput>;

const SUBJECT = 'partnership';

/** Thrown inside a transaction to roll it back; the caller records the refusal and answers 404/403. */
class PartnershipRefusal extends Error {
  constructor(
    readonly reason: 'notFound' | 'notVisible' | 'notManager' | 'foreignLeader',
    readonly partnershipId: string | null,
  ) {
    super(reason);
  }
}

/** A manager tried to change a field only an administrator changes; rolled back, audited, 403 naming it. */
class PartnershipFieldRefusal extends Error {
  constructor(
    readonly fields: readonly string[],
    readonly partnershipId: string,
  ) {
    super('accessDecidingField');
  }
}

function requireActor(ctx: RequestContext): Actor {
  if (!ctx.actor) throw new AppError('unauthenticated');
  return ctx.actor;
}

/** Today in Poland, as the users' calendar sees it (a declaration signed at 00:30 is today's). */
function todayInPoland(): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Warsaw' }).format(new Date());
}

function isUniqueViolation(error: unknown): boolean {
  for (let current = error; current; current = (current as { cause?: unknown }).cause) {
    if ((current as { code?: string }).code === '23505') return true;
  }
  return false;
}

/**
 * Runs `work` in a transaction. A PartnershipRefusal rolls it back, is audited as `denied` on its
 * own and becomes the answer the caller sees: 404 when the record is unknown or not visible (the same
 * answer for both, so ids cannot be probed), 403 when visible but not the actor's to change.
 */
async function runAudited<T>(
  db: Database,
  ctx: RequestContext,
  action: string,
  work: (tx: Transaction) => Promise<T>,
): Promise<T> {
  try {
    return await db.transaction(work);
  } catch (error) {
    if (error instanceof PartnershipFieldRefusal) {
      await recordStandaloneAuditEvent(db, ctx, {
        action,
        subjectType: SUBJECT,
        subjectId: error.partnershipId,
        outcome: 'denied',
        details: { reason: 'accessDecidingField', fields: error.fields },
      });
      throw new AppError(
        'forbidden',
        error.fields.map((field) => fieldError(field, 'adminOnlyField')),
      );
    }
    if (!(error instanceof PartnershipRefusal)) throw error;
    await recordStandaloneAuditEvent(db, ctx, {
      action,
      subjectType: SUBJECT,
      subjectId: error.partnershipId,
      outcome: 'denied',
      details: { reason: error.reason },
    });
    throw new AppError(error.reason === 'notFound' || error.reason === 'notVisible' ? 'notFound' : 'forbidden');
  }
}

/** Loads the record and applies the rules: not visible -> 404, visible but not manager -> 403. */
async function loadForAccess(
  tx: Executor,
  actor: Actor,
  id: string,
  access: 'read' | 'manage',
): Promise<PartnershipAccessRecord> {
  const record = await unsafeFindPartnershipAccessRecord(tx, id, { forUpdate: access === 'manage' });
  if (!record) throw new PartnershipRefusal('notFound', id);
  if (!canReadPartnership(actor, record)) throw new PartnershipRefusal('notVisible', id);
  if (access === 'manage' && !canManagePartnership(actor, record)) throw new PartnershipRefusal('notManager', id);
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
  else if (!leaderInstitutionKinds.includes(institution.kind as InstitutionKind)) {
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
  return runAudited(db, ctx, 'partnership.read', async (tx) => {
    const record = await loadForAccess(tx, actor, id, 'read');
    const partnership = await loadPresented(tx, actor, id, record);
    await recordAuditEvent(tx, ctx, {
      action: 'partnership.read',
      subjectType: SUBJECT,
      subjectId: id,
      // How many members' representatives were disclosed, for the access report (SECURITY.md 12).
      details: { disclosedMemberCount: partnership.members.length },
    });
    return partnership;
  });
}

/** Founds a partnership; the leader institution joins it as a declared member. */
export async function createPartnership(db: Database, ctx: RequestContext, input: CreateInput): Promise<Partnership> {
  const actor = requireActor(ctx);
  return runAudited(db, ctx, 'partnership.create', async (tx) => {
    if (!isLeaderAllowed(actor, input.leaderInstitutionId)) throw new PartnershipRefusal('foreignLeader', null);
    const errors: FieldError[] = [];
    await checkTerritory(tx, input.territoryCode, errors);
    await checkLeader(tx, input.leaderInstitutionId, errors);
    if (errors.every((e) => e.field !== 'leaderInstitutionId')) {
      await checkCoordinators(tx, input.leaderInstitutionId, input.coordinatorUserIds, errors);
    }
    if (errors.length > 0) throw new AppError('validation', errors);

    const today = todayInPoland();
    const [created] = await tx
      .insert(partnerships)
      .values({
        name: input.name,
        territoryCode: input.territoryCode,
        areaDescription: input.areaDescription ?? null,
        modelVariant: input.modelVariant,
        leaderInstitutionId: input.leaderInstitutionId,
        establishedOn: input.establishedOn ?? null,
      })
      .returning({ id: partnerships.id });
    const id = created!.id;
    await tx
      .insert(partnershipCoordinators)
      .values(input.coordinatorUserIds.map((userId) => ({ partnershipId: id, userId, since: today })));
    await tx.insert(partnershipMembers).values({
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
  return runAudited(db, ctx, 'partnership.update', async (tx) => {
    const record = await loadForAccess(tx, actor, id, 'manage');
    if (record.version !== input.version) throw new AppError('conflict');
    const [current] = await tx.select().from(partnerships).where(eq(partnerships.id, id));
    if (!current) throw new AppError('notFound');

    const leaderInstitutionId = input.leaderInstitutionId ?? current.leaderInstitutionId;
    const isLeaderChanged = leaderInstitutionId !== current.leaderInstitutionId;
    const isTerritoryChanged = input.territoryCode !== undefined && input.territoryCode !== current.territoryCode;
    // Sending the current territory and leader back (the edit form sends them) is no change.
    const accessChanges = accessDecidingPartnershipFields.filter((field) =>
      field === 'territoryCode' ? isTerritoryChanged : isLeaderChanged,
    );
    const refusedFields = accessChanges.filter((field) => !canChangePartnershipField(actor, record, field));
    if (refusedFields.length > 0) throw new PartnershipFieldRefusal(refusedFields, id);

    const errors: FieldError[] = [];
    if (isTerritoryChanged) await checkTerritory(tx, input.territoryCode!, errors);
    if (isLeaderChanged) await checkLeader(tx, leaderInstitutionId, errors);
    const coordinatorUserIds = input.coordinatorUserIds ?? record.coordinatorUserIds;
    // A new leader must also employ the coordinators who stay, or the PZK is run from outside it.
    if ((input.coordinatorUserIds || isLeaderChanged) && errors.every((e) => e.field !== 'leaderInstitutionId')) {
      await checkCoordinators(tx, leaderInstitutionId, coordinatorUserIds, errors);
    }
    if (errors.length > 0) throw new AppError('validation', errors);

    const changes: Partial<typeof partnerships.$inferInsert> = {};
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

    const updated = await tx
      .update(partnerships)
      .set({ ...changes, version: sql`${partnerships.version} + 1`, updatedAt: new Date() })
      .where(and(eq(partnerships.id, id), eq(partnerships.version, input.version)))
      .returning({ id: partnerships.id });
    if (updated.length === 0) throw new AppError('conflict');

    if (input.coordinatorUserIds) {
      const isSameSet =
        input.coordinatorUserIds.length === record.coordinatorUserIds.length &&
        input.coordinatorUserIds.every((userId) => record.coordinatorUserIds.includes(userId));
      if (!isSameSet) {
        changedFields.push('coordinatorUserIds');
        await tx
          .delete(partnershipCoordinators)
          .where(
            and(
              eq(partnershipCoordinators.partnershipId, id),
              notInArray(partnershipCoordinators.userId, input.coordinatorUserIds),
            ),
          );
        const added = input.coordinatorUserIds.filter((userId) => !record.coordinatorUserIds.includes(userId));
        if (added.length > 0) {
          // Coordinators who stay keep their original `since`: it is the history of who ran the PZK.
          await tx
            .insert(partnershipCoordinators)
            .values(added.map((userId) => ({ partnershipId: id, userId, since: todayInPoland() })));
        }
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
    await tx
      .insert(partnershipMembers)
      .values({ partnershipId, institutionId, status: 'declared', declarationDate: todayInPoland() });
  } else if (existing.status === 'left') {
    await tx
      .update(partnershipMembers)
      .set({ status: 'declared', declarationDate: existing.declarationDate ?? todayInPoland(), updatedAt: new Date() })
      .where(eq(partnershipMembers.id, existing.id));
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
  return runAudited(db, ctx, 'partnership.member.add', async (tx) => {
    await loadForAccess(tx, actor, id, 'manage');
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
      const [created] = await tx
        .insert(partnershipMembers)
        .values({
          partnershipId: id,
          institutionId: input.institutionId,
          status: input.status,
          declarationDate: input.declarationDate ?? null,
          representativeName: input.representativeName ?? null,
          representativePosition: input.representativePosition ?? null,
          representativeEmail: input.representativeEmail ?? null,
          representativePhone: input.representativePhone ?? null,
        })
        .returning({ id: partnershipMembers.id });
      memberId = created!.id;
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
  return runAudited(db, ctx, 'partnership.member.update', async (tx) => {
    await loadForAccess(tx, actor, id, 'manage');
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
    const changes: Partial<typeof partnershipMembers.$inferInsert> = {};
    const changedFields: string[] = [];
    for (const key of keys) {
      const value = input[key];
      if (value === undefined || value === member[key]) continue;
      changes[key] = value as never;
      changedFields.push(key);
    }
    if (changedFields.length > 0) {
      await tx
        .update(partnershipMembers)
        .set({ ...changes, updatedAt: new Date() })
        .where(eq(partnershipMembers.id, memberId));
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
