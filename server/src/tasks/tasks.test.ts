/**
 * "Do zrobienia" over HTTP on the real database: per role, who sees which basket items and who does
 * not, with counts. One partnership (PZK Łódź Bałuty: an OPS leads, a school takes part) and a second
 * one led by another OPS, so nothing crosses between partnerships.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partnershipMembers, users } from '../platform/db/tables.js';
import {
  GMINA_LODZ,
  TEST_PASSWORD,
  buildInstitution,
  buildPartnership,
  buildStaleServiceCard,
  signInAs,
} from '../testing/factories.js';
import { createTestContext, TestClient, type TestContext } from '../testing/test-app.js';
import type { Service } from '../../../shared/src/contracts/basket.js';
import type { TaskList } from '../../../shared/src/contracts/tasks.js';

let context: TestContext;
let partnershipId: string;
let otherPartnershipId: string;
let schoolId: string;
let coordinator: TestClient;
let director: TestClient;
let caseManager: TestClient;
let schoolRep: TestClient;
let otherDirector: TestClient;
let otherCaseManager: TestClient;
let admin: TestClient;

const card = (overrides: Record<string, unknown> = {}) => ({
  partnershipId,
  name: 'Konsultacje pedagoga dla rodziców',
  description: 'Konsultacje pedagoga szkolnego dla rodziców i dzieci; wsparcie w kryzysie.',
  providerInstitutionId: schoolId,
  origin: 'partner',
  cooperationAreas: ['education'],
  targetGroups: ['children', 'families'],
  cost: 'free',
  locationKind: 'address',
  city: 'Łódź',
  territoryCode: GMINA_LODZ,
  reachKind: 'gminas',
  reachCodes: [GMINA_LODZ],
  contactName: 'Grażyna Żak',
  contactPhone: '42 600 00 00',
  ...overrides,
});

async function signInUser(userId: string): Promise<TestClient> {
  const [user] = await context.database.db.select().from(users).where(eq(users.id, userId));
  return new TestClient(context).signIn(user!.email, TEST_PASSWORD);
}

async function submittedCard(client: TestClient, overrides: Record<string, unknown> = {}): Promise<Service> {
  const created = await client.post('/api/v1/services', card(overrides));
  expect(created.statusCode, created.body).toBe(201);
  const draft = created.json() as Service;
  const submitted = await client.post(`/api/v1/services/${draft.id}/transitions`, {
    action: 'submit',
    version: draft.version,
  });
  expect(submitted.statusCode, submitted.body).toBe(200);
  return submitted.json() as Service;
}

async function propose(client: TestClient, name: string): Promise<string> {
  const response = await client.post('/api/v1/basket-change-requests', {
    partnershipId,
    kind: 'newService',
    justification: 'Zgłoszenie z ZZK',
    proposal: {
      ...card({ name, providerInstitutionId: null, providerName: 'Stowarzyszenie „Razem”', origin: 'selfHelp' }),
      partnershipId: undefined,
    },
  });
  expect(response.statusCode, response.body).toBe(201);
  return (response.json() as { id: string }).id;
}

async function tasksOf(client: TestClient): Promise<TaskList> {
  const response = await client.get('/api/v1/tasks');
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as TaskList;
}

/** Kind -> count, for the person's whole list. */
async function countsOf(client: TestClient): Promise<Record<string, number>> {
  return Object.fromEntries((await tasksOf(client)).groups.map((group) => [group.kind, group.count]));
}

let submittedIds: string[];
let pendingRequestId: string;
let reviewedRequestId: string;
let staleSchoolCardIds: string[];
let staleLeaderCardId: string;

beforeAll(async () => {
  context = await createTestContext();
  const db = context.database.db;
  const partnership = await buildPartnership(db, { name: 'PZK Łódź Bałuty' });
  partnershipId = partnership.id;
  coordinator = await signInUser(partnership.coordinatorUserId);
  director = (await signInAs(context, 'director', { institutionId: partnership.leaderInstitutionId })).client;
  caseManager = (await signInAs(context, 'caseManager', { institutionId: partnership.leaderInstitutionId })).client;
  schoolId = (await buildInstitution(db, { kind: 'school', name: 'Szkoła Podstawowa nr 7 w Łodzi' })).id;
  await db
    .insert(partnershipMembers)
    .values({ partnershipId, institutionId: schoolId, status: 'declared', declarationDate: '2026-02-01' });
  schoolRep = (await signInAs(context, 'partnerRepresentative', { institutionId: schoolId })).client;

  const other = await buildPartnership(db, { name: 'PZK Łódź Widzew' });
  otherPartnershipId = other.id;
  otherDirector = (await signInAs(context, 'director', { institutionId: other.leaderInstitutionId })).client;
  otherCaseManager = (await signInAs(context, 'caseManager', { institutionId: other.leaderInstitutionId })).client;
  admin = (await signInAs(context, 'admin')).client;

  // Two of the school's cards wait for publication; one card of the other partnership too.
  submittedIds = [
    (await submittedCard(schoolRep, { name: 'Konsultacje pedagoga dla rodziców' })).id,
    (await submittedCard(schoolRep, { name: 'Zajęcia wyrównawcze z matematyki' })).id,
  ];
  const otherCoordinator = await signInUser(other.coordinatorUserId);
  await submittedCard(otherCoordinator, {
    partnershipId: otherPartnershipId,
    providerInstitutionId: other.leaderInstitutionId,
    name: 'Klub seniora na Widzewie',
  });

  // One request waits for review, another (reviewed) for the decision.
  pendingRequestId = await propose(caseManager, 'Grupa wsparcia dla opiekunów osób starszych');
  reviewedRequestId = await propose(caseManager, 'Punkt nieodpłatnej pomocy prawnej');
  const reviewed = await coordinator.post(`/api/v1/basket-change-requests/${reviewedRequestId}/review`, {});
  expect(reviewed.statusCode, reviewed.body).toBe(200);

  // Stale published cards: two of the school's, one of the leader's.
  staleSchoolCardIds = [
    (await buildStaleServiceCard(db, partnershipId, { providerInstitutionId: schoolId, name: 'Świetlica szkolna' })).id,
    (await buildStaleServiceCard(db, partnershipId, { providerInstitutionId: schoolId, name: 'Logopeda w szkole' })).id,
  ];
  staleLeaderCardId = (
    await buildStaleServiceCard(db, partnershipId, {
      providerInstitutionId: partnership.leaderInstitutionId,
      name: 'Poradnictwo rodzinne',
    })
  ).id;
});

afterAll(async () => {
  await context?.close();
});

describe('GET /tasks ("Do zrobienia")', () => {
  it('the appointed network coordinator: cards to publish, requests to review, the leader’s stale card', async () => {
    expect(await countsOf(coordinator)).toEqual({
      'basket.changeRequestToReview': 1,
      'basket.cardToPublish': 2,
      'basket.cardToConfirm': 1,
    });
    const list = await tasksOf(coordinator);
    expect(list.total).toBe(4);
    // In the providers' order, oldest first, each with its link and public names only.
    expect(list.groups.map((group) => group.kind)).toEqual([
      'basket.changeRequestToReview',
      'basket.cardToPublish',
      'basket.cardToConfirm',
    ]);
    const toPublish = list.groups.find((group) => group.kind === 'basket.cardToPublish')!;
    expect(toPublish.items).toEqual([
      {
        id: submittedIds[0],
        title: 'Konsultacje pedagoga dla rodziców',
        partnershipId,
        partnershipName: 'PZK Łódź Bałuty',
        link: `/koszyk-uslug/${submittedIds[0]}`,
      },
      expect.objectContaining({ id: submittedIds[1], title: 'Zajęcia wyrównawcze z matematyki' }),
    ]);
    const toReview = list.groups.find((group) => group.kind === 'basket.changeRequestToReview')!;
    expect(toReview.items).toEqual([
      {
        id: pendingRequestId,
        title: 'Grupa wsparcia dla opiekunów osób starszych',
        partnershipId,
        partnershipName: 'PZK Łódź Bałuty',
        link: `/partnerstwa/${partnershipId}/koszyk?widok=requests`,
      },
    ]);
    expect(list.groups.find((group) => group.kind === 'basket.cardToConfirm')!.items.map((i) => i.id)).toEqual([
      staleLeaderCardId,
    ]);
    // The contact person on the cards never reaches the to-do.
    expect(JSON.stringify(list)).not.toContain('Grażyna');
  });

  it('the leader’s director: the request to decide and the cards to publish, not the review', async () => {
    expect(await countsOf(director)).toEqual({
      'basket.changeRequestToDecide': 1,
      'basket.cardToPublish': 2,
      'basket.cardToConfirm': 1,
    });
    const toDecide = (await tasksOf(director)).groups[0]!;
    expect(toDecide).toMatchObject({ kind: 'basket.changeRequestToDecide', count: 1 });
    expect(toDecide.items.map((item) => [item.id, item.title])).toEqual([
      [reviewedRequestId, 'Punkt nieodpłatnej pomocy prawnej'],
    ]);
  });

  it('the school’s representative: only the school’s stale cards to confirm, not what waits for the leader', async () => {
    const list = await tasksOf(schoolRep);
    expect(list.groups.map((group) => [group.kind, group.count])).toEqual([['basket.cardToConfirm', 2]]);
    expect(list.groups[0]!.items.map((item) => item.id).sort()).toEqual([...staleSchoolCardIds].sort());
    expect(list.total).toBe(2);
  });

  it('a case manager of the leader has nothing to do here; neither has a case manager of another institution', async () => {
    expect(await tasksOf(caseManager)).toEqual({ groups: [], total: 0 });
    expect(await tasksOf(otherCaseManager)).toEqual({ groups: [], total: 0 });
  });

  it('the other partnership’s director sees only that partnership’s card, and none of these', async () => {
    const list = await tasksOf(otherDirector);
    expect(list.groups.map((group) => [group.kind, group.count])).toEqual([['basket.cardToPublish', 1]]);
    expect(list.groups[0]!.items[0]).toMatchObject({
      title: 'Klub seniora na Widzewie',
      partnershipId: otherPartnershipId,
    });
  });

  it('the deployment administrator, who may act on every basket, sees the work of both partnerships', async () => {
    expect(await countsOf(admin)).toEqual({
      'basket.changeRequestToDecide': 1,
      'basket.changeRequestToReview': 1,
      'basket.cardToPublish': 3,
    });
  });

  it('an item leaves the list when the work is done', async () => {
    const [service] = (await tasksOf(schoolRep)).groups[0]!.items;
    const read = (await schoolRep.get(`/api/v1/services/${service!.id}`)).json() as Service;
    const confirmed = await schoolRep.post(`/api/v1/services/${service!.id}/transitions`, {
      action: 'confirm',
      version: read.version,
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(await countsOf(schoolRep)).toEqual({ 'basket.cardToConfirm': 1 });
  });

  it('asks for a session', async () => {
    const response = await new TestClient(context).get('/api/v1/tasks');
    expect(response.statusCode).toBe(401);
  });
});
