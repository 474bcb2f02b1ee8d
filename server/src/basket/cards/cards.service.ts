/**
 * SECURITY-RELEVANT. Rules and transactions of service cards. A card names a contact person, so
 * every response carrying a whole card is covered by an audit event committed in the same
 * transaction. Unknown cards and cards the actor may not see answer the same 404; refusals of
 * visible cards are 403 and audited in a transaction of their own after the work rolled back.
 */
import type { AuditAction } from '../../../../shared/src/contracts/audit-actions.js';
import type { z } from 'zod';
import type { Database, Executor } from '../../platform/db/database.js';
import { requireActingActor, type Actor, type RequestContext } from '../../platform/auth/actor.js';
import { RecordRefusal } from '../../platform/auth/record-rule.js';
import { AppError, fieldError } from '../../platform/http/problem.js';
import { recordAuditEvent } from '../../audit/audit.service.js';
import { withRecordRule } from '../../audit/refusals.js';
import { findVisibleBasketPartnership } from '../basket.access.js';
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
  type ServiceStatus,
  type ServiceTransitionInput,
  type UpdateServiceInput,
} from '../../../../shared/src/contracts/basket.js';
import {
  canConfirmService,
  canCreateService,
  canPublishService,
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
import { findPartnershipName } from '../change-requests/change-requests.queries.js';
import { findUsersWhoMayAct } from '../recipients.js';
import { cardSubmittedNotification } from '../notification-kinds.js';
import { deliverNotificationEmails, notifyUsers } from '../../notifications/notifications.service.js';
import type { Mailer } from '../../notifications/mailer.js';

type CreateData = z.output<typeof CreateServiceInput>;
type UpdateData = z.output<typeof UpdateServiceInput>;
type TransitionData = z.output<typeof ServiceTransitionInput>;

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
  const actor = requireActingActor(context);
  const { rows, total } = await findServicePage(db, actor, query, staleMonths);
  return { items: rows.map(presentServiceSummary), total, page: query.page, pageSize: query.pageSize };
}

export async function createService(
  db: Database,
  context: RequestContext,
  input: CreateData,
  staleMonths: number,
): Promise<Service> {
  const actor = requireActingActor(context);
  const { partnershipId, ...card } = input;
  return withRecordRule(db, context, async (tx) => {
    const partnership = await findVisibleBasketPartnership(tx, actor, partnershipId, 'service.create');
    if (
      !canCreateService(actor, partnership, {
        providerInstitutionId: card.providerInstitutionId ?? null,
        origin: card.origin,
      })
    ) {
      throw RecordRefusal.notAllowed({
        action: 'service.create',
        subjectType: 'partnership',
        subjectId: partnershipId,
      });
    }
    requireProviderInPartnership(partnership, {
      providerInstitutionId: card.providerInstitutionId ?? null,
      origin: card.origin,
    });
    const row = await insertServiceCard(tx, context, partnershipId, card);
    return presentById(tx, actor, partnership, row.id, staleMonths);
  });
}

/** Loads a card with its partnership for a rule check; 404 for unknown cards, an audited 404 for invisible ones. */
async function loadVisibleCard(tx: Executor, actor: Actor, id: string, action: AuditAction, forUpdate: boolean) {
  const row = await unsafeFindServiceRow(tx, id, { forUpdate });
  if (!row) throw new AppError('notFound');
  const partnership = await unsafeFindPartnershipAccessRecord(tx, row.partnershipId);
  const card = { providerInstitutionId: row.providerInstitutionId, status: row.status } as ServiceRecord;
  if (!partnership || !canReadService(actor, partnership, card)) {
    throw RecordRefusal.notVisible({ action, subjectType: 'service', subjectId: id });
  }
  return { row, partnership, card };
}

export async function getService(
  db: Database,
  context: RequestContext,
  id: string,
  staleMonths: number,
): Promise<Service> {
  const actor = requireActingActor(context);
  return withRecordRule(db, context, async (tx) => {
    const { partnership } = await loadVisibleCard(tx, actor, id, 'service.read', false);
    const service = await presentById(tx, actor, partnership, id, staleMonths);
    await recordAuditEvent(tx, context, { action: 'service.read', subjectType: 'service', subjectId: id });
    return service;
  });
}

/**
 * The whole card as the actor may read it, under the card's read rule (an audited 404 otherwise),
 * for the basket's other views of one card (the card for a client). The caller writes the audit
 * event of what it discloses in the same transaction.
 */
export async function readVisibleService(
  tx: Executor,
  actor: Actor,
  id: string,
  action: AuditAction,
  staleMonths: number,
): Promise<Service> {
  const { partnership } = await loadVisibleCard(tx, actor, id, action, false);
  return presentById(tx, actor, partnership, id, staleMonths);
}

export async function updateService(
  db: Database,
  context: RequestContext,
  id: string,
  input: UpdateData,
  staleMonths: number,
  sentFields?: ReadonlySet<string>,
): Promise<Service> {
  const actor = requireActingActor(context);
  const { version, ...parsed } = input;
  // Only the fields the client sent: the parsed patch also carries the create form's defaults.
  const patch = (
    sentFields ? Object.fromEntries(Object.entries(parsed).filter(([field]) => sentFields.has(field))) : parsed
  ) as typeof parsed;
  return withRecordRule(db, context, async (tx) => {
    const { row, partnership, card } = await loadVisibleCard(tx, actor, id, 'service.update', true);
    if (!canUpdateService(actor, partnership, card))
      throw RecordRefusal.notAllowed({ action: 'service.update', subjectType: 'service', subjectId: id });
    const next = {
      providerInstitutionId:
        patch.providerInstitutionId !== undefined ? patch.providerInstitutionId : row.providerInstitutionId,
      origin: patch.origin ?? row.origin,
    };
    if (next.providerInstitutionId !== row.providerInstitutionId || next.origin !== row.origin) {
      // Moving a card to another provider or origin is creating it anew there: a partner's card
      // keeper may not hand their card to another institution or turn it into a neighbourhood one.
      if (!canCreateService(actor, partnership, next))
        throw RecordRefusal.notAllowed({ action: 'service.update', subjectType: 'service', subjectId: id });
      requireProviderInPartnership(partnership, next);
    }
    await updateServiceCard(tx, context, row, patch, { expectedVersion: version, event: 'edited' });
    return presentById(tx, actor, partnership, id, staleMonths);
  });
}

const transitions: Record<
  TransitionData['action'],
  {
    allow: typeof canSubmitService;
    status?: ServiceStatus;
    event: ServiceEvent;
    needsReason?: boolean;
    confirms?: boolean;
  }
> = {
  submit: { allow: canSubmitService, status: 'submitted', event: 'submitted' },
  publish: { allow: canPublishService, status: 'published', event: 'published' },
  suspend: { allow: canSuspendService, status: 'suspended', event: 'suspended', needsReason: true },
  withdraw: { allow: canWithdrawService, status: 'withdrawn', event: 'withdrawn', needsReason: true },
  returnToDraft: { allow: canReturnServiceToDraft, status: 'draft', event: 'returnedToDraft' },
  confirm: { allow: canConfirmService, event: 'confirmed', confirms: true },
};

/**
 * A submitted card waits for whoever may publish it: they are notified in the transaction (the
 * submitter excepted), e-mail after the commit.
 */
async function notifyCardSubmitted(
  tx: Executor,
  actor: Actor,
  partnership: PartnershipAccessRecord,
  card: { id: string; name: string; providerInstitutionId: string | null },
): Promise<string[]> {
  const submitted: ServiceRecord = { providerInstitutionId: card.providerInstitutionId, status: 'submitted' };
  const publishers = await findUsersWhoMayAct(
    tx,
    partnership,
    (candidate) => canPublishService(candidate, partnership, submitted),
    { exceptUserId: actor.userId },
  );
  return notifyUsers(tx, publishers, cardSubmittedNotification, {
    serviceId: card.id,
    serviceName: card.name,
    partnershipId: partnership.id,
    partnershipName: await findPartnershipName(tx, partnership.id),
  });
}

export async function transitionService(
  db: Database,
  context: RequestContext,
  id: string,
  input: TransitionData,
  staleMonths: number,
  mailer: Mailer | null = null,
): Promise<Service> {
  const actor = requireActingActor(context);
  const transition = transitions[input.action];
  if (transition.needsReason && !input.reason)
    throw new AppError('validation', [fieldError('reason', 'reasonRequired')]);
  const { result, notificationIds } = await withRecordRule(db, context, async (tx) => {
    const { row, partnership, card } = await loadVisibleCard(tx, actor, id, `service.${input.action}`, true);
    if (!transition.allow(actor, partnership, card))
      throw RecordRefusal.notAllowed({ action: `service.${input.action}`, subjectType: 'service', subjectId: id });
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
    const ids = input.action === 'submit' ? await notifyCardSubmitted(tx, actor, partnership, row) : [];
    return { result: await presentById(tx, actor, partnership, id, staleMonths), notificationIds: ids };
  });
  await deliverNotificationEmails(db, mailer, notificationIds);
  return result;
}

export async function getServiceHistory(db: Database, context: RequestContext, id: string) {
  const actor = requireActingActor(context);
  return withRecordRule(db, context, async (tx) => {
    await loadVisibleCard(tx, actor, id, 'service.history', false);
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
  const actor = requireActingActor(context);
  const counts = await withRecordRule(db, context, async (tx) => {
    await findVisibleBasketPartnership(tx, actor, partnershipId, 'basket.gaps');
    return countBasketCells(tx, partnershipId);
  });
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
