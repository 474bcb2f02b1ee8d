/**
 * SECURITY-RELEVANT. Rules and transactions of service cards. A card names a contact person, so
 * every response carrying a whole card is covered by an audit event committed in the same
 * transaction. Unknown cards and cards the actor may not see answer the same 404; refusals of
 * visible cards are 403 and audited in a transaction of their own after the work rolled back.
 */
import type { AuditAction } from '../../../../shared/src/contracts/audit-actions.js';
import type { z } from 'zod';
import type { Database, Executor } from '../../platform/db/database.js';
import type { Actor, RequestContext } from '../../platform/auth/actor.js';
import { AppError, fieldError } from '../../platform/http/problem.js';
import { recordAuditEvent, refuseWithAudit } from '../../audit/audit.service.js';
import {
  unsafeFindPartnershipAccessRecord,
  type PartnershipAccessRecord,
} from '../../partnerships/partnerships.queries.js';
import { cooperationAreas } from '../../../../shared/src/contracts/common.js';
import {
  targetGroups,
  type BasketGaps,
  type CreateServiceInput,
  type Service,
  type ServicePage,
  type ServiceTransitionInput,
  type UpdateServiceInput,
} from '../../../../shared/src/contracts/basket.js';
import {
  canConfirmService,
  canCreateService,
  canPublishService,
  canReadBasket,
  canReadService,
  canReturnServiceToDraft,
  canSubmitService,
  canSuspendService,
  canUpdateService,
  canWithdrawService,
  isProviderInPartnership,
  type ServiceRecord,
} from '../basket.policy.js';
import { insertServiceCard, unsafeFindServiceRow, updateServiceCard, type ServiceEvent } from './cards.store.js';
import {
  countBasketCells,
  findServiceHistory,
  findServicePage,
  findTerritoryNames,
  unsafeFindServiceDetail,
  type ServiceSearch,
} from './cards.queries.js';
import { presentService, presentServiceSummary } from './cards.presenter.js';

type CreateData = z.output<typeof CreateServiceInput>;
type UpdateData = z.output<typeof UpdateServiceInput>;
type TransitionData = z.output<typeof ServiceTransitionInput>;

/** Thrown inside a transaction so that it rolls back; becomes an audited 403 outside. */
class RecordRuleDenied extends Error {
  constructor(
    readonly action: AuditAction,
    readonly subjectId: string,
  ) {
    super(action);
  }
}

function requireActor(context: RequestContext): Actor {
  if (!context.actor?.membership) throw new AppError('forbidden');
  return context.actor;
}

async function withDeniedAudit<T>(db: Database, context: RequestContext, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof RecordRuleDenied)) throw error;
    return refuseWithAudit(db, context, { action: error.action, subjectType: 'service', subjectId: error.subjectId });
  }
}

/**
 * A partner card's provider takes part in the partnership. Checked on create and whenever a change
 * touches the provider or the origin, so an old card of a member that has since left stays editable.
 */
function requireProviderInPartnership(
  partnership: PartnershipAccessRecord,
  card: { providerInstitutionId: string | null; origin: string },
): void {
  if (
    card.origin === 'partner' &&
    card.providerInstitutionId &&
    !isProviderInPartnership(partnership, card.providerInstitutionId)
  ) {
    throw new AppError('validation', [fieldError('providerInstitutionId', 'providerNotMember')]);
  }
}

/** The partnership as the policy needs it; 404 when unknown or not visible to the actor. */
async function findVisiblePartnership(
  db: Executor,
  actor: Actor,
  partnershipId: string,
): Promise<PartnershipAccessRecord> {
  const partnership = await unsafeFindPartnershipAccessRecord(db, partnershipId);
  if (!partnership || !canReadBasket(actor, partnership)) throw new AppError('notFound');
  return partnership;
}

function abilitiesFor(actor: Actor, partnership: PartnershipAccessRecord, card: ServiceRecord): Service['abilities'] {
  return {
    canUpdate: canUpdateService(actor, partnership, card),
    canSubmit: canSubmitService(actor, partnership, card),
    canPublish: canPublishService(actor, partnership, card),
    canSuspend: canSuspendService(actor, partnership, card),
    canWithdraw: canWithdrawService(actor, partnership, card),
    canConfirm: canConfirmService(actor, partnership, card),
  };
}

async function presentById(
  db: Executor,
  actor: Actor,
  partnership: PartnershipAccessRecord,
  id: string,
  staleMonths: number,
): Promise<Service> {
  const detail = await unsafeFindServiceDetail(db, id, staleMonths);
  if (!detail) throw new AppError('notFound');
  const card = { providerInstitutionId: detail.providerInstitutionId, status: detail.status } as ServiceRecord;
  return presentService(
    detail,
    await findTerritoryNames(db, detail.reachCodes),
    abilitiesFor(actor, partnership, card),
  );
}

export async function searchServices(
  db: Database,
  context: RequestContext,
  query: ServiceSearch,
  staleMonths: number,
): Promise<ServicePage> {
  const actor = requireActor(context);
  const { rows, total } = await findServicePage(db, actor, query, staleMonths);
  return { items: rows.map(presentServiceSummary), total, page: query.page, pageSize: query.pageSize };
}

export async function createService(
  db: Database,
  context: RequestContext,
  input: CreateData,
  staleMonths: number,
): Promise<Service> {
  const actor = requireActor(context);
  const { partnershipId, ...card } = input;
  return withDeniedAudit(db, context, () =>
    db.transaction(async (tx) => {
      const partnership = await findVisiblePartnership(tx, actor, partnershipId);
      if (
        !canCreateService(actor, partnership, {
          providerInstitutionId: card.providerInstitutionId ?? null,
          origin: card.origin,
        })
      ) {
        throw new RecordRuleDenied('service.create', partnershipId);
      }
      requireProviderInPartnership(partnership, {
        providerInstitutionId: card.providerInstitutionId ?? null,
        origin: card.origin,
      });
      const row = await insertServiceCard(tx, context, partnershipId, card);
      return presentById(tx, actor, partnership, row.id, staleMonths);
    }),
  );
}

/** Loads a card with its partnership for a rule check; 404 for unknown or invisible cards. */
async function loadVisibleCard(tx: Executor, actor: Actor, id: string, forUpdate: boolean) {
  const row = await unsafeFindServiceRow(tx, id, { forUpdate });
  if (!row) throw new AppError('notFound');
  const partnership = await unsafeFindPartnershipAccessRecord(tx, row.partnershipId);
  const card = { providerInstitutionId: row.providerInstitutionId, status: row.status } as ServiceRecord;
  if (!partnership || !canReadService(actor, partnership, card)) throw new AppError('notFound');
  return { row, partnership, card };
}

export async function getService(
  db: Database,
  context: RequestContext,
  id: string,
  staleMonths: number,
): Promise<Service> {
  const actor = requireActor(context);
  return db.transaction(async (tx) => {
    const { partnership } = await loadVisibleCard(tx, actor, id, false);
    const service = await presentById(tx, actor, partnership, id, staleMonths);
    await recordAuditEvent(tx, context, { action: 'service.read', subjectType: 'service', subjectId: id });
    return service;
  });
}

export async function updateService(
  db: Database,
  context: RequestContext,
  id: string,
  input: UpdateData,
  staleMonths: number,
  sentFields?: ReadonlySet<string>,
): Promise<Service> {
  const actor = requireActor(context);
  const { version, ...parsed } = input;
  // Only the fields the client sent: the parsed patch also carries the create form's defaults.
  const patch = (
    sentFields ? Object.fromEntries(Object.entries(parsed).filter(([field]) => sentFields.has(field))) : parsed
  ) as typeof parsed;
  return withDeniedAudit(db, context, () =>
    db.transaction(async (tx) => {
      const { row, partnership, card } = await loadVisibleCard(tx, actor, id, true);
      if (!canUpdateService(actor, partnership, card)) throw new RecordRuleDenied('service.update', id);
      const next = {
        providerInstitutionId:
          patch.providerInstitutionId !== undefined ? patch.providerInstitutionId : row.providerInstitutionId,
        origin: patch.origin ?? row.origin,
      };
      if (next.providerInstitutionId !== row.providerInstitutionId || next.origin !== row.origin) {
        // Moving a card to another provider or origin is creating it anew there: a partner's card
        // keeper may not hand their card to another institution or turn it into a neighbourhood one.
        if (!canCreateService(actor, partnership, next)) throw new RecordRuleDenied('service.update', id);
        requireProviderInPartnership(partnership, next);
      }
      await updateServiceCard(tx, context, row, patch, { expectedVersion: version, event: 'edited' });
      return presentById(tx, actor, partnership, id, staleMonths);
    }),
  );
}

const transitions: Record<
  TransitionData['action'],
  { allow: typeof canSubmitService; status?: string; event: ServiceEvent; needsReason?: boolean; confirms?: boolean }
> = {
  submit: { allow: canSubmitService, status: 'submitted', event: 'submitted' },
  publish: { allow: canPublishService, status: 'published', event: 'published' },
  suspend: { allow: canSuspendService, status: 'suspended', event: 'suspended', needsReason: true },
  withdraw: { allow: canWithdrawService, status: 'withdrawn', event: 'withdrawn', needsReason: true },
  returnToDraft: { allow: canReturnServiceToDraft, status: 'draft', event: 'returnedToDraft' },
  confirm: { allow: canConfirmService, event: 'confirmed', confirms: true },
};

export async function transitionService(
  db: Database,
  context: RequestContext,
  id: string,
  input: TransitionData,
  staleMonths: number,
): Promise<Service> {
  const actor = requireActor(context);
  const transition = transitions[input.action];
  if (transition.needsReason && !input.reason)
    throw new AppError('validation', [fieldError('reason', 'reasonRequired')]);
  return withDeniedAudit(db, context, () =>
    db.transaction(async (tx) => {
      const { row, partnership, card } = await loadVisibleCard(tx, actor, id, true);
      if (!transition.allow(actor, partnership, card)) throw new RecordRuleDenied(`service.${input.action}`, id);
      if (input.version !== row.version) throw new AppError('conflict');
      await updateServiceCard(
        tx,
        context,
        row,
        {},
        {
          status: transition.status,
          event: transition.event,
          isConfirmed: transition.confirms,
          // Kept as text in the audit details: by design the reason is about the service ("funding
          // ended"), not personal data; the form asks for no names.
          reason: input.reason ?? undefined,
        },
      );
      return presentById(tx, actor, partnership, id, staleMonths);
    }),
  );
}

export async function getServiceHistory(db: Database, context: RequestContext, id: string) {
  const actor = requireActor(context);
  return db.transaction(async (tx) => {
    await loadVisibleCard(tx, actor, id, false);
    const rows = await findServiceHistory(tx, id);
    await recordAuditEvent(tx, context, { action: 'service.history', subjectType: 'service', subjectId: id });
    return {
      items: rows.map((r) => ({
        version: r.version,
        event: r.event,
        changedAt: r.changedAt.toISOString(),
        changedByDisplayName: r.changedByDisplayName,
        changedFields: r.changedFields,
      })),
    };
  });
}

export async function getBasketGaps(db: Database, context: RequestContext, partnershipId: string): Promise<BasketGaps> {
  const actor = requireActor(context);
  await findVisiblePartnership(db, actor, partnershipId);
  const counts = await countBasketCells(db, partnershipId);
  return {
    partnershipId,
    total: counts.total,
    cells: cooperationAreas.flatMap((area) =>
      targetGroups.map((targetGroup) => ({
        area,
        targetGroup,
        count: counts.cells.get(`${area}|${targetGroup}`) ?? 0,
      })),
    ),
    byArea: cooperationAreas.map((area) => ({ area, count: counts.byArea.get(area) ?? 0 })),
    byTargetGroup: targetGroups.map((targetGroup) => ({
      targetGroup,
      count: counts.byTargetGroup.get(targetGroup) ?? 0,
    })),
  };
}
