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
  buildStaleServiceCard,
  buildUser,
  signInAs,
} from '../../testing/factories.js';
import { createTestContext, TestClient, type TestContext } from '../../testing/test-app.js';
import { serviceCardFields, type ChangeRequest, type Service } from '../../../../shared/src/contracts/basket.js';

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

describe('change requests: deliberate decisions (issue 8)', () => {
  it('every field of a card can be proposed and is applied as proposed', async () => {
    const card = await publishedCard({ name: 'Świetlica szkolna', schedule: 'pn. 12–16' });
    const proposal = {
      name: 'Świetlica środowiskowa „Promyk”',
      description: 'Zajęcia popołudniowe dla dzieci i młodzieży: odrabianie lekcji, gry, posiłek.',
      providerInstitutionId: leaderId,
      providerName: 'Klub „Przystań”',
      origin: 'neighbourhood',
      cooperationAreas: ['health'],
      targetGroups: ['youth'],
      isCompound: true,
      isReferralRequired: true,
      referralBy: 'Pedagog szkolny',
      accessDescription: 'Zapisy telefoniczne.',
      eligibility: 'Uczniowie klas 4–8.',
      cost: 'paid',
      costDescription: '20 zł za spotkanie',
      locationKind: 'atHome',
      street: 'ul. Zgierska 2',
      postalCode: '91-001',
      city: 'Zgierz',
      territoryCode: null,
      reachKind: 'powiat',
      reachCodes: ['1061'],
      schedule: 'wt. i czw. 15:00–18:00',
      capacity: '2 grupy po 10 osób',
      waitingTimeDays: 14,
      contactName: 'Jan Nowak',
      contactPhone: '42 700 00 00',
      contactEmail: 'jan.nowak@example.pl',
      languages: ['pl', 'uk'],
      isAccessible: true,
      accessibilityDescription: 'Winda i podjazd.',
    };
    expect(Object.keys(proposal).sort()).toEqual([...serviceCardFields].sort());
    const created = await proposeOk(caseManager, { kind: 'change', serviceId: card.id, proposal });
    expect(Object.keys(created.proposal).sort()).toEqual([...serviceCardFields].sort());
    await review(created.id);
    const decided = await decide(director, created.id, 'apply');
    expect(decided.statusCode, decided.body).toBe(200);
    // The stored card (the response names a registry provider by its registry name instead).
    const [after] = await context.database.db.select().from(services).where(eq(services.id, card.id));
    for (const field of serviceCardFields) expect(after![field], field).toEqual(created.proposal[field]);
    expect(after!.version).toBe(card.version + 1);
  });

  it('a proposal that changes nothing is refused (422 changeRequestUnchanged); unchanged fields are not proposed', async () => {
    const card = await publishedCard({ name: 'Dyżur psychologa', schedule: 'pn. 9–12' });
    const unchanged = await propose(caseManager, {
      kind: 'change',
      serviceId: card.id,
      proposal: { name: card.name, schedule: card.schedule, languages: card.languages },
    });
    expect(unchanged.statusCode, unchanged.body).toBe(422);
    expect(unchanged.json()).toMatchObject({ code: 'changeRequestUnchanged' });
    expect(unchanged.json().messages.pl).toContain('nie zmienia żadnego pola');
    expect(unchanged.json().errors).toEqual([
      expect.objectContaining({ field: 'proposal', code: 'proposalUnchanged' }),
    ]);

    const partly = await proposeOk(caseManager, {
      kind: 'change',
      serviceId: card.id,
      proposal: { name: card.name, schedule: 'pn. 9–14' },
    });
    expect(partly.proposal).toEqual({ schedule: 'pn. 9–14' });
  });

  it('the single read shows the card’s live values beside the proposal to reviewers and deciders only', async () => {
    const card = await publishedCard({
      name: 'Konsultacje logopedy',
      contactPhone: '42 111 22 33',
      schedule: 'śr. 10–12',
    });
    const created = await proposeOk(caseManager, {
      kind: 'change',
      serviceId: card.id,
      proposal: { contactPhone: '42 444 55 66', schedule: 'śr. 10–14', targetGroups: ['children'] },
    });
    expect(created.currentValues).toBeNull();
    expect(created.serviceStatus).toBe('published');

    const asCoordinator = (
      await coordinator.get(`/api/v1/basket-change-requests/${created.id}`)
    ).json() as ChangeRequest;
    expect(asCoordinator.currentValues).toEqual({
      contactPhone: card.contactPhone,
      schedule: 'śr. 10–12',
      targetGroups: card.targetGroups,
    });
    expect(asCoordinator.changedSinceProposal).toEqual([]);
    const asDirector = (await director.get(`/api/v1/basket-change-requests/${created.id}`)).json() as ChangeRequest;
    expect(asDirector.currentValues).toMatchObject({ schedule: 'śr. 10–12' });

    // The proposer and other members see the request, not the card beside it; outsiders see nothing.
    for (const client of [caseManager, schoolRep]) {
      const response = await client.get(`/api/v1/basket-change-requests/${created.id}`);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ currentValues: null, changedSinceProposal: [] });
    }
    expect((await outsider.get(`/api/v1/basket-change-requests/${created.id}`)).statusCode).toBe(404);
    const list = await coordinator.get(`/api/v1/basket-change-requests?partnershipId=${partnershipId}`);
    expect((list.json().items as ChangeRequest[]).every((item) => item.currentValues === null)).toBe(true);

    // The card changes after the request: the live value is shown and flagged.
    const edited = await schoolRep.patch(`/api/v1/services/${card.id}`, {
      version: card.version,
      schedule: 'śr. 8–10',
    });
    expect(edited.statusCode, edited.body).toBe(200);
    const live = (await coordinator.get(`/api/v1/basket-change-requests/${created.id}`)).json() as ChangeRequest;
    expect(live.currentValues).toMatchObject({ schedule: 'śr. 8–10' });
    expect(live.changedSinceProposal).toEqual(['schedule']);

    const reads = await context.database.db
      .select({ details: auditEvents.details, actorUserId: auditEvents.actorUserId })
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectId, created.id), eq(auditEvents.action, 'basketRequest.read')));
    expect(reads.filter((r) => (r.details as { withCurrentValues?: boolean }).withCurrentValues)).toHaveLength(3);
    expect(
      reads.filter((r) => (r.details as { withCurrentValues?: boolean }).withCurrentValues === false),
    ).toHaveLength(2);
  });

  it('names registry providers and TERYT units of a proposal in words', async () => {
    const card = await publishedCard({ name: 'Porady prawne' });
    const created = await proposeOk(caseManager, {
      kind: 'change',
      serviceId: card.id,
      proposal: { providerInstitutionId: leaderId, reachKind: 'powiat', reachCodes: ['1061'] },
    });
    const read = (await coordinator.get(`/api/v1/basket-change-requests/${created.id}`)).json() as ChangeRequest;
    expect(read.valueLabels[leaderId]).toBeTruthy();
    expect(read.valueLabels[schoolId]).toBe('Szkoła Podstawowa nr 7 w Łodzi');
    expect(read.valueLabels['1061']).toBeTruthy();
  });
});

describe('a published card names a way to contact its provider', () => {
  const noContact = { contactName: null, contactPhone: null, contactEmail: null };
  const contactErrors = [
    expect.objectContaining({ field: 'contactPhone', code: 'contactRequired' }),
    expect.objectContaining({ field: 'contactEmail', code: 'contactRequired' }),
    expect.objectContaining({ field: 'contactName', code: 'contactRequired' }),
  ];
  const prefixedErrors = ['contactPhone', 'contactEmail', 'contactName'].map((field) =>
    expect.objectContaining({ field: `proposal.${field}`, code: 'contactRequired' }),
  );

  it('the publish transition refuses a card without phone, e-mail and contact person (422, the fields named)', async () => {
    const created = await coordinator.post('/api/v1/services', {
      partnershipId,
      ...partnerCard({ name: 'Karta bez kontaktu', ...noContact }),
    });
    expect(created.statusCode, created.body).toBe(201);
    const draft = created.json() as Service;
    const refused = await coordinator.post(`/api/v1/services/${draft.id}/transitions`, {
      action: 'publish',
      version: draft.version,
    });
    expect(refused.statusCode, refused.body).toBe(422);
    expect(refused.json()).toMatchObject({ code: 'serviceContactRequired' });
    expect(refused.json().errors).toEqual(contactErrors);
    const [row] = await context.database.db.select().from(services).where(eq(services.id, draft.id));
    expect(row).toMatchObject({ status: 'draft', version: draft.version });

    // An e-mail alone is enough.
    const withEmail = await coordinator.patch(`/api/v1/services/${draft.id}`, {
      version: draft.version,
      contactEmail: 'poradnia@example.pl',
    });
    expect(withEmail.statusCode, withEmail.body).toBe(200);
    const published = await coordinator.post(`/api/v1/services/${draft.id}/transitions`, {
      action: 'publish',
      version: (withEmail.json() as Service).version,
    });
    expect(published.statusCode, published.body).toBe(200);
  });

  it('the card form cannot empty the contact of a published card', async () => {
    const card = await publishedCard({ name: 'Karta z kontaktem', contactEmail: null });
    const emptied = await coordinator.patch(`/api/v1/services/${card.id}`, { version: card.version, ...noContact });
    expect(emptied.statusCode, emptied.body).toBe(422);
    expect(emptied.json().errors).toEqual(contactErrors);
  });

  it('a change request for a new service without contact, or one emptying a published card’s contact, is refused', async () => {
    const newService = await propose(caseManager, {
      kind: 'newService',
      proposal: newCard({ name: 'Grupa bez kontaktu', ...noContact }),
    });
    expect(newService.statusCode, newService.body).toBe(422);
    expect(newService.json()).toMatchObject({ code: 'serviceContactRequired' });
    expect(newService.json().errors).toEqual(prefixedErrors);

    const card = await publishedCard({ name: 'Konsultacje dietetyka', contactEmail: null });
    const emptying = await propose(caseManager, {
      kind: 'change',
      serviceId: card.id,
      proposal: { contactName: null, contactPhone: null },
    });
    expect(emptying.statusCode, emptying.body).toBe(422);
    expect(emptying.json().errors).toEqual(prefixedErrors);
  });

  it('applying a change that would leave a published card without contact is refused; the request stays reviewed', async () => {
    const db = context.database.db;
    const card = await publishedCard({ name: 'Terapia zajęciowa', contactEmail: null });
    const request = await proposeOk(caseManager, {
      kind: 'change',
      serviceId: card.id,
      proposal: { contactPhone: null },
    });
    await review(request.id);
    // Meanwhile the school removes the contact person: the phone was the last contact left.
    const edited = await schoolRep.patch(`/api/v1/services/${card.id}`, { version: card.version, contactName: null });
    expect(edited.statusCode, edited.body).toBe(200);
    const applied = await decide(director, request.id, 'apply');
    expect(applied.statusCode, applied.body).toBe(422);
    expect(applied.json()).toMatchObject({ code: 'serviceContactRequired' });
    expect(applied.json().errors).toEqual(prefixedErrors);
    const [row] = await db.select().from(basketChangeRequests).where(eq(basketChangeRequests.id, request.id));
    expect(row).toMatchObject({ status: 'reviewed', decidedAt: null });
    expect((await db.select().from(services).where(eq(services.id, card.id)))[0]!.contactPhone).not.toBeNull();
  });
});

describe('an applied change confirms a stale card ("Do potwierdzenia")', () => {
  it('sets the last-confirmed date as the confirm transition does, with its own version and audit event', async () => {
    const db = context.database.db;
    const stale = await buildStaleServiceCard(db, partnershipId, {
      name: 'Poradnictwo rodzinne nieaktualne',
      providerName: 'Poradnia „Most”',
      origin: 'neighbourhood',
    });
    const before = (await coordinator.get(`/api/v1/services/${stale.id}`)).json() as Service;
    expect(before.isStale).toBe(true);
    const request = await proposeOk(caseManager, {
      kind: 'change',
      serviceId: stale.id,
      proposal: { schedule: 'pn.–pt. 9:00–17:00' },
    });
    await review(request.id);
    const applied = await decide(director, request.id, 'apply');
    expect(applied.statusCode, applied.body).toBe(200);

    const after = (await coordinator.get(`/api/v1/services/${stale.id}`)).json() as Service;
    expect(after).toMatchObject({ isStale: false, schedule: 'pn.–pt. 9:00–17:00' });
    expect(Date.now() - new Date(after.lastConfirmedAt!).getTime()).toBeLessThan(60_000);
    const versions = await db
      .select({ event: serviceVersions.event })
      .from(serviceVersions)
      .where(eq(serviceVersions.serviceId, stale.id))
      .orderBy(asc(serviceVersions.version));
    expect(versions.map((v) => v.event)).toEqual(['created', 'changeRequestApplied', 'confirmed']);
    expect(await auditActions(stale.id)).toEqual(
      expect.arrayContaining(['service.changeRequestApplied', 'service.confirmed']),
    );
  });
});
