/**
 * SECURITY-RELEVANT. Basket change requests (seed 002 §6: updates are requested through the network
 * coordinator and applied by the leader): anyone in the partnership proposes a new service, a change
 * or a withdrawal; a network coordinator reviews; the leader's director applies or refuses with a
 * reason. Applying writes the card through services.store.ts in the same transaction as the
 * request's new status and its audit events, so a request is never "applied" with a half-written
 * card. A proposal may name a contact person, so responses carrying proposals are audited reads.
 *
 * Unknown requests and requests of partnerships the actor may not read answer the same 404; a refusal
 * by the record rule is a 403, audited in a transaction of its own after the work rolled back.
 */
import type { AuditAction } from '../../../../shared/src/contracts/audit-actions.js';
import { z } from 'zod';
import type { Database, Executor } from '../../platform/db/database.js';
import { requireActingActor, type Actor, type RequestContext } from '../../platform/auth/actor.js';
import { RecordRefusal } from '../../platform/auth/record-rule.js';
import { AppError, fieldError, zodIssuesToFieldErrors, type FieldError } from '../../platform/http/problem.js';
import { recordAuditEvent } from '../../audit/audit.service.js';
import { withRecordRule } from '../../audit/refusals.js';
import { findVisibleBasketPartnership } from '../basket.access.js';
import {
  unsafeFindPartnershipAccessRecord,
  type PartnershipAccessRecord,
} from '../../partnerships/partnerships.queries.js';
import {
  ChangeRequestKind,
  CreateChangeRequestInput,
  CreateServiceInput,
  type ChangeRequest,
  type ChangeRequestListQuery,
  type DecideChangeRequestInput,
  type ReviewChangeRequestInput,
} from '../../../../shared/src/contracts/basket.js';
import {
  canDecideChangeRequest,
  canProposeChange,
  canReadBasket,
  canReadService,
  canReviewChangeRequest,
  isProviderInPartnership,
  type ServiceRecord,
} from '../basket.policy.js';
import {
  confirmServiceCard,
  insertServiceCard,
  isStaleCard,
  providerContactErrors,
  providerContactFields,
  serviceCardFields,
  unsafeFindServiceRow,
  updateServiceCard,
  validateServiceCard,
  type ServiceCardData,
  type ServiceCardPatch,
  type ServiceRow,
} from '../cards/cards.store.js';
import {
  findChangeRequestPage,
  findPartnershipName,
  findValueLabels,
  insertChangeRequest,
  unsafeFindChangeRequestDetail,
  unsafeFindChangeRequestRow,
  updateChangeRequest,
  type ChangeRequestRow,
} from './change-requests.queries.js';
import { presentChangeRequest } from './change-requests.presenter.js';
import { findUsersWhoMayAct } from '../recipients.js';
import { deliverNotificationEmails, notifyUsers } from '../../notifications/notifications.service.js';
import type { Mailer } from '../../notifications/mailer.js';
import {
  changeRequestAppliedNotification,
  changeRequestCreatedNotification,
  changeRequestRefusedNotification,
  changeRequestReviewedNotification,
} from '../notification-kinds.js';

type CreateData = z.output<typeof CreateChangeRequestInput>;
type ReviewData = z.output<typeof ReviewChangeRequestInput>;
type DecideData = z.output<typeof DecideChangeRequestInput>;
type ListQuery = z.output<typeof ChangeRequestListQuery>;

const SUBJECT_TYPE = 'basketChangeRequest';

/** A whole new card, as the card form would send it without the partnership. */
const NewServiceProposal = CreateServiceInput.omit({ partnershipId: true });
/** Some fields of a card: the contract's partial card. */
const ChangeProposal = CreateChangeRequestInput.shape.proposal;

/** A request with its partnership; 404 for unknown requests and for baskets the actor may not read. */
async function loadVisibleRequest(tx: Executor, actor: Actor, id: string, action: AuditAction, forUpdate: boolean) {
  const request = await unsafeFindChangeRequestRow(tx, id, { forUpdate });
  if (!request) throw new AppError('notFound');
  const partnership = await unsafeFindPartnershipAccessRecord(tx, request.partnershipId);
  if (!partnership || !canReadBasket(actor, partnership)) {
    throw RecordRefusal.notVisible({ action, subjectType: SUBJECT_TYPE, subjectId: id });
  }
  return { request, partnership };
}

function abilitiesFor(
  actor: Actor,
  partnership: PartnershipAccessRecord,
  request: Pick<ChangeRequestRow, 'status'>,
): ChangeRequest['abilities'] {
  return {
    canReview: request.status === 'pending' && canReviewChangeRequest(actor, partnership),
    canDecide: request.status === 'reviewed' && canDecideChangeRequest(actor, partnership),
  };
}

/** Whoever reviews or decides this partnership's requests (not the proposer): they see the live card beside the proposal. */
function isReviewerOrDecider(actor: Actor, partnership: PartnershipAccessRecord): boolean {
  return canReviewChangeRequest(actor, partnership) || canDecideChangeRequest(actor, partnership);
}

/**
 * The card's live values of the proposed fields and those that changed since the request was made,
 * for the side-by-side decision view. Only for reviewers and deciders who may read the card; the
 * caller's audit event (basketRequest.read, .review, .decide) covers the disclosure.
 */
async function currentValuesFor(
  tx: Executor,
  actor: Actor,
  partnership: PartnershipAccessRecord,
  request: ChangeRequestRow,
): Promise<{ currentValues: Record<string, unknown> | null; changedSinceProposal: string[] }> {
  const none = { currentValues: null, changedSinceProposal: [] };
  if (request.kind !== 'change' || !request.serviceId || !isReviewerOrDecider(actor, partnership)) return none;
  const card = await unsafeFindServiceRow(tx, request.serviceId);
  if (
    !card ||
    !canReadService(actor, partnership, { providerInstitutionId: card.providerInstitutionId, status: card.status })
  ) {
    return none;
  }
  const proposal = (request.proposal ?? {}) as Record<string, unknown>;
  const base = (request.proposalBase ?? null) as Record<string, unknown> | null;
  const fields = Object.keys(proposal).filter((field) => (serviceCardFields as readonly string[]).includes(field));
  const currentValues = Object.fromEntries(fields.map((field) => [field, card[field as keyof ServiceRow] ?? null]));
  const changedSinceProposal = base ? fields.filter((field) => !isSameValue(currentValues[field], base[field])) : [];
  return { currentValues, changedSinceProposal };
}

async function presentById(
  tx: Executor,
  actor: Actor,
  partnership: PartnershipAccessRecord,
  id: string,
): Promise<ChangeRequest> {
  const detail = await unsafeFindChangeRequestDetail(tx, id);
  if (!detail) throw new AppError('notFound');
  const { currentValues, changedSinceProposal } = await currentValuesFor(tx, actor, partnership, detail);
  const proposal = (detail.proposal ?? {}) as Record<string, unknown>;
  const valueLabels = await findValueLabels(tx, [proposal, currentValues ?? {}]);
  return presentChangeRequest(detail, abilitiesFor(actor, partnership, detail), {
    currentValues,
    changedSinceProposal,
    valueLabels,
  });
}

/** The labels one proposal refers to, out of a page's. */
function labelsOf(labels: Record<string, string>, proposal: Record<string, unknown>): Record<string, string> {
  const keys = [
    proposal.providerInstitutionId,
    proposal.territoryCode,
    ...(Array.isArray(proposal.reachCodes) ? proposal.reachCodes : []),
  ];
  return Object.fromEntries(
    keys.filter((key): key is string => typeof key === 'string' && key in labels).map((key) => [key, labels[key]!]),
  );
}

function isSameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

const prefixed = (errors: readonly FieldError[], prefix: string): FieldError[] =>
  errors.map((error) => ({ ...error, field: `${prefix}.${error.field}` }));

/** A partner card must come from an institution taking part in the partnership (as on the card form). */
function providerErrors(
  partnership: PartnershipAccessRecord,
  card: { origin: string; providerInstitutionId?: string | null },
): FieldError[] {
  if (card.origin === 'partner' && card.providerInstitutionId) {
    if (!isProviderInPartnership(partnership, card.providerInstitutionId)) {
      return [fieldError('providerInstitutionId', 'providerNotMember')];
    }
  }
  return [];
}

/** The whole card a newService proposal describes, or field errors prefixed `proposal.`. */
async function parseNewServiceProposal(
  tx: Executor,
  partnership: PartnershipAccessRecord,
  proposal: Record<string, unknown>,
): Promise<{ card: ServiceCardData | null; errors: FieldError[] }> {
  const parsed = NewServiceProposal.safeParse(proposal);
  if (!parsed.success) return { card: null, errors: zodIssuesToFieldErrors(parsed.error.issues, 'proposal') };
  const card = parsed.data;
  const errors = [...providerErrors(partnership, card), ...(await validateServiceCard(tx, card))];
  return { card, errors: prefixed(errors, 'proposal') };
}

/** A new service is published when applied, so it names a contact (the card store's rule); fields prefixed `proposal.`. */
function requireNewServiceContact(card: ServiceCardData): void {
  const errors = providerContactErrors(card);
  if (errors.length > 0) throw new AppError('serviceContactRequired', prefixed(errors, 'proposal'));
}

/**
 * The fields a change proposal sets, as a card patch; only the names the client sent, because the
 * contract's partial card fills in the create form's defaults (zod 4 applies `.default()` inside
 * `.partial()`) and would otherwise quietly reset languages or accessibility on apply.
 */
function changePatchOf(proposal: Record<string, unknown>, sentFields: ReadonlySet<string>): ServiceCardPatch {
  const parsed = ChangeProposal.parse(proposal);
  return Object.fromEntries(
    Object.entries(parsed).filter(([field]) => sentFields.has(field) && field in proposal),
  ) as ServiceCardPatch;
}

/** Field errors of the card as it would be after the change, prefixed `proposal.`. */
async function changeErrors(
  tx: Executor,
  partnership: PartnershipAccessRecord,
  current: ServiceRow,
  patch: ServiceCardPatch,
): Promise<FieldError[]> {
  const merged = Object.fromEntries(
    serviceCardFields.map((field) => [
      field,
      field in patch && patch[field as keyof ServiceCardPatch] !== undefined
        ? patch[field as keyof ServiceCardPatch]
        : current[field],
    ]),
  ) as unknown as ServiceCardData;
  const touchesProvider = 'providerInstitutionId' in patch || 'origin' in patch;
  const errors = [
    ...(touchesProvider ? providerErrors(partnership, merged) : []),
    ...(await validateServiceCard(tx, merged)),
  ];
  return prefixed(errors, 'proposal');
}

/** A change that would leave a published card without any contact is refused (the card store's rule). */
function requireContactKept(current: ServiceRow, patch: ServiceCardPatch): void {
  if (current.status !== 'published') return;
  if (!providerContactFields.some((field) => field in patch)) return;
  const merged = Object.fromEntries(
    providerContactFields.map((field) => [field, field in patch ? patch[field] : current[field]]),
  );
  const errors = providerContactErrors(merged);
  if (errors.length > 0) throw new AppError('serviceContactRequired', prefixed(errors, 'proposal'));
}

/** The patch without the fields that already hold the proposed value; a proposal must change something. */
function changedOnly(current: ServiceRow, patch: ServiceCardPatch): ServiceCardPatch {
  const changed = Object.fromEntries(
    Object.entries(patch).filter(([field, value]) => !isSameValue(value, current[field as keyof ServiceRow])),
  ) as ServiceCardPatch;
  if (Object.keys(changed).length === 0) {
    throw new AppError('changeRequestUnchanged', [fieldError('proposal', 'proposalUnchanged')]);
  }
  return changed;
}

/**
 * The card a change or withdrawal names: of this partnership's basket, visible to the actor (a case
 * manager proposes only about published cards) and not withdrawn. Otherwise a field error, so that
 * drafts of other institutions are not revealed.
 */
async function findTargetService(
  tx: Executor,
  actor: Actor,
  partnership: PartnershipAccessRecord,
  serviceId: string | null | undefined,
  options: { forUpdate?: boolean } = {},
): Promise<{ row: ServiceRow | null; errors: FieldError[] }> {
  if (!serviceId) return { row: null, errors: [fieldError('serviceId', 'required')] };
  const row = await unsafeFindServiceRow(tx, serviceId, options);
  const record = row
    ? ({ providerInstitutionId: row.providerInstitutionId, status: row.status } as ServiceRecord)
    : null;
  if (!row || row.partnershipId !== partnership.id || !canReadService(actor, partnership, record!)) {
    return { row: null, errors: [fieldError('serviceId', 'unknownService')] };
  }
  if (row.status === 'withdrawn') return { row: null, errors: [fieldError('serviceId', 'serviceWithdrawn')] };
  return { row, errors: [] };
}

/** Notifies users (except the actor, who knows already) in the transaction; returns the new ids. */
async function notify(
  tx: Executor,
  actor: Actor,
  userIds: readonly string[],
  kind: typeof changeRequestCreatedNotification,
  request: ChangeRequestRow,
  serviceName: string | null,
): Promise<string[]> {
  const partnershipName = await findPartnershipName(tx, request.partnershipId);
  return notifyUsers(
    tx,
    userIds.filter((id) => id !== actor.userId),
    kind,
    {
      requestId: request.id,
      requestKind: ChangeRequestKind.parse(request.kind),
      partnershipId: request.partnershipId,
      partnershipName,
      serviceName,
    },
  );
}

/** A partnership's requests, pending and decided, newest first; one audited read for the page. */
export async function listChangeRequests(db: Database, context: RequestContext, query: ListQuery) {
  const actor = requireActingActor(context);
  return withRecordRule(db, context, async (tx) => {
    const partnership = await findVisibleBasketPartnership(tx, actor, query.partnershipId, 'basketRequest.list');
    const { rows, total } = await findChangeRequestPage(tx, query);
    await recordAuditEvent(tx, context, {
      action: 'basketRequest.list',
      subjectType: 'partnership',
      subjectId: partnership.id,
      details: { count: rows.length, status: query.status ?? null },
    });
    const labels = await findValueLabels(
      tx,
      rows.map((row) => (row.proposal ?? {}) as Record<string, unknown>),
    );
    return {
      items: rows.map((row) =>
        presentChangeRequest(row, abilitiesFor(actor, partnership, row), {
          currentValues: null,
          changedSinceProposal: [],
          valueLabels: labelsOf(labels, (row.proposal ?? {}) as Record<string, unknown>),
        }),
      ),
      total,
      page: query.page,
      pageSize: query.pageSize,
    };
  });
}

export async function getChangeRequest(db: Database, context: RequestContext, id: string): Promise<ChangeRequest> {
  const actor = requireActingActor(context);
  return withRecordRule(db, context, async (tx) => {
    const { partnership } = await loadVisibleRequest(tx, actor, id, 'basketRequest.read', false);
    const presented = await presentById(tx, actor, partnership, id);
    // The live card beside the proposal may name a contact person: the read says it was shown.
    await recordAuditEvent(tx, context, {
      action: 'basketRequest.read',
      subjectType: SUBJECT_TYPE,
      subjectId: id,
      details: { withCurrentValues: presented.currentValues !== null },
    });
    return presented;
  });
}

/**
 * Proposes a new service, a change or a withdrawal. The proposal is checked now, so the coordinator
 * and the leader look at a card that could be applied as it stands; it is checked again on apply,
 * since the registry and the card may have changed meanwhile.
 */
export async function createChangeRequest(
  db: Database,
  context: RequestContext,
  input: CreateData,
  sentProposalFields: ReadonlySet<string>,
  mailer: Mailer | null,
): Promise<ChangeRequest> {
  const actor = requireActingActor(context);
  const { result, notificationIds } = await withRecordRule(db, context, async (tx) => {
    const partnership = await findVisibleBasketPartnership(tx, actor, input.partnershipId, 'basketRequest.create');
    if (!canProposeChange(actor, partnership)) {
      throw RecordRefusal.notAllowed({
        action: 'basketRequest.create',
        subjectType: 'partnership',
        subjectId: partnership.id,
      });
    }
    let serviceId: string | null = null;
    let serviceName: string;
    let proposal: Record<string, unknown> = {};
    let proposalBase: Record<string, unknown> | null = null;
    if (input.kind === 'newService') {
      const { card, errors } = await parseNewServiceProposal(tx, partnership, input.proposal);
      if (errors.length > 0) throw new AppError('validation', errors);
      requireNewServiceContact(card!);
      proposal = card!;
      serviceName = card!.name;
    } else {
      const target = await findTargetService(tx, actor, partnership, input.serviceId);
      if (target.errors.length > 0) throw new AppError('validation', target.errors);
      serviceId = target.row!.id;
      serviceName = target.row!.name;
      if (input.kind === 'change') {
        const sent = changePatchOf(input.proposal, sentProposalFields);
        if (Object.keys(sent).length === 0) throw new AppError('validation', [fieldError('proposal', 'proposalEmpty')]);
        const patch = changedOnly(target.row!, sent);
        const errors = await changeErrors(tx, partnership, target.row!, patch);
        if (errors.length > 0) throw new AppError('validation', errors);
        requireContactKept(target.row!, patch);
        proposal = patch;
        proposalBase = Object.fromEntries(
          Object.keys(patch).map((field) => [field, target.row![field as keyof ServiceRow] ?? null]),
        );
      }
    }
    const request = await insertChangeRequest(tx, {
      partnershipId: partnership.id,
      serviceId,
      kind: input.kind,
      proposal,
      proposalBase,
      justification: input.justification,
      requestedByUserId: actor.userId,
      requestedByInstitutionId: actor.membership!.institutionId,
    });
    // Field names only: proposed values may name a contact person.
    await recordAuditEvent(tx, context, {
      action: 'basketRequest.create',
      subjectType: SUBJECT_TYPE,
      subjectId: request.id,
      details: { partnershipId: partnership.id, kind: input.kind, serviceId, fields: Object.keys(proposal).sort() },
    });
    // Whoever may review it: the leader's network coordinators and the appointed ones.
    const reviewers = await findUsersWhoMayAct(tx, partnership, (candidate) =>
      canReviewChangeRequest(candidate, partnership),
    );
    const ids = await notify(tx, actor, reviewers, changeRequestCreatedNotification, request, serviceName);
    return { result: await presentById(tx, actor, partnership, request.id), notificationIds: ids };
  });
  await deliverNotificationEmails(db, mailer, notificationIds);
  return result;
}

/** The coordinator's review: a pending request moves on to the leader, with an optional note. */
export async function reviewChangeRequest(
  db: Database,
  context: RequestContext,
  id: string,
  input: ReviewData,
  mailer: Mailer | null,
): Promise<ChangeRequest> {
  const actor = requireActingActor(context);
  const { result, notificationIds } = await withRecordRule(db, context, async (tx) => {
    const { request, partnership } = await loadVisibleRequest(tx, actor, id, 'basketRequest.review', true);
    if (!canReviewChangeRequest(actor, partnership))
      throw RecordRefusal.notAllowed({ action: 'basketRequest.review', subjectType: SUBJECT_TYPE, subjectId: id });
    if (request.status !== 'pending') throw new AppError('changeRequestNotPending');
    await updateChangeRequest(tx, id, {
      status: 'reviewed',
      reviewedByUserId: actor.userId,
      reviewedAt: new Date(),
      reviewNote: input.note ?? null,
    });
    await recordAuditEvent(tx, context, {
      action: 'basketRequest.review',
      subjectType: SUBJECT_TYPE,
      subjectId: id,
      details: { partnershipId: partnership.id, kind: request.kind, hasNote: Boolean(input.note) },
    });
    const detail = await presentById(tx, actor, partnership, id);
    const deciders = await findUsersWhoMayAct(tx, partnership, (candidate) =>
      canDecideChangeRequest(candidate, partnership),
    );
    const ids = await notify(tx, actor, deciders, changeRequestReviewedNotification, request, detail.serviceName);
    return { result: detail, notificationIds: ids };
  });
  await deliverNotificationEmails(db, mailer, notificationIds);
  return result;
}

/**
 * Applies the request to the basket through the card store (one version row and audit event per
 * card change). Field errors of a proposal that is no longer valid (an archived provider, a member
 * that left) become a 422 whose fields are prefixed `proposal.`; the transaction rolls back, so the
 * request stays `reviewed` and the card as it was.
 */
async function applyToBasket(
  tx: Executor,
  context: RequestContext,
  actor: Actor,
  partnership: PartnershipAccessRecord,
  request: ChangeRequestRow,
  staleMonths: number,
): Promise<ServiceRow> {
  const proposal = (request.proposal ?? {}) as Record<string, unknown>;
  if (request.kind === 'newService') {
    const { card, errors } = await parseNewServiceProposal(tx, partnership, proposal);
    if (errors.length > 0) throw new AppError('changeRequestNotApplicable', errors);
    requireNewServiceContact(card!);
    return insertServiceCard(tx, context, partnership.id, card!, {
      status: 'published',
      event: 'changeRequestApplied',
    });
  }
  const target = await findTargetService(tx, actor, partnership, request.serviceId, { forUpdate: true });
  if (target.errors.length > 0) throw new AppError('changeRequestNotApplicable', target.errors);
  const current = target.row!;
  if (request.kind === 'withdrawal') {
    return updateServiceCard(
      tx,
      context,
      current,
      {},
      { status: 'withdrawn', event: 'withdrawn', reason: request.justification ?? undefined },
    );
  }
  const patch = changePatchOf(proposal, new Set(Object.keys(proposal)));
  const base = request.proposalBase as Record<string, unknown> | null;
  if (base) {
    const changedSince = Object.keys(patch).filter(
      (field) => JSON.stringify(current[field as keyof ServiceRow] ?? null) !== JSON.stringify(base[field] ?? null),
    );
    if (changedSince.length > 0) {
      throw new AppError(
        'changeRequestStale',
        changedSince.map((field) => fieldError(`proposal.${field}`, 'changedSinceProposal')),
      );
    }
  }
  const errors = await changeErrors(tx, partnership, current, patch);
  if (errors.length > 0) throw new AppError('changeRequestNotApplicable', errors);
  requireContactKept(current, patch);
  const changed = await updateServiceCard(tx, context, current, patch, { event: 'changeRequestApplied' });
  // The leader has just looked the card over: a card "Do potwierdzenia" is confirmed as current,
  // as its own "confirm" transition does (a version row and service.confirmed of its own).
  return isStaleCard(current, staleMonths) ? confirmServiceCard(tx, context, changed) : changed;
}

/** The leader's decision on a reviewed request: apply it to the basket, or refuse it with a reason. */
export async function decideChangeRequest(
  db: Database,
  context: RequestContext,
  id: string,
  input: DecideData,
  mailer: Mailer | null,
  staleMonths: number,
): Promise<ChangeRequest> {
  const actor = requireActingActor(context);
  const { result, notificationIds } = await withRecordRule(db, context, async (tx) => {
    const { request, partnership } = await loadVisibleRequest(tx, actor, id, 'basketRequest.decide', true);
    if (!canDecideChangeRequest(actor, partnership))
      throw RecordRefusal.notAllowed({ action: 'basketRequest.decide', subjectType: SUBJECT_TYPE, subjectId: id });
    if (request.status !== 'reviewed') throw new AppError('changeRequestNotReviewed');
    const isApplied = input.decision === 'apply';
    if (!isApplied && !input.reason) throw new AppError('validation', [fieldError('reason', 'reasonRequired')]);
    const card = isApplied ? await applyToBasket(tx, context, actor, partnership, request, staleMonths) : null;
    await updateChangeRequest(tx, id, {
      status: isApplied ? 'applied' : 'refused',
      decidedByUserId: actor.userId,
      decidedAt: new Date(),
      decisionReason: input.reason ?? null,
      resultServiceId: card?.id ?? null,
    });
    await recordAuditEvent(tx, context, {
      action: isApplied ? 'basketRequest.apply' : 'basketRequest.refuse',
      subjectType: SUBJECT_TYPE,
      subjectId: id,
      details: {
        partnershipId: partnership.id,
        kind: request.kind,
        ...(card ? { resultServiceId: card.id, serviceVersion: card.version } : {}),
      },
    });
    const detail = await presentById(tx, actor, partnership, id);
    const ids = await notify(
      tx,
      actor,
      [request.requestedByUserId],
      isApplied ? changeRequestAppliedNotification : changeRequestRefusedNotification,
      request,
      detail.serviceName,
    );
    return { result: detail, notificationIds: ids };
  });
  await deliverNotificationEmails(db, mailer, notificationIds);
  return result;
}
