import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditEvents,
  basketChangeRequests,
  institutions,
  notifications,
  partnershipMembers,
  serviceVersions,
  services,
  users,
} from '../../platform/db/tables.js';
import {
  GMINA_LODZ,
  TEST_PASSWORD,
  buildInstitution,
  buildPartnership,
  buildUser,
  signInAs,
} from '../../testing/factories.js';
import { createTestContext, TestClient, type TestContext } from '../../testing/test-app.js';
import type { ChangeRequest, Service } from '../../../../shared/src/contracts/basket.js';

let context: TestContext;
let partnershipId: string;
let leaderId: string;
let schoolId: string;
let coordinatorUserId: string;
let directorUserId: string;
let caseManagerUserId: string;
let coordinator: TestClient;
let director: TestClient;
let schoolRep: TestClient;
let caseManager: TestClient;
let outsider: TestClient;

const newCard = (overrides: Record<string, unknown> = {}) => ({
  name: 'Grupa wsparcia dla opiekunów osób starszych',
  description: 'Spotkania grupy samopomocowej raz w tygodniu w domu kultury; rozmowa, wymiana doświadczeń.',
  providerName: 'Stowarzyszenie „Razem” z Bałut',
  origin: 'selfHelp',
  cooperationAreas: ['socialAssistance'],
  targetGroups: ['caregivers', 'seniors'],
  cost: 'free',
  locationKind: 'address',
  city: 'Łódź',
  territoryCode: GMINA_LODZ,
  reachKind: 'gminas',
  reachCodes: [GMINA_LODZ],
  contactName: 'Halina Wójcik',
  contactPhone: '42 611 22 33',
  ...overrides,
});

const partnerCard = (overrides: Record<string, unknown> = {}) =>
  newCard({
    name: 'Konsultacje pedagoga dla rodziców',
    providerName: null,
    providerInstitutionId: schoolId,
    origin: 'partner',
    cooperationAreas: ['education'],
    targetGroups: ['families', 'children'],
    ...overrides,
  });

async function signInUser(userId: string): Promise<TestClient> {
  const [user] = await context.database.db.select().from(users).where(eq(users.id, userId));
  return new TestClient(context).signIn(user!.email, TEST_PASSWORD);
}

async function propose(client: TestClient, body: Record<string, unknown>) {
  return client.post('/api/v1/basket-change-requests', { partnershipId, justification: 'Zgłoszenie z ZZK', ...body });
}

async function proposeOk(client: TestClient, body: Record<string, unknown>): Promise<ChangeRequest> {
  const response = await propose(client, body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as ChangeRequest;
}

async function review(id: string, note?: string): Promise<ChangeRequest> {
  const response = await coordinator.post(`/api/v1/basket-change-requests/${id}/review`, note ? { note } : {});
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as ChangeRequest;
}

const decide = (client: TestClient, id: string, decision: 'apply' | 'refuse', reason?: string) =>
  client.post(`/api/v1/basket-change-requests/${id}/decision`, reason ? { decision, reason } : { decision });

/** A published card of the school, made through the card form by the coordinator. */
async function publishedCard(overrides: Record<string, unknown> = {}): Promise<Service> {
  const created = await coordinator.post('/api/v1/services', { partnershipId, ...partnerCard(overrides) });
  expect(created.statusCode, created.body).toBe(201);
  const draft = created.json() as Service;
  const published = await coordinator.post(`/api/v1/services/${draft.id}/transitions`, {
    action: 'publish',
    version: draft.version,
  });
  expect(published.statusCode, published.body).toBe(200);
  return published.json() as Service;
}

async function notificationKinds(userId: string): Promise<string[]> {
  const rows = await context.database.db
    .select({ kind: notifications.kind })
    .from(notifications)
    .where(eq(notifications.userId, userId))
    .orderBy(asc(notifications.createdAt));
  return rows.map((r) => r.kind);
}

async function auditActions(subjectId: string): Promise<string[]> {
  const rows = await context.database.db
    .select({ action: auditEvents.action, outcome: auditEvents.outcome })
    .from(auditEvents)
    .where(eq(auditEvents.subjectId, subjectId))
    .orderBy(asc(auditEvents.id));
  return rows.map((r) => (r.outcome === 'success' ? r.action : `${r.action}:${r.outcome}`));
}

beforeAll(async () => {
  context = await createTestContext();
  const db = context.database.db;
  const partnership = await buildPartnership(db, { name: 'PZK Łódź Bałuty' });
  partnershipId = partnership.id;
  leaderId = partnership.leaderInstitutionId;
  coordinatorUserId = partnership.coordinatorUserId;
  coordinator = await signInUser(coordinatorUserId);
  schoolId = (await buildInstitution(db, { kind: 'school', name: 'Szkoła Podstawowa nr 7 w Łodzi' })).id;
  await db
    .insert(partnershipMembers)
    .values({ partnershipId, institutionId: schoolId, status: 'declared', declarationDate: '2026-02-01' });
  const directorSignIn = await signInAs(context, 'director', { institutionId: leaderId });
  director = directorSignIn.client;
  directorUserId = directorSignIn.user.id;
  schoolRep = (await signInAs(context, 'partnerRepresentative', { institutionId: schoolId })).client;
  const caseManagerSignIn = await signInAs(context, 'caseManager', { institutionId: leaderId });
  caseManager = caseManagerSignIn.client;
  caseManagerUserId = caseManagerSignIn.user.id;
  outsider = (await signInAs(context, 'director')).client;
});

afterAll(async () => {
  await context?.close();
});

describe('change requests: the workflow', () => {
  it('a case manager proposes a self-help service, the coordinator reviews, the director applies: it is published', async () => {
    const created = await proposeOk(caseManager, { kind: 'newService', proposal: newCard() });
    expect(created).toMatchObject({
      status: 'pending',
      kind: 'newService',
      serviceId: null,
      serviceName: 'Grupa wsparcia dla opiekunów osób starszych',
      requestedByInstitutionName: expect.any(String),
      abilities: { canReview: false, canDecide: false },
    });
    expect(created.proposal).toMatchObject({ origin: 'selfHelp', languages: ['pl'] });
    expect(await notificationKinds(coordinatorUserId)).toContain('basket.changeRequestCreated');

    const asCoordinator = (await coordinator.get(`/api/v1/basket-change-requests/${created.id}`)).json();
    expect(asCoordinator.abilities).toEqual({ canReview: true, canDecide: false });
    const reviewed = await review(created.id, 'Sprawdzone z pracownikiem socjalnym.');
    expect(reviewed).toMatchObject({ status: 'reviewed', reviewNote: 'Sprawdzone z pracownikiem socjalnym.' });
    expect(reviewed.reviewedByDisplayName).toBeTruthy();
    expect(await notificationKinds(directorUserId)).toContain('basket.changeRequestReviewed');

    const decided = await decide(director, created.id, 'apply');
    expect(decided.statusCode, decided.body).toBe(200);
    const applied = decided.json() as ChangeRequest;
    expect(applied).toMatchObject({ status: 'applied', abilities: { canReview: false, canDecide: false } });
    expect(applied.resultServiceId).toBeTruthy();
    expect(applied.decidedAt).toBeTruthy();

    const db = context.database.db;
    const [service] = await db.select().from(services).where(eq(services.id, applied.resultServiceId!));
    expect(service).toMatchObject({ status: 'published', origin: 'selfHelp', partnershipId, version: 1 });
    expect(service!.lastConfirmedAt).not.toBeNull();
    const versions = await db.select().from(serviceVersions).where(eq(serviceVersions.serviceId, service!.id));
    expect(versions.map((v) => v.event)).toEqual(['changeRequestApplied']);
    // Everyone in the partnership finds it in the basket now.
    const found = await caseManager.get(`/api/v1/services/${service!.id}`);
    expect(found.statusCode).toBe(200);

    expect(await notificationKinds(caseManagerUserId)).toContain('basket.changeRequestApplied');
    expect(await auditActions(created.id)).toEqual([
      'basketRequest.create',
      'basketRequest.read',
      'basketRequest.review',
      'basketRequest.apply',
    ]);
    const [rowAudit] = await db
      .select({ details: auditEvents.details })
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectId, created.id), eq(auditEvents.action, 'basketRequest.create')));
    // Field names only: the proposed contact person is not copied into the audit log.
    expect(JSON.stringify(rowAudit!.details)).not.toContain('Halina');
  });

  it('applying a change changes only the proposed fields and bumps the card’s version', async () => {
    const card = await publishedCard({ languages: ['pl', 'uk'], isAccessible: true, name: 'Dyżur pedagoga' });
    const created = await proposeOk(schoolRep, {
      kind: 'change',
      serviceId: card.id,
      proposal: { schedule: 'wt. i czw. 15:00–18:00' },
    });
    // The form defaults of the partial card are not proposed changes.
    expect(created.proposal).toEqual({ schedule: 'wt. i czw. 15:00–18:00' });
    expect(created.serviceName).toBe('Dyżur pedagoga');
    await review(created.id);
    const decided = await decide(director, created.id, 'apply');
    expect(decided.statusCode, decided.body).toBe(200);
    expect(decided.json()).toMatchObject({ status: 'applied', resultServiceId: card.id });

    const after = (await coordinator.get(`/api/v1/services/${card.id}`)).json() as Service;
    expect(after).toMatchObject({
      schedule: 'wt. i czw. 15:00–18:00',
      languages: ['pl', 'uk'],
      isAccessible: true,
      version: card.version + 1,
    });
    const [version] = await context.database.db
      .select()
      .from(serviceVersions)
      .where(and(eq(serviceVersions.serviceId, card.id), eq(serviceVersions.version, card.version + 1)));
    expect(version).toMatchObject({ event: 'changeRequestApplied', changedFields: ['schedule'] });
  });

  it('applying a withdrawal withdraws the card; refusing needs a reason and tells the requester', async () => {
    const card = await publishedCard({ name: 'Zajęcia logopedyczne' });
    const withdrawal = await proposeOk(caseManager, { kind: 'withdrawal', serviceId: card.id });
    await review(withdrawal.id);
    expect((await decide(director, withdrawal.id, 'apply')).statusCode).toBe(200);
    const [row] = await context.database.db.select().from(services).where(eq(services.id, card.id));
    expect(row!.status).toBe('withdrawn');

    const other = await publishedCard({ name: 'Zajęcia sportowe' });
    const refusedRequest = await proposeOk(caseManager, { kind: 'withdrawal', serviceId: other.id });
    await review(refusedRequest.id);
    const withoutReason = await decide(director, refusedRequest.id, 'refuse');
    expect(withoutReason.statusCode).toBe(400);
    expect(withoutReason.json().errors).toEqual([expect.objectContaining({ field: 'reason', code: 'reasonRequired' })]);
    const refused = await decide(director, refusedRequest.id, 'refuse', 'Usługa jest nadal realizowana.');
    expect(refused.statusCode, refused.body).toBe(200);
    expect(refused.json()).toMatchObject({ status: 'refused', decisionReason: 'Usługa jest nadal realizowana.' });
    const [unchanged] = await context.database.db.select().from(services).where(eq(services.id, other.id));
    expect(unchanged!.status).toBe('published');
    expect(await notificationKinds(caseManagerUserId)).toContain('basket.changeRequestRefused');
    expect(await auditActions(refusedRequest.id)).toContain('basketRequest.refuse');
  });

  it('lists the partnership’s requests, filtered by status, newest first', async () => {
    const pending = await proposeOk(schoolRep, { kind: 'newService', proposal: newCard({ name: 'Klub seniora' }) });
    const all = await caseManager.get(`/api/v1/basket-change-requests?partnershipId=${partnershipId}`);
    expect(all.statusCode).toBe(200);
    expect(all.json().items[0].id).toBe(pending.id);
    const decided = await caseManager.get(
      `/api/v1/basket-change-requests?partnershipId=${partnershipId}&status=applied&status=refused`,
    );
    const statuses = (decided.json().items as ChangeRequest[]).map((r) => r.status);
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 'applied' || s === 'refused')).toBe(true);
    const onlyPending = await caseManager.get(
      `/api/v1/basket-change-requests?partnershipId=${partnershipId}&status=pending`,
    );
    expect((onlyPending.json().items as ChangeRequest[]).map((r) => r.id)).toContain(pending.id);
    expect((onlyPending.json().items as ChangeRequest[]).every((r) => r.status === 'pending')).toBe(true);
  });
});

describe('change requests: refusals', () => {
  it('a user outside the partnership cannot propose, list or read (404)', async () => {
    expect((await propose(outsider, { kind: 'newService', proposal: newCard() })).statusCode).toBe(404);
    expect((await outsider.get(`/api/v1/basket-change-requests?partnershipId=${partnershipId}`)).statusCode).toBe(404);
    const mine = await proposeOk(caseManager, { kind: 'newService', proposal: newCard({ name: 'Punkt porad' }) });
    expect((await outsider.get(`/api/v1/basket-change-requests/${mine.id}`)).statusCode).toBe(404);
    expect((await outsider.post(`/api/v1/basket-change-requests/${mine.id}/review`, {})).statusCode).toBe(404);
  });

  it('a case manager cannot review, a coordinator cannot decide, an unreviewed request cannot be decided', async () => {
    const created = await proposeOk(caseManager, { kind: 'newService', proposal: newCard({ name: 'Kawiarenka' }) });
    const byCaseManager = await caseManager.post(`/api/v1/basket-change-requests/${created.id}/review`, {});
    expect(byCaseManager.statusCode).toBe(403);
    expect(await auditActions(created.id)).toContain('basketRequest.review:denied');

    const unreviewed = await decide(director, created.id, 'apply');
    expect(unreviewed.statusCode).toBe(409);
    expect(unreviewed.json().code).toBe('changeRequestNotReviewed');

    await review(created.id);
    const again = await coordinator.post(`/api/v1/basket-change-requests/${created.id}/review`, {});
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('changeRequestNotPending');
    expect((await decide(coordinator, created.id, 'apply')).statusCode).toBe(403);
    expect((await decide(schoolRep, created.id, 'apply')).statusCode).toBe(403);

    expect((await decide(director, created.id, 'apply')).statusCode).toBe(200);
    const twice = await decide(director, created.id, 'refuse', 'Jednak nie.');
    expect(twice.statusCode).toBe(409);
    const [row] = await context.database.db
      .select()
      .from(basketChangeRequests)
      .where(eq(basketChangeRequests.id, created.id));
    expect(row!.status).toBe('applied');
  });

  it('checks proposals: a whole card for a new service, a card of this basket and some field for a change', async () => {
    const incomplete = await propose(caseManager, { kind: 'newService', proposal: { name: 'Tylko nazwa' } });
    expect(incomplete.statusCode).toBe(400);
    const fields = (incomplete.json().errors as Array<{ field: string }>).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['proposal.description', 'proposal.origin', 'proposal.cost']));

    const noProvider = await propose(caseManager, {
      kind: 'newService',
      proposal: newCard({ providerName: null, origin: 'neighbourhood' }),
    });
    expect(noProvider.statusCode).toBe(400);
    expect(noProvider.json().errors).toEqual([
      expect.objectContaining({ field: 'proposal.providerName', code: 'providerRequired' }),
    ]);

    const unknownField = await propose(caseManager, { kind: 'newService', proposal: { ...newCard(), status: 'x' } });
    expect(unknownField.statusCode).toBe(400);

    const noService = await propose(caseManager, { kind: 'change', proposal: { schedule: 'pon.' } });
    expect(noService.json().errors).toEqual([expect.objectContaining({ field: 'serviceId', code: 'required' })]);

    const card = await publishedCard({ name: 'Poradnia rodzinna' });
    const empty = await propose(caseManager, { kind: 'change', serviceId: card.id, proposal: {} });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().errors).toEqual([expect.objectContaining({ field: 'proposal', code: 'proposalEmpty' })]);

    const elsewhere = await buildPartnership(context.database.db);
    const foreignCard = await context.database.db
      .insert(services)
      .values({
        partnershipId: elsewhere.id,
        name: 'Usługa innego PZK',
        description: 'Opis',
        origin: 'selfHelp',
        providerName: 'Grupa',
        cost: 'free',
        locationKind: 'remote',
        reachKind: 'gminas',
        reachCodes: [GMINA_LODZ],
        status: 'published',
        searchText: 'usluga',
      })
      .returning();
    const foreign = await propose(caseManager, {
      kind: 'withdrawal',
      serviceId: foreignCard[0]!.id,
    });
    expect(foreign.json().errors).toEqual([expect.objectContaining({ field: 'serviceId', code: 'unknownService' })]);
  });

  it('a proposal that became invalid is not applied: 422, the request stays reviewed, nothing is written', async () => {
    const db = context.database.db;
    const provider = await buildInstitution(db, { kind: 'ngo', name: 'Fundacja „Dobry Start”' });
    await db
      .insert(partnershipMembers)
      .values({ partnershipId, institutionId: provider.id, status: 'declared', declarationDate: '2026-03-01' });
    const newRequest = await proposeOk(caseManager, {
      kind: 'newService',
      proposal: partnerCard({ name: 'Mentoring dla młodzieży', providerInstitutionId: provider.id }),
    });
    const card = await publishedCard({ name: 'Korepetycje', providerInstitutionId: provider.id });
    const changeRequest = await proposeOk(caseManager, {
      kind: 'change',
      serviceId: card.id,
      proposal: { name: 'Korepetycje z matematyki' },
    });
    await review(newRequest.id);
    await review(changeRequest.id);
    await db.update(institutions).set({ archivedAt: new Date() }).where(eq(institutions.id, provider.id));

    for (const request of [newRequest, changeRequest]) {
      const response = await decide(director, request.id, 'apply');
      expect(response.statusCode, response.body).toBe(422);
      expect(response.json()).toMatchObject({ code: 'changeRequestNotApplicable' });
      expect(response.json().errors).toEqual([
        expect.objectContaining({ field: 'proposal.providerInstitutionId', code: 'unknownInstitution' }),
      ]);
      const [row] = await db.select().from(basketChangeRequests).where(eq(basketChangeRequests.id, request.id));
      expect(row).toMatchObject({ status: 'reviewed', decidedAt: null, resultServiceId: null });
      expect(await auditActions(request.id)).not.toContain('basketRequest.apply');
    }
    expect(await db.select().from(services).where(eq(services.name, 'Mentoring dla młodzieży'))).toEqual([]);
    const [unchanged] = await db.select().from(services).where(eq(services.id, card.id));
    expect(unchanged).toMatchObject({ name: 'Korepetycje', version: card.version });

    // Refusing still works: the leader can close a request that can no longer be applied.
    expect((await decide(director, newRequest.id, 'refuse', 'Realizator zakończył działalność.')).statusCode).toBe(200);
  });

  it('is not applied over a newer edit of the fields it proposes (409, nothing written); other edits do not block', async () => {
    const db = context.database.db;
    const card = await publishedCard({ name: 'Pedagog szkolny – dyżury', contactPhone: '42 111 11 11' });
    const stale = await proposeOk(caseManager, {
      kind: 'change',
      serviceId: card.id,
      proposal: { contactPhone: '42 222 22 22' },
    });
    const other = await proposeOk(caseManager, {
      kind: 'change',
      serviceId: card.id,
      proposal: { schedule: 'pn.–pt. 8:00–15:00' },
    });
    await review(stale.id);
    await review(other.id);
    // The school corrects the phone itself after the request was made.
    const edited = await schoolRep.patch(`/api/v1/services/${card.id}`, {
      version: card.version,
      contactPhone: '42 333 33 33',
    });
    expect(edited.statusCode, edited.body).toBe(200);

    const refused = await decide(director, stale.id, 'apply');
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'changeRequestStale' });
    expect(refused.json().errors).toEqual([
      expect.objectContaining({ field: 'proposal.contactPhone', code: 'changedSinceProposal' }),
    ]);
    const [row] = await db.select().from(basketChangeRequests).where(eq(basketChangeRequests.id, stale.id));
    expect(row).toMatchObject({ status: 'reviewed', decidedAt: null });
    expect((await db.select().from(services).where(eq(services.id, card.id)))[0]).toMatchObject({
      contactPhone: '42 333 33 33',
    });

    // A request about another field still applies on top of the school's edit.
    const applied = await decide(director, other.id, 'apply');
    expect(applied.statusCode, applied.body).toBe(200);
    expect((await db.select().from(services).where(eq(services.id, card.id)))[0]).toMatchObject({
      contactPhone: '42 333 33 33',
      schedule: 'pn.–pt. 8:00–15:00',
    });
  });

  it('a partner card proposed for a provider outside the partnership is refused (providerNotMember)', async () => {
    const stranger = await buildInstitution(context.database.db, { kind: 'ngo' });
    const response = await propose(schoolRep, {
      kind: 'newService',
      proposal: partnerCard({ providerInstitutionId: stranger.id }),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([
      expect.objectContaining({ field: 'proposal.providerInstitutionId', code: 'providerNotMember' }),
    ]);
  });

  it('a deactivated requester gets no e-mail and the workflow still completes', async () => {
    const db = context.database.db;
    const user = await buildUser(db, { role: 'specialist', institutionId: schoolId });
    const client = await new TestClient(context).signIn(user.email, user.password);
    const created = await proposeOk(client, { kind: 'newService', proposal: newCard({ name: 'Telefon zaufania' }) });
    await db.update(users).set({ isActive: false }).where(eq(users.id, user.id));
    await review(created.id);
    expect((await decide(director, created.id, 'apply')).statusCode).toBe(200);
    const rows = await db.select().from(notifications).where(eq(notifications.userId, user.id));
    expect(rows.map((r) => [r.kind, r.emailedAt])).toEqual([['basket.changeRequestApplied', null]]);
  });
});
