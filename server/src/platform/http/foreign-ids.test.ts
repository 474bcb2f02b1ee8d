/**
 * No IDOR (docs/security.md §2): people outside a partnership send the ids of
 * its records (a draft service card, a change request, the partnership, a coordinator's session and
 * notification, a user) to every route that takes such an id, for reading, changing, exporting and
 * importing. Each attempt gets 403 or 404, the answer carries none of the record's data, and the
 * record is unchanged. Random ids (fast-check) on every id-taking route give 403/404, never 200
 * or 500.
 */
import fc from 'fast-check';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  basketChangeRequests,
  institutions,
  partnershipCoordinators,
  partnerships,
  services,
  sessions,
} from '../db/tables.js';
import { buildInstitution, buildPartnership, buildUser, signInAs } from '../../testing/factories.js';
import { createTestContext, TestClient, type TestContext } from '../../testing/test-app.js';

/** A gmina in another voivodeship than the partnership's Łódź (Gromadka, dolnośląskie). */
const FAR_GMINA = '0201032';
/** Appears only in the partnership's records: must never reach an outsider. */
const MARKER = 'Znacznik-Poufny-Żółw';

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
type Attempt = { label: string; method: Method; url: string; body?: Record<string, unknown> };

let context: TestContext;
let attempts: Attempt[] = [];
let outsiders: Array<{ label: string; client: TestClient }> = [];
let snapshot: () => Promise<unknown>;

beforeAll(async () => {
  context = await createTestContext();
  const db = context.database.db;
  const partnership = await buildPartnership(db, { name: `Partnerstwo ${MARKER}` });
  const coordinatorUser = await buildUser(db, {
    role: 'networkCoordinator',
    institutionId: partnership.leaderInstitutionId,
    displayName: `Koordynator ${MARKER}`,
  });
  const coordinator = await new TestClient(context).signIn(coordinatorUser.email, coordinatorUser.password);
  // A second coordinator, who signs in: their session and notification are the foreign records.
  await db
    .insert(partnershipCoordinators)
    .values({ partnershipId: partnership.id, userId: coordinatorUser.id, since: '2026-01-02' });

  const card = {
    partnershipId: partnership.id,
    name: `Usługa ${MARKER}`,
    description: `Opis ${MARKER}`,
    origin: 'selfHelp',
    providerName: `Grupa ${MARKER}`,
    cooperationAreas: ['socialAssistance'],
    targetGroups: ['families'],
    cost: 'free',
    locationKind: 'remote',
    reachKind: 'gminas',
    reachCodes: [partnership.territoryCode],
    contactName: `Osoba ${MARKER}`,
  };
  const created = await coordinator.post('/api/v1/services', card);
  expect(created.statusCode, created.body).toBe(201);
  const service = created.json() as { id: string; version: number };
  // A published card of the same basket, for the change request (members see published cards).
  const other = (await coordinator.post('/api/v1/services', { ...card, name: `Druga ${MARKER}` })).json() as {
    id: string;
    version: number;
  };
  const published = await coordinator.post(`/api/v1/services/${other.id}/transitions`, {
    action: 'publish',
    version: other.version,
  });
  expect(published.statusCode, published.body).toBe(200);
  // Proposed by a case manager of the leader, so the coordinators are notified.
  const proposer = (await signInAs(context, 'caseManager', { institutionId: partnership.leaderInstitutionId })).client;
  const request = await proposer.post('/api/v1/basket-change-requests', {
    partnershipId: partnership.id,
    kind: 'change',
    serviceId: other.id,
    proposal: { schedule: `wt. ${MARKER}` },
    justification: `Uzasadnienie ${MARKER}`,
  });
  expect(request.statusCode, request.body).toBe(201);
  const changeRequest = request.json() as { id: string };
  const [session] = await db.select().from(sessions).where(eq(sessions.userId, coordinatorUser.id));
  const notifications = (await coordinator.get('/api/v1/notifications')).json() as { items: Array<{ id: string }> };
  expect(notifications.items.length).toBeGreaterThan(0);
  const notificationId = notifications.items[0]!.id;
  const p = partnership.id;
  const candidate = await buildInstitution(db, { kind: 'ngo' });
  const [leader] = await db.select().from(institutions).where(eq(institutions.id, partnership.leaderInstitutionId));

  attempts = [
    { label: 'read partnership', method: 'GET', url: `/api/v1/partnerships/${p}` },
    {
      label: 'edit partnership',
      method: 'PATCH',
      url: `/api/v1/partnerships/${p}`,
      body: { name: 'Przejęte', version: partnership.version },
    },
    {
      label: 'add member',
      method: 'POST',
      url: `/api/v1/partnerships/${p}/members`,
      body: { institutionId: candidate.id, status: 'invited' },
    },
    { label: 'export xlsx', method: 'GET', url: `/api/v1/partnerships/${p}/basket/export.xlsx` },
    {
      label: 'export csv',
      method: 'GET',
      url: `/api/v1/partnerships/${p}/basket/export.csv?status=draft&status=published`,
    },
    { label: 'export HSDS', method: 'GET', url: `/api/v1/partnerships/${p}/basket/hsds.json` },
    { label: 'gaps', method: 'GET', url: `/api/v1/partnerships/${p}/basket/gaps` },
    { label: 'publication', method: 'GET', url: `/api/v1/partnerships/${p}/basket/publication` },
    {
      label: 'publish page',
      method: 'PUT',
      url: `/api/v1/partnerships/${p}/basket/publication`,
      body: { isPublic: true, slug: 'przejete' },
    },
    { label: 'reminders', method: 'POST', url: `/api/v1/partnerships/${p}/basket/reminders`, body: {} },
    {
      label: 'HSDS import',
      method: 'POST',
      url: `/api/v1/partnerships/${p}/basket/hsds`,
      body: { services: [], organizations: [] },
    },
    {
      label: 'search the basket',
      method: 'GET',
      url: `/api/v1/services?partnershipId=${p}&status=draft&status=published`,
    },
    { label: 'read service', method: 'GET', url: `/api/v1/services/${service.id}` },
    { label: 'service history', method: 'GET', url: `/api/v1/services/${service.id}/history` },
    {
      label: 'edit service',
      method: 'PATCH',
      url: `/api/v1/services/${service.id}`,
      body: { version: service.version, name: 'Przejęta usługa' },
    },
    {
      label: 'publish service',
      method: 'POST',
      url: `/api/v1/services/${service.id}/transitions`,
      body: { action: 'publish', version: service.version },
    },
    { label: 'change requests', method: 'GET', url: `/api/v1/basket-change-requests?partnershipId=${p}` },
    { label: 'read change request', method: 'GET', url: `/api/v1/basket-change-requests/${changeRequest.id}` },
    {
      label: 'review change request',
      method: 'POST',
      url: `/api/v1/basket-change-requests/${changeRequest.id}/review`,
      body: {},
    },
    {
      label: 'decide change request',
      method: 'POST',
      url: `/api/v1/basket-change-requests/${changeRequest.id}/decision`,
      body: { decision: 'refuse', reason: 'Nie' },
    },
    {
      label: 'propose on a foreign service',
      method: 'POST',
      url: '/api/v1/basket-change-requests',
      body: { partnershipId: p, kind: 'withdrawal', serviceId: service.id, justification: 'Przejęcie' },
    },
    { label: 'end a foreign session', method: 'DELETE', url: `/api/v1/auth/sessions/${session!.publicId}` },
    { label: 'read a foreign notification', method: 'POST', url: `/api/v1/notifications/${notificationId}/read` },
    { label: 'read a user', method: 'GET', url: `/api/v1/users/${coordinatorUser.id}` },
    { label: 'sessions of a user', method: 'GET', url: `/api/v1/users/${coordinatorUser.id}/sessions` },
    {
      label: 'reset a password',
      method: 'POST',
      url: `/api/v1/users/${coordinatorUser.id}/password-reset`,
      body: {},
    },
    {
      label: 'edit the leader institution',
      method: 'PATCH',
      url: `/api/v1/institutions/${partnership.leaderInstitutionId}`,
      body: { name: 'Przejęta instytucja', version: leader!.version },
    },
  ];

  const otherOps = await buildInstitution(db, { kind: 'ops', territoryCode: FAR_GMINA });
  await buildPartnership(db, { leaderInstitutionId: otherOps.id, territoryCode: FAR_GMINA });
  const school = await buildInstitution(db, { kind: 'school' });
  const farRops = await buildInstitution(db, { kind: 'rops', territoryCode: FAR_GMINA });
  outsiders = [
    {
      label: 'director of another OPS',
      client: (await signInAs(context, 'director', { institutionId: otherOps.id })).client,
    },
    {
      label: 'coordinator of another partnership',
      client: (await signInAs(context, 'networkCoordinator', { institutionId: otherOps.id })).client,
    },
    {
      label: 'school outside the partnership',
      client: (await signInAs(context, 'partnerRepresentative', { institutionId: school.id })).client,
    },
    {
      label: 'ROPS of another voivodeship',
      client: (await signInAs(context, 'ropsCoordinator', { institutionId: farRops.id })).client,
    },
  ];

  snapshot = async () => ({
    partnership: await db.select().from(partnerships).where(eq(partnerships.id, p)),
    service: await db.select().from(services).where(eq(services.id, service.id)),
    request: await db.select().from(basketChangeRequests).where(eq(basketChangeRequests.id, changeRequest.id)),
    session: await db.select().from(sessions).where(eq(sessions.id, session!.id)),
    leader: await db.select().from(institutions).where(eq(institutions.id, partnership.leaderInstitutionId)),
  });
});

afterAll(async () => {
  await context?.close();
});

describe('foreign ids', () => {
  it('refuse every outsider on every route, reveal nothing and change nothing', async () => {
    const before = JSON.stringify(await snapshot());
    // Every outsider on every attempt: 4 x 27 requests, few enough to try them all.
    for (const outsider of outsiders) {
      for (const attempt of attempts) {
        const response = await outsider.client.request(attempt.method, attempt.url, attempt.body);
        const where = `${outsider.label}: ${attempt.label} -> ${response.statusCode} ${response.body.slice(0, 200)}`;
        // The basket search answers 200 with the outsider's own scope: nothing of this basket.
        if (attempt.label === 'search the basket' && response.statusCode === 200) {
          expect((response.json() as { total: number }).total, where).toBe(0);
        } else {
          expect([403, 404], where).toContain(response.statusCode);
        }
        expect(response.body, where).not.toContain(MARKER);
        expect(response.headers['content-disposition'], where).toBeUndefined();
      }
    }
    expect(JSON.stringify(await snapshot())).toBe(before);
  });

  it('answer a record the outsider may not see exactly like a missing one (the 403/404 rule)', async () => {
    const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
    const missingId = '00000000-0000-4000-8000-00000000dead';
    // The answer without what differs by request: its id and the path it names.
    const comparable = (body: string) => {
      const { requestId: _requestId, instance: _instance, ...rest } = JSON.parse(body) as Record<string, unknown>;
      return rest;
    };
    const outsider = outsiders[0]!.client;
    // Reads by id of this partnership's records, and the user pages only an administrator reaches (403).
    const reads = attempts.filter(
      (attempt) =>
        attempt.method === 'GET' && attempt.label !== 'search the basket' && !attempt.url.includes('/users/'),
    );
    expect(reads.length).toBeGreaterThan(8);
    for (const attempt of reads) {
      const hidden = await outsider.request('GET', attempt.url);
      const missing = await outsider.request('GET', attempt.url.replace(uuid, missingId));
      const where = `${attempt.label}: ${hidden.statusCode} ${hidden.body.slice(0, 120)}`;
      expect(hidden.statusCode, where).toBe(404);
      expect(missing.statusCode, where).toBe(404);
      expect(comparable(hidden.body), where).toEqual(comparable(missing.body));
    }
  });

  it('answer random ids on every id-taking route with 403 or 404, never with data or a 500', async () => {
    const routes = context.app.routeTable.filter((route) => route.url.includes('/:'));
    expect(routes.length).toBeGreaterThan(20);
    const admin = (await signInAs(context, 'admin')).client;
    const member = outsiders[1]!.client;
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: routes.length - 1 }),
        fc.uuid({ version: 4 }),
        fc.uuid({ version: 4 }),
        fc.boolean(),
        async (routeIndex, first, second, asAdmin) => {
          const route = routes[routeIndex]!;
          let index = 0;
          const url = route.url
            .replace(':code', '9999999')
            .replace(/:[A-Za-z]+/g, () => (index++ === 0 ? first : second));
          const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : {};
          const response = await (asAdmin ? admin : member).request(route.method as Method, url, body);
          const where = `${route.method} ${url} as ${asAdmin ? 'admin' : 'member'} -> ${response.statusCode}`;
          // An empty body may fail validation (400) or the media type (415) first: still no data, no 500.
          expect([400, 403, 404, 415], where).toContain(response.statusCode);
          expect(response.headers['content-type'], where).toContain('application/problem+json');
        },
      ),
      { numRuns: 200, seed: 20261202 },
    );
  });
});
