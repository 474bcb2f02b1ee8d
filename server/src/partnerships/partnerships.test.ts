/**
 * Partnerships (PZK) over HTTP against the real database: founding rules, list scoping in the query,
 * 404 for what is not visible, record rules for changes, optimistic concurrency, and the audit rows
 * that every read of the detail and every write leaves behind.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, count, eq } from 'drizzle-orm';
import { createTestContext, TestClient, type TestContext } from '../testing/test-app.js';
import {
  GMINA_GROMADKA,
  GMINA_LODZ,
  GMINA_WIELICZKA,
  buildInstitution,
  buildPartnership,
  buildUser,
  signInAs,
} from '../testing/factories.js';
import { auditEvents, memberships, partnershipMembers, partnerships } from '../platform/db/tables.js';
import type { Role } from '../../../shared/src/contracts/common.js';
import type { Partnership, PartnershipPage } from '../../../shared/src/contracts/partnerships.js';

const GMINA_GDOW = '1219022'; // same powiat (wielicki) as Wieliczka
const GMINA_BELCHATOW = '1001011'; // voivodeship łódzkie, another powiat than Łódź
const GMINA_KRAKOW = '1261011'; // voivodeship małopolskie, like Wieliczka
const WIELICZKA_TOWN_PART = '1219054'; // a part of a gmina, not a gmina

let context: TestContext;
const db = () => context.database.db;

beforeAll(async () => {
  context = await createTestContext();
});
afterAll(async () => {
  await context?.close();
});

const signIn = (role: Role, options: Parameters<typeof buildUser>[1] = {}) => signInAs(context, role, options);

async function buildLeaderOps(territoryCode = GMINA_LODZ, name = 'Miejski Ośrodek Pomocy Społecznej w Łodzi') {
  return buildInstitution(db(), { kind: 'mops', territoryCode, name: `${name} ${randomUUID().slice(0, 6)}` });
}

type ProblemBody = { code: string; errors?: Array<{ field: string; code: string }> };
const fieldCodes = (body: ProblemBody) => (body.errors ?? []).map((e) => `${e.field}:${e.code}`);

async function auditRows(action: string, filter: { subjectId?: string | null; actorUserId?: string } = {}) {
  const conditions = [eq(auditEvents.action, action)];
  if (filter.subjectId) conditions.push(eq(auditEvents.subjectId, filter.subjectId));
  if (filter.actorUserId) conditions.push(eq(auditEvents.actorUserId, filter.actorUserId));
  return db()
    .select()
    .from(auditEvents)
    .where(and(...conditions))
    .orderBy(asc(auditEvents.id));
}

async function partnershipCount() {
  const [row] = await db().select({ value: count() }).from(partnerships);
  return Number(row?.value ?? 0);
}

describe('POST /partnerships', () => {
  let leader: Awaited<ReturnType<typeof buildLeaderOps>>;
  let director: { client: TestClient; user: Awaited<ReturnType<typeof buildUser>> };
  let coordinatorId: string;

  beforeAll(async () => {
    leader = await buildLeaderOps();
    director = await signIn('director', { institutionId: leader.id, displayName: 'Barbara Dąbrowska' });
    coordinatorId = (
      await buildUser(db(), { role: 'networkCoordinator', institutionId: leader.id, displayName: 'Łukasz Żółkiewski' })
    ).id;
  });

  const validInput = () => ({
    name: 'Partnerski Zespół Kooperacyjny „Łódź Razem”',
    territoryCode: GMINA_LODZ,
    modelVariant: 'urban3d',
    leaderInstitutionId: leader.id,
    establishedOn: '2026-02-03',
    coordinatorUserIds: [coordinatorId],
  });

  it('lets a director found a PZK led by their OPS; the leader joins as declared; audited', async () => {
    const response = await director.client.post('/api/v1/partnerships', validInput());
    expect(response.statusCode).toBe(201);
    const body = response.json() as Partnership;
    expect(body).toMatchObject({
      name: validInput().name,
      territoryCode: GMINA_LODZ,
      territoryName: 'Łódź',
      stage: 'initiation',
      leaderInstitutionId: leader.id,
      memberCount: 1,
      version: 1,
      establishedOn: '2026-02-03',
      abilities: { canUpdate: true, canManageMembers: true },
    });
    expect(body.coordinators).toEqual([
      expect.objectContaining({ userId: coordinatorId, displayName: 'Łukasz Żółkiewski' }),
    ]);
    expect(body.members).toHaveLength(1);
    expect(body.members[0]).toMatchObject({ institutionId: leader.id, status: 'declared' });
    expect(body.members[0]!.declarationDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const [event] = await auditRows('partnership.create', { subjectId: body.id });
    expect(event).toMatchObject({
      outcome: 'success',
      actorUserId: director.user.id,
      actorRole: 'director',
      subjectType: 'partnership',
    });
    expect(JSON.stringify(event!.details)).not.toContain('Razem');
  });

  it('refuses a territory that is not a gmina, and writes nothing', async () => {
    const before = await partnershipCount();
    for (const territoryCode of [WIELICZKA_TOWN_PART, '9999999']) {
      const response = await director.client.post('/api/v1/partnerships', { ...validInput(), territoryCode });
      expect(response.statusCode).toBe(400);
      expect(fieldCodes(response.json())).toEqual(['territoryCode:unknownTerritory']);
    }
    expect(await partnershipCount()).toBe(before);
  });

  it('refuses a leader that is not an OPS/CUS, or does not exist', async () => {
    const { client: admin } = await signIn('admin');
    const school = await buildInstitution(db(), { kind: 'school', name: 'Szkoła Podstawowa nr 5 w Łodzi' });
    const notLeader = await admin.post('/api/v1/partnerships', { ...validInput(), leaderInstitutionId: school.id });
    expect(notLeader.statusCode).toBe(400);
    expect(fieldCodes(notLeader.json())).toEqual(['leaderInstitutionId:leaderKind']);

    const unknown = await admin.post('/api/v1/partnerships', { ...validInput(), leaderInstitutionId: randomUUID() });
    expect(unknown.statusCode).toBe(400);
    expect(fieldCodes(unknown.json())).toEqual(['leaderInstitutionId:unknownInstitution']);
  });

  it('lets an admin found a PZK for any OPS', async () => {
    const { client: admin } = await signIn('admin');
    const response = await admin.post('/api/v1/partnerships', validInput());
    expect(response.statusCode).toBe(201);
  });

  it('refuses coordinators who do not work at the leader', async () => {
    const outsider = await buildUser(db(), { role: 'networkCoordinator' });
    const response = await director.client.post('/api/v1/partnerships', {
      ...validInput(),
      coordinatorUserIds: [coordinatorId, outsider.id],
    });
    expect(response.statusCode).toBe(400);
    expect(fieldCodes(response.json())).toEqual(['coordinatorUserIds:coordinatorNotInLeader']);
  });

  it('refuses coordinator lists that are empty, too long or repeated', async () => {
    for (const coordinatorUserIds of [
      [],
      [coordinatorId, director.user.id, randomUUID()],
      [coordinatorId, coordinatorId],
    ]) {
      const response = await director.client.post('/api/v1/partnerships', { ...validInput(), coordinatorUserIds });
      expect(response.statusCode).toBe(400);
      expect(fieldCodes(response.json())[0]).toMatch(/^coordinatorUserIds/);
    }
  });

  it('answers 403 when a director names another OPS as leader, and audits the refusal', async () => {
    const otherOps = await buildLeaderOps(GMINA_WIELICZKA, 'Ośrodek Pomocy Społecznej w Wieliczce');
    const otherCoordinator = await buildUser(db(), { role: 'networkCoordinator', institutionId: otherOps.id });
    const before = await partnershipCount();
    const response = await director.client.post('/api/v1/partnerships', {
      ...validInput(),
      territoryCode: GMINA_WIELICZKA,
      leaderInstitutionId: otherOps.id,
      coordinatorUserIds: [otherCoordinator.id],
    });
    expect(response.statusCode).toBe(403);
    expect(await partnershipCount()).toBe(before);
    const denied = await auditRows('partnership.create', { actorUserId: director.user.id });
    expect(denied.at(-1)).toMatchObject({ outcome: 'denied', details: { reason: 'foreignLeader' } });
  });

  it('answers 403 to roles that cannot found a PZK, with a denied audit event', async () => {
    for (const role of ['caseManager', 'partnerRepresentative', 'ropsCoordinator'] as const) {
      const { client, user } = await signIn(role, { institutionId: leader.id });
      const response = await client.post('/api/v1/partnerships', validInput());
      expect(response.statusCode).toBe(403);
      const [event] = await auditRows('partnership.create', { actorUserId: user.id });
      expect(event).toMatchObject({ outcome: 'denied', actorRole: role });
    }
  });

  it('rejects unknown and server-owned fields instead of writing them', async () => {
    const response = await director.client.post('/api/v1/partnerships', {
      ...validInput(),
      version: 7,
      stage: 'closed',
    });
    expect(response.statusCode).toBe(400);
    expect(fieldCodes(response.json()).sort()).toEqual(['stage:unrecognized_keys', 'version:unrecognized_keys']);
  });
});

describe('GET /partnerships: scoped in the query', () => {
  const tag = randomUUID().slice(0, 8);
  let lodz: Awaited<ReturnType<typeof buildPartnership>>;
  let wieliczka: Awaited<ReturnType<typeof buildPartnership>>;
  let memberSchool: Awaited<ReturnType<typeof buildInstitution>>;
  let leftPolice: Awaited<ReturnType<typeof buildInstitution>>;

  beforeAll(async () => {
    lodz = await buildPartnership(db(), {
      leaderInstitutionId: (await buildLeaderOps()).id,
      territoryCode: GMINA_LODZ,
      name: `Partnerstwo Łódzkie Źródło ${tag}`,
    });
    wieliczka = await buildPartnership(db(), {
      leaderInstitutionId: (await buildLeaderOps(GMINA_WIELICZKA, 'Ośrodek Pomocy Społecznej w Wieliczce')).id,
      territoryCode: GMINA_WIELICZKA,
      name: `Wielicki Zespół Kooperacji ${tag}`,
    });
    await db().update(partnerships).set({ modelVariant: 'urbanRural' }).where(eq(partnerships.id, wieliczka.id));
    memberSchool = await buildInstitution(db(), {
      kind: 'school',
      territoryCode: GMINA_WIELICZKA,
      name: 'Szkoła Podstawowa nr 1 w Wieliczce',
    });
    leftPolice = await buildInstitution(db(), {
      kind: 'police',
      territoryCode: GMINA_WIELICZKA,
      name: 'Komisariat Policji w Wieliczce',
    });
    await db()
      .insert(partnershipMembers)
      .values([
        {
          partnershipId: wieliczka.id,
          institutionId: memberSchool.id,
          status: 'participating',
          representativeName: 'Grzegorz Łęcki',
        },
        { partnershipId: wieliczka.id, institutionId: leftPolice.id, status: 'left' },
      ]);
  });

  async function visibleIds(client: TestClient, query = '') {
    const response = await client.get(`/api/v1/partnerships?pageSize=100${query}`);
    expect(response.statusCode).toBe(200);
    return (response.json() as PartnershipPage).items.map((p) => p.id);
  }

  it('shows a user of an unrelated institution nothing, and 404 on the ids', async () => {
    const school = await buildInstitution(db(), {
      kind: 'school',
      territoryCode: GMINA_GROMADKA,
      name: 'Szkoła w Gromadce',
    });
    const { client } = await signIn('director', { institutionId: school.id });
    const response = await client.get('/api/v1/partnerships');
    expect(response.json()).toMatchObject({ items: [], total: 0 });
    const notVisible = await client.get(`/api/v1/partnerships/${lodz.id}`);
    const unknown = await client.get(`/api/v1/partnerships/${randomUUID()}`);
    expect(notVisible.statusCode).toBe(404);
    expect(unknown.statusCode).toBe(404);
    // "Not yours" and "no such record" must be indistinguishable.
    const strip = (body: Record<string, unknown>) => ({ ...body, instance: undefined, requestId: undefined });
    expect(strip(notVisible.json())).toEqual(strip(unknown.json()));
  });

  it('shows ROPS regional roles their voivodeship only; other ROPS roles nothing', async () => {
    const rops = await buildInstitution(db(), {
      kind: 'rops',
      territoryCode: GMINA_KRAKOW,
      name: 'Regionalny Ośrodek Polityki Społecznej w Krakowie',
    });
    for (const role of ['ropsCoordinator', 'evaluator', 'supervisor'] as const) {
      const { client } = await signIn(role, { institutionId: rops.id });
      const ids = await visibleIds(client);
      expect(ids).toContain(wieliczka.id);
      expect(ids).not.toContain(lodz.id);
      expect((await client.get(`/api/v1/partnerships/${lodz.id}`)).statusCode).toBe(404);
      expect((await client.get(`/api/v1/partnerships/${wieliczka.id}`)).statusCode).toBe(200);
    }
    const { client: caseManager } = await signIn('caseManager', { institutionId: rops.id });
    expect(await visibleIds(caseManager)).toEqual([]);
  });

  it('gives ROPS of another voivodeship a 404', async () => {
    const ropsLodz = await buildInstitution(db(), {
      kind: 'rops',
      territoryCode: GMINA_LODZ,
      name: 'Regionalne Centrum Polityki Społecznej w Łodzi',
    });
    const { client } = await signIn('ropsCoordinator', { institutionId: ropsLodz.id });
    expect((await client.get(`/api/v1/partnerships/${wieliczka.id}`)).statusCode).toBe(404);
    expect(await visibleIds(client)).not.toContain(wieliczka.id);
    expect(await visibleIds(client)).toContain(lodz.id);
  });

  it('shows a PCPR animator their powiat only', async () => {
    const pcprWielicki = await buildInstitution(db(), {
      kind: 'pcpr',
      territoryCode: GMINA_GDOW,
      name: 'Powiatowe Centrum Pomocy Rodzinie (Gdów)',
    });
    const { client: sameAnimator } = await signIn('pcprAnimator', { institutionId: pcprWielicki.id });
    expect(await visibleIds(sameAnimator)).toEqual(expect.arrayContaining([wieliczka.id]));
    expect(await visibleIds(sameAnimator)).not.toContain(lodz.id);
    const { client: sameSpecialist } = await signIn('specialist', { institutionId: pcprWielicki.id });
    expect(await visibleIds(sameSpecialist)).toEqual([]);

    const pcprBelchatow = await buildInstitution(db(), {
      kind: 'pcpr',
      territoryCode: GMINA_BELCHATOW,
      name: 'Powiatowe Centrum Pomocy Rodzinie w Bełchatowie',
    });
    const { client: otherAnimator } = await signIn('pcprAnimator', { institutionId: pcprBelchatow.id });
    expect(await visibleIds(otherAnimator)).not.toContain(lodz.id);
    expect((await otherAnimator.get(`/api/v1/partnerships/${lodz.id}`)).statusCode).toBe(404);
  });

  it('shows members their partnership, but not once their institution has left', async () => {
    const { client: member } = await signIn('partnerRepresentative', { institutionId: memberSchool.id });
    expect(await visibleIds(member)).toEqual([wieliczka.id]);
    const { client: former } = await signIn('partnerRepresentative', { institutionId: leftPolice.id });
    expect(await visibleIds(former)).toEqual([]);
    expect((await former.get(`/api/v1/partnerships/${wieliczka.id}`)).statusCode).toBe(404);
  });

  it('shows an appointed coordinator the partnership even from another institution', async () => {
    const { client, user } = await signIn('networkCoordinator');
    const coordinated = await buildPartnership(db(), { coordinatorUserId: user.id, territoryCode: GMINA_GROMADKA });
    expect(await visibleIds(client)).toEqual([coordinated.id]);
  });

  it('filters by name without regard to case or diacritics, by territory prefix and by variant', async () => {
    const { client: admin } = await signIn('admin');
    for (const q of ['łódzkie źródło', 'LODZKIE ZRODLO', 'ŁÓDZKIE  Źródło']) {
      expect(await visibleIds(admin, `&q=${encodeURIComponent(`${q} ${tag}`)}`)).toEqual([lodz.id]);
    }
    expect(await visibleIds(admin, `&q=${tag}&territoryCode=10`)).toEqual([lodz.id]);
    expect(await visibleIds(admin, `&q=${tag}&territoryCode=1219`)).toEqual([wieliczka.id]);
    expect(await visibleIds(admin, `&q=${tag}&territoryCode=1219053`)).toEqual([wieliczka.id]);
    expect(await visibleIds(admin, `&q=${tag}&modelVariant=urbanRural`)).toEqual([wieliczka.id]);
    expect(await visibleIds(admin, `&q=${encodeURIComponent('100%')}`)).toEqual([]);
  });

  it('counts members that have not left, and paginates', async () => {
    const { client: admin } = await signIn('admin');
    const page1 = (await admin.get(`/api/v1/partnerships?q=${tag}&pageSize=1&page=1`)).json() as PartnershipPage;
    const page2 = (await admin.get(`/api/v1/partnerships?q=${tag}&pageSize=1&page=2`)).json() as PartnershipPage;
    expect(page1).toMatchObject({ total: 2, page: 1, pageSize: 1 });
    expect(page1.items).toHaveLength(1);
    expect(page2.items).toHaveLength(1);
    expect(page1.items[0]!.id).not.toBe(page2.items[0]!.id);
    const all = [...page1.items, ...page2.items];
    expect(all.find((p) => p.id === wieliczka.id)).toMatchObject({
      memberCount: 2,
      territoryName: 'Wieliczka',
      modelVariant: 'urbanRural',
    });
    expect(all.find((p) => p.id === lodz.id)).toMatchObject({ memberCount: 1 });
    // Summaries carry no personal data.
    expect(JSON.stringify(all)).not.toContain('Łęcki');
  });

  it('audits every read of the detail, which carries the representatives', async () => {
    const { client, user } = await signIn('partnerRepresentative', { institutionId: memberSchool.id });
    const response = await client.get(`/api/v1/partnerships/${wieliczka.id}`);
    expect(response.statusCode).toBe(200);
    const body = response.json() as Partnership;
    expect(body.members.find((m) => m.institutionId === memberSchool.id)?.representativeName).toBe('Grzegorz Łęcki');
    expect(body.members.find((m) => m.institutionId === leftPolice.id)?.status).toBe('left');
    expect(body.memberCount).toBe(2);
    expect(body.abilities).toEqual({ canUpdate: false, canManageMembers: false });
    const events = await auditRows('partnership.read', { subjectId: wieliczka.id, actorUserId: user.id });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      outcome: 'success',
      actorInstitutionId: memberSchool.id,
      requestId: response.headers['x-request-id'],
    });
  });

  it('audits a refused read as denied', async () => {
    const { client, user } = await signIn('director');
    expect((await client.get(`/api/v1/partnerships/${wieliczka.id}`)).statusCode).toBe(404);
    const events = await auditRows('partnership.read', { subjectId: wieliczka.id, actorUserId: user.id });
    expect(events).toEqual([expect.objectContaining({ outcome: 'denied', details: { reason: 'notVisible' } })]);
  });

  it('rejects malformed filters and ids with 400', async () => {
    const { client } = await signIn('director');
    expect((await client.get('/api/v1/partnerships?territoryCode=123')).statusCode).toBe(400);
    expect((await client.get('/api/v1/partnerships?pageSize=1000')).statusCode).toBe(400);
    expect((await client.get('/api/v1/partnerships/not-a-uuid')).statusCode).toBe(400);
  });
});

describe('PATCH /partnerships/:id', () => {
  let leaderId: string;
  let partnership: Awaited<ReturnType<typeof buildPartnership>>;
  let coordinator: { client: TestClient; user: Awaited<ReturnType<typeof buildUser>> };

  beforeAll(async () => {
    leaderId = (await buildLeaderOps()).id;
    coordinator = await signIn('networkCoordinator', { institutionId: leaderId, displayName: 'Łukasz Żółkiewski' });
    partnership = await buildPartnership(db(), {
      leaderInstitutionId: leaderId,
      coordinatorUserId: coordinator.user.id,
    });
  });

  const current = async () =>
    (await coordinator.client.get(`/api/v1/partnerships/${partnership.id}`)).json() as Partnership;

  it('lets a coordinator change it, bumps the version and audits field names only', async () => {
    const before = await current();
    const response = await coordinator.client.patch(`/api/v1/partnerships/${partnership.id}`, {
      name: 'Zespół Kooperacyjny „Śródmieście”',
      stage: 'planning',
      version: before.version,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      name: 'Zespół Kooperacyjny „Śródmieście”',
      stage: 'planning',
      version: before.version + 1,
    });
    const [event] = await auditRows('partnership.update', { subjectId: partnership.id });
    expect(event!.details).toEqual({ changedFields: ['name', 'stage'] });
  });

  it('answers 409 to a stale version and changes nothing', async () => {
    const before = await current();
    const response = await coordinator.client.patch(`/api/v1/partnerships/${partnership.id}`, {
      name: 'Nieaktualna zmiana',
      version: before.version - 1,
    });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ code: 'conflict' });
    expect((await current()).name).toBe(before.name);
  });

  it('lets one of two concurrent writers of the same version win', async () => {
    const before = await current();
    const [first, second] = await Promise.all([
      coordinator.client.patch(`/api/v1/partnerships/${partnership.id}`, {
        areaDescription: 'Osiedle Bałuty',
        version: before.version,
      }),
      coordinator.client.patch(`/api/v1/partnerships/${partnership.id}`, {
        areaDescription: 'Osiedle Widzew',
        version: before.version,
      }),
    ]);
    expect([first!.statusCode, second!.statusCode].sort()).toEqual([200, 409]);
    expect((await current()).version).toBe(before.version + 1);
  });

  it('replaces coordinators when given, only with staff of the leader', async () => {
    const colleague = await buildUser(db(), {
      role: 'caseManager',
      institutionId: leaderId,
      displayName: 'Małgorzata Wójcik',
    });
    const outsider = await buildUser(db(), { role: 'networkCoordinator' });
    const before = await current();
    const refused = await coordinator.client.patch(`/api/v1/partnerships/${partnership.id}`, {
      coordinatorUserIds: [coordinator.user.id, outsider.id],
      version: before.version,
    });
    expect(refused.statusCode).toBe(400);
    expect(fieldCodes(refused.json())).toEqual(['coordinatorUserIds:coordinatorNotInLeader']);

    const accepted = await coordinator.client.patch(`/api/v1/partnerships/${partnership.id}`, {
      coordinatorUserIds: [coordinator.user.id, colleague.id],
      version: before.version,
    });
    expect(accepted.statusCode).toBe(200);
    const body = accepted.json() as Partnership;
    expect(body.coordinators.map((c) => c.userId).sort()).toEqual([coordinator.user.id, colleague.id].sort());
    const events = await auditRows('partnership.update', { subjectId: partnership.id });
    expect(events.at(-1)!.details).toEqual({ changedFields: ['coordinatorUserIds'] });
  });

  it('refuses a territory that is not a gmina', async () => {
    const before = await current();
    const { client: admin } = await signIn('admin');
    const response = await admin.patch(`/api/v1/partnerships/${partnership.id}`, {
      territoryCode: WIELICZKA_TOWN_PART,
      version: before.version,
    });
    expect(response.statusCode).toBe(400);
    expect(fieldCodes(response.json())).toEqual(['territoryCode:unknownTerritory']);
  });

  it('refuses a manager moving it to another territory: 403 naming the field, nothing written', async () => {
    const before = await current();
    const response = await coordinator.client.patch(`/api/v1/partnerships/${partnership.id}`, {
      territoryCode: GMINA_KRAKOW,
      name: 'Przeniesione do Krakowa',
      version: before.version,
    });
    expect(response.statusCode).toBe(403);
    expect(fieldCodes(response.json())).toEqual(['territoryCode:adminOnlyField']);
    expect(await current()).toMatchObject({
      territoryCode: before.territoryCode,
      name: before.name,
      version: before.version,
    });
    const denied = await auditRows('partnership.update', {
      subjectId: partnership.id,
      actorUserId: coordinator.user.id,
    });
    expect(denied.at(-1)).toMatchObject({
      outcome: 'denied',
      details: { reason: 'accessDecidingField', fields: ['territoryCode'] },
    });
    // The unchanged territory and leader, as the edit form sends them back, are no change.
    const resent = await coordinator.client.patch(`/api/v1/partnerships/${partnership.id}`, {
      territoryCode: before.territoryCode,
      leaderInstitutionId: before.leaderInstitutionId,
      areaDescription: 'Osiedle Polesie',
      version: before.version,
    });
    expect(resent.statusCode, resent.body).toBe(200);
  });

  it('refuses an appointed coordinator now at another OPS making that OPS the leader', async () => {
    const otherOps = await buildLeaderOps(GMINA_LODZ, 'Ośrodek Pomocy Społecznej Łódź-Górna');
    // The same person holds a second role, at the other OPS, and acts in it.
    const [atOther] = await db()
      .insert(memberships)
      .values({ userId: coordinator.user.id, institutionId: otherOps.id, role: 'networkCoordinator' })
      .returning({ id: memberships.id });
    const elsewhere = await new TestClient(context).signIn(coordinator.user.email, coordinator.user.password);
    const switched = await elsewhere.put('/api/v1/auth/me/active-membership', { membershipId: atOther!.id });
    expect(switched.statusCode, switched.body).toBe(200);
    elsewhere.csrfToken = (switched.json() as { csrfToken?: string }).csrfToken ?? elsewhere.csrfToken;
    const before = await current();
    const response = await elsewhere.patch(`/api/v1/partnerships/${partnership.id}`, {
      leaderInstitutionId: otherOps.id,
      coordinatorUserIds: [coordinator.user.id],
      version: before.version,
    });
    expect(response.statusCode).toBe(403);
    expect(fieldCodes(response.json())).toEqual(['leaderInstitutionId:adminOnlyField']);
    expect((await current()).leaderInstitutionId).toBe(leaderId);
  });

  it('lets an administrator move it, audited as a permission change', async () => {
    const before = await current();
    const { client: admin, user } = await signIn('admin');
    const response = await admin.patch(`/api/v1/partnerships/${partnership.id}`, {
      territoryCode: GMINA_BELCHATOW,
      version: before.version,
    });
    expect(response.statusCode, response.body).toBe(200);
    const [event] = await auditRows('partnership.access.update', { subjectId: partnership.id, actorUserId: user.id });
    expect(event).toMatchObject({
      outcome: 'success',
      details: { changes: { territoryCode: { from: before.territoryCode, to: GMINA_BELCHATOW } } },
    });
  });

  it('answers 403 to a member who may see but not manage, and audits the refusal', async () => {
    const school = await buildInstitution(db(), { kind: 'school', name: 'Szkoła Podstawowa nr 12 w Łodzi' });
    await db()
      .insert(partnershipMembers)
      .values({ partnershipId: partnership.id, institutionId: school.id, status: 'participating' });
    const { client, user } = await signIn('director', { institutionId: school.id });
    const before = await current();
    const response = await client.patch(`/api/v1/partnerships/${partnership.id}`, {
      name: 'Przejęte',
      version: before.version,
    });
    expect(response.statusCode).toBe(403);
    const [event] = await auditRows('partnership.update', { subjectId: partnership.id, actorUserId: user.id });
    expect(event).toMatchObject({ outcome: 'denied', details: { reason: 'notManager' } });
    expect((await current()).name).toBe(before.name);
  });

  it('answers 404 to someone who cannot see it, and to a case manager of the leader 403', async () => {
    const { client: stranger } = await signIn('director');
    expect((await stranger.patch(`/api/v1/partnerships/${partnership.id}`, { name: 'X', version: 1 })).statusCode).toBe(
      404,
    );
    const { client: caseManager } = await signIn('caseManager', { institutionId: leaderId });
    expect(
      (await caseManager.patch(`/api/v1/partnerships/${partnership.id}`, { name: 'X', version: 1 })).statusCode,
    ).toBe(403);
  });

  it('rejects fields it does not own', async () => {
    const url = `/api/v1/partnerships/${partnership.id}`;
    const raw = '{"version":1,"__proto__":{"role":"admin"},"constructor":{"prototype":{"role":"admin"}}}';
    for (const response of [
      await coordinator.client.patch(url, { version: 1, id: randomUUID(), leader: true }),
      await coordinator.client.patch(url, raw, { 'content-type': 'application/json' }),
    ]) {
      expect(response.statusCode).toBe(400);
    }
  });
});

describe('partnership members', () => {
  let leaderId: string;
  let partnership: Awaited<ReturnType<typeof buildPartnership>>;
  let manager: TestClient;

  beforeAll(async () => {
    leaderId = (await buildLeaderOps()).id;
    partnership = await buildPartnership(db(), { leaderInstitutionId: leaderId });
    manager = (await signIn('director', { institutionId: leaderId })).client;
  });

  const membersUrl = () => `/api/v1/partnerships/${partnership.id}/members`;

  it('adds an institution with its representative; the audit holds no contact data', async () => {
    const school = await buildInstitution(db(), {
      kind: 'school',
      name: 'Szkoła Podstawowa nr 3 im. Marii Skłodowskiej-Curie',
    });
    const response = await manager.post(membersUrl(), {
      institutionId: school.id,
      status: 'declared',
      declarationDate: '2026-03-01',
      representativeName: 'Grażyna Żądło',
      representativePosition: 'Dyrektorka szkoły',
      representativeEmail: 'grazyna.zadlo@sp3.example',
      representativePhone: '+48 600 100 200',
    });
    expect(response.statusCode).toBe(201);
    const body = response.json() as Partnership;
    expect(body.memberCount).toBe(2);
    expect(body.members.find((m) => m.institutionId === school.id)).toMatchObject({
      status: 'declared',
      declarationDate: '2026-03-01',
      representativeName: 'Grażyna Żądło',
      institutionKind: 'school',
    });
    const [event] = await auditRows('partnership.member.add', { subjectId: partnership.id });
    const details = JSON.stringify(event!.details);
    expect(details).not.toMatch(/Żądło|grazyna|600 100/);
    expect(event!.details).toMatchObject({ institutionId: school.id, status: 'declared' });
  });

  it('answers 409 alreadyMember to a duplicate', async () => {
    const response = await manager.post(membersUrl(), { institutionId: leaderId, status: 'participating' });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ code: 'duplicate' });
    expect(fieldCodes(response.json())).toEqual(['institutionId:alreadyMember']);
  });

  it('refuses unknown and archived institutions', async () => {
    const archived = await buildInstitution(db(), {
      kind: 'ngo',
      sector: 'ngo',
      name: 'Fundacja „Zamknięta”',
      archivedAt: new Date(),
    });
    for (const institutionId of [archived.id, randomUUID()]) {
      const response = await manager.post(membersUrl(), { institutionId, status: 'invited' });
      expect(response.statusCode).toBe(400);
      expect(fieldCodes(response.json())).toEqual(['institutionId:unknownInstitution']);
    }
  });

  it('requires a declaration date for the declared status', async () => {
    const ngo = await buildInstitution(db(), {
      kind: 'ngo',
      sector: 'ngo',
      name: 'Stowarzyszenie „Razem dla Rodziny”',
    });
    const response = await manager.post(membersUrl(), { institutionId: ngo.id, status: 'declared' });
    expect(response.statusCode).toBe(400);
    expect(fieldCodes(response.json())).toEqual(['declarationDate:declarationDateRequired']);
  });

  it("updates a member under the same rules; leaving ends the institution's access", async () => {
    const police = await buildInstitution(db(), { kind: 'police', name: 'Komenda Miejska Policji w Łodzi' });
    const added = (
      await manager.post(membersUrl(), { institutionId: police.id, status: 'participating' })
    ).json() as Partnership;
    const member = added.members.find((m) => m.institutionId === police.id)!;
    const { client: policeUser } = await signIn('partnerRepresentative', { institutionId: police.id });
    expect((await policeUser.get(`/api/v1/partnerships/${partnership.id}`)).statusCode).toBe(200);

    const noDate = await manager.patch(`${membersUrl()}/${member.id}`, { status: 'declared' });
    expect(noDate.statusCode).toBe(400);
    expect(fieldCodes(noDate.json())).toEqual(['declarationDate:declarationDateRequired']);

    const declared = await manager.patch(`${membersUrl()}/${member.id}`, {
      status: 'declared',
      declarationDate: '2026-04-15',
      representativeName: 'Kazimierz Wróbel',
    });
    expect(declared.statusCode).toBe(200);
    const [event] = (await auditRows('partnership.member.update', { subjectId: partnership.id })).slice(-1);
    expect(event!.details).toEqual({
      memberId: member.id,
      institutionId: police.id,
      changedFields: ['status', 'declarationDate', 'representativeName'],
    });

    const clearDate = await manager.patch(`${membersUrl()}/${member.id}`, { declarationDate: null });
    expect(clearDate.statusCode).toBe(400);

    const left = await manager.patch(`${membersUrl()}/${member.id}`, { status: 'left' });
    expect(left.statusCode).toBe(200);
    expect((left.json() as Partnership).memberCount).toBe((declared.json() as Partnership).memberCount - 1);
    expect((await policeUser.get(`/api/v1/partnerships/${partnership.id}`)).statusCode).toBe(404);
  });

  it('answers 404 to a member id of another partnership', async () => {
    const other = await buildPartnership(db(), { leaderInstitutionId: leaderId });
    const [foreignMember] = await db()
      .select()
      .from(partnershipMembers)
      .where(eq(partnershipMembers.partnershipId, other.id));
    const response = await manager.patch(`${membersUrl()}/${foreignMember!.id}`, { status: 'suspended' });
    expect(response.statusCode).toBe(404);
    const [unchanged] = await db()
      .select()
      .from(partnershipMembers)
      .where(eq(partnershipMembers.id, foreignMember!.id));
    expect(unchanged!.status).toBe('declared');
  });

  it('refuses members changes to those who cannot manage, 403 if visible and 404 if not', async () => {
    const school = await buildInstitution(db(), { kind: 'school', name: 'Szkoła Podstawowa nr 7 w Łodzi' });
    await db()
      .insert(partnershipMembers)
      .values({ partnershipId: partnership.id, institutionId: school.id, status: 'participating' });
    const { client: memberDirector } = await signIn('director', { institutionId: school.id });
    const ngo = await buildInstitution(db(), { kind: 'ngo', sector: 'ngo', name: 'Fundacja Łąka' });
    expect((await memberDirector.post(membersUrl(), { institutionId: ngo.id, status: 'invited' })).statusCode).toBe(
      403,
    );
    const { client: stranger } = await signIn('director');
    expect((await stranger.post(membersUrl(), { institutionId: ngo.id, status: 'invited' })).statusCode).toBe(404);
    const [members] = await db()
      .select({ value: count() })
      .from(partnershipMembers)
      .where(and(eq(partnershipMembers.partnershipId, partnership.id), eq(partnershipMembers.institutionId, ngo.id)));
    expect(Number(members!.value)).toBe(0);
  });
});
