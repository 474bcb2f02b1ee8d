import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, count, eq } from 'drizzle-orm';
import { auditEvents, institutions } from '../platform/db/tables.js';
import { createTestContext, TestClient, type TestContext } from '../testing/test-app.js';
import { GMINA_GROMADKA, GMINA_LODZ, GMINA_WIELICZKA, buildInstitution, signInAs } from '../testing/factories.js';
import type {
  CreateInstitutionInput,
  Institution,
  InstitutionPage,
} from '../../../shared/src/contracts/institutions.js';

const UNKNOWN_ID = '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f';

let context: TestContext;
let director: Awaited<ReturnType<typeof signInAs>>;
let caseManager: Awaited<ReturnType<typeof signInAs>>;
let admin: Awaited<ReturnType<typeof signInAs>>;

beforeAll(async () => {
  context = await createTestContext();
  director = await signInAs(context, 'director');
  caseManager = await signInAs(context, 'caseManager', { institutionId: director.user.institutionId });
  admin = await signInAs(context, 'admin');
});
afterAll(async () => {
  await context?.close();
});

let sequence = 0;
function newInstitution(overrides: Partial<CreateInstitutionInput> = {}): CreateInstitutionInput {
  sequence += 1;
  return {
    name: `Stowarzyszenie „Źródło” Pomocy Rodzinie w Łodzi nr ${sequence}`,
    shortName: `Źródło ${sequence}`,
    kind: 'ngo',
    sector: 'ngo',
    cooperationAreas: ['socialAssistance', 'civicActivity'],
    territoryCode: GMINA_LODZ,
    street: 'ul. Piotrkowska 104',
    postalCode: '90-926',
    city: 'Łódź',
    email: 'biuro@zrodlo.example',
    phone: '42 638 40 00',
    website: 'https://zrodlo.example',
    contacts: [
      {
        name: 'Jadwiga Żółtowska',
        position: 'prezeska zarządu',
        email: 'j.zoltowska@zrodlo.example',
        phone: '600 111 222',
      },
    ],
    ...overrides,
  };
}

async function create(client: TestClient, input: Record<string, unknown> = newInstitution()): Promise<Institution> {
  const response = await client.post('/api/v1/institutions', input);
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as Institution;
}

async function list(client: TestClient, query: string): Promise<InstitutionPage> {
  const response = await client.get(`/api/v1/institutions?${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as InstitutionPage;
}

async function auditRows(action: string, subjectId?: string) {
  return context.database.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.action, action), ...(subjectId ? [eq(auditEvents.subjectId, subjectId)] : [])));
}

async function institutionCount(): Promise<number> {
  const [row] = await context.database.db.select({ value: count() }).from(institutions);
  return Number(row!.value);
}

describe('POST /institutions', () => {
  it('registers an institution on behalf of the actor’s institution and audits field names only', async () => {
    const input = newInstitution();
    const created = await create(director.client, input);
    expect(created).toMatchObject({
      name: input.name,
      shortName: input.shortName,
      kind: 'ngo',
      sector: 'ngo',
      cooperationAreas: ['socialAssistance', 'civicActivity'],
      territoryCode: GMINA_LODZ,
      territoryName: 'Łódź',
      powiatName: 'Łódź',
      voivodeshipName: 'łódzkie',
      postalCode: '90-926',
      isArchived: false,
      archivedAt: null,
      version: 1,
      contacts: [
        {
          name: 'Jadwiga Żółtowska',
          position: 'prezeska zarządu',
          email: 'j.zoltowska@zrodlo.example',
          phone: '600 111 222',
        },
      ],
      abilities: { canUpdate: true, canArchive: true },
    });
    expect(created).not.toHaveProperty('registeredByInstitutionId');
    expect(created).not.toHaveProperty('nameSearch');

    const [row] = await context.database.db.select().from(institutions).where(eq(institutions.id, created.id));
    expect(row!.registeredByInstitutionId).toBe(director.user.institutionId);

    const [event] = await auditRows('institution.create', created.id);
    expect(event).toMatchObject({
      outcome: 'success',
      subjectType: 'institution',
      actorUserId: director.user.id,
      actorRole: 'director',
    });
    expect((event!.details as { fields: string[] }).fields).toEqual(
      expect.arrayContaining(['name', 'contacts', 'territoryCode']),
    );
    expect(JSON.stringify(event!.details)).not.toContain('Żółtowska');
  });

  it('finds the new institution by a query without diacritics, by words in any order and by short name', async () => {
    const created = await create(
      director.client,
      newInstitution({
        name: 'Fundacja Świętej Łucji w Gromadce',
        shortName: 'FŚŁ Gromadka',
        territoryCode: GMINA_GROMADKA,
      }),
    );
    for (const q of ['swietej lucji', 'GROMADCE fundacja', 'fsl gromadka', 'Łucji']) {
      const page = await list(caseManager.client, `q=${encodeURIComponent(q)}`);
      expect(
        page.items.map((item) => item.id),
        q,
      ).toContain(created.id);
    }
    expect((await list(caseManager.client, 'q=swietej%20marty')).items.map((item) => item.id)).not.toContain(
      created.id,
    );
  });

  it('finds "Ośrodek Pomocy Społecznej w Łodzi" with "osrodek lodz"', async () => {
    const ops = await buildInstitution(context.database.db, {
      name: 'Ośrodek Pomocy Społecznej w Łodzi',
      shortName: 'OPS Łódź',
    });
    const page = await list(caseManager.client, 'q=osrodek%20lodz&pageSize=100');
    expect(page.items.map((item) => item.id)).toContain(ops.id);
    // The exact name outranks the fixtures named "Ośrodek Pomocy Społecznej w Łodzi <suffix>".
    const exact = await list(
      caseManager.client,
      `q=${encodeURIComponent('ośrodek pomocy społecznej w łodzi ops łódź')}`,
    );
    expect(exact.items[0]!.id).toBe(ops.id);
  });

  it('refuses a territory that is not a gmina: unknown code, or a part of a gmina', async () => {
    const before = await institutionCount();
    for (const territoryCode of ['1061099', '1219054']) {
      const response = await director.client.post('/api/v1/institutions', newInstitution({ territoryCode }));
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({
        code: 'validation',
        errors: [{ field: 'territoryCode', code: 'unknownTerritory' }],
      });
    }
    const malformed = await director.client.post('/api/v1/institutions', newInstitution({ territoryCode: '10' }));
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ errors: [{ field: 'territoryCode', code: 'territoryCode' }] });
    expect(await institutionCount()).toBe(before);
  });

  it('refuses roles that do not register institutions, with a denied audit event', async () => {
    const before = await institutionCount();
    const response = await caseManager.client.post('/api/v1/institutions', newInstitution());
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ code: 'forbidden' });
    const denied = (await auditRows('institution.create')).filter(
      (row) => row.outcome === 'denied' && row.actorUserId === caseManager.user.id,
    );
    expect(denied).toHaveLength(1);
    expect(await institutionCount()).toBe(before);
  });

  it('asks anonymous callers to sign in', async () => {
    const response = await new TestClient(context).post('/api/v1/institutions', newInstitution());
    expect(response.statusCode).toBe(401);
  });

  describe('mass assignment', () => {
    it.each([
      ['id', { id: UNKNOWN_ID }],
      ['registeredByInstitutionId', { registeredByInstitutionId: UNKNOWN_ID }],
      ['version', { version: 7 }],
      ['archivedAt', { archivedAt: '2026-01-01T00:00:00Z' }],
      ['nameSearch', { nameSearch: 'x' }],
      ['createdAt', { createdAt: '2020-01-01T00:00:00Z' }],
      ['contacts[0].role', { contacts: [{ name: 'Jan Kowalski', role: 'admin' }] }],
    ])('rejects the unknown field %s with 400 and writes nothing', async (field, extra) => {
      const before = await institutionCount();
      const response = await director.client.post('/api/v1/institutions', { ...newInstitution(), ...extra });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'validation' });
      expect(JSON.stringify(response.json())).toContain('unrecognized_keys');
      expect(await institutionCount()).toBe(before);
    });

    it.each(['__proto__', 'constructor'])('rejects a %s payload with 400 and writes nothing', async (key) => {
      const before = await institutionCount();
      const poison =
        key === '__proto__' ? '{"registeredByInstitutionId":"x"}' : '{"prototype":{"registeredByInstitutionId":"x"}}';
      const body = JSON.stringify(newInstitution()).replace(/^\{/, `{"${key}":${poison},`);
      const response = await director.client.post('/api/v1/institutions', body, { 'content-type': 'application/json' });
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(await institutionCount()).toBe(before);
    });

    it('rejects registeredByInstitutionId on update too', async () => {
      const created = await create(director.client);
      const response = await director.client.patch(`/api/v1/institutions/${created.id}`, {
        version: 1,
        registeredByInstitutionId: admin.user.institutionId,
      });
      expect(response.statusCode).toBe(400);
      const [row] = await context.database.db.select().from(institutions).where(eq(institutions.id, created.id));
      expect(row).toMatchObject({ registeredByInstitutionId: director.user.institutionId, version: 1 });
    });
  });
});

describe('GET /institutions', () => {
  let school: Institution;
  let police: Institution;
  let clinic: Institution;

  beforeAll(async () => {
    school = await create(
      director.client,
      newInstitution({
        name: 'Szkoła Podstawowa nr 7 w Wieliczce',
        shortName: null,
        kind: 'school',
        sector: 'public',
        cooperationAreas: ['education'],
        territoryCode: GMINA_WIELICZKA,
      }),
    );
    police = await create(
      director.client,
      newInstitution({
        name: 'Komisariat Policji w Wieliczce',
        shortName: null,
        kind: 'police',
        sector: 'public',
        cooperationAreas: ['police', 'judiciary'],
        territoryCode: GMINA_WIELICZKA,
      }),
    );
    clinic = await create(
      director.client,
      newInstitution({
        name: 'Niepubliczna Poradnia Zdrowia w Wieliczce',
        shortName: null,
        kind: 'healthCare',
        sector: 'private',
        cooperationAreas: ['health'],
        territoryCode: GMINA_WIELICZKA,
      }),
    );
  });

  const ids = (page: InstitutionPage) => page.items.map((item) => item.id);

  it('filters by kind, sector, area and territory prefix (voivodeship, powiat, gmina)', async () => {
    expect(ids(await list(caseManager.client, 'q=wieliczce&kind=school'))).toEqual([school.id]);
    expect(ids(await list(caseManager.client, 'q=wieliczce&sector=private'))).toEqual([clinic.id]);
    expect(ids(await list(caseManager.client, 'q=wieliczce&area=judiciary'))).toEqual([police.id]);
    for (const territoryCode of ['12', '1219', GMINA_WIELICZKA]) {
      expect(ids(await list(caseManager.client, `q=wieliczce&territoryCode=${territoryCode}`)).sort()).toEqual(
        [school.id, police.id, clinic.id].sort(),
      );
    }
    expect(ids(await list(caseManager.client, 'q=wieliczce&territoryCode=10'))).toEqual([]);
  });

  it('returns summaries without personal data', async () => {
    const page = await list(caseManager.client, 'q=komisariat%20wieliczce');
    expect(page.items[0]).toEqual({
      id: police.id,
      name: 'Komisariat Policji w Wieliczce',
      shortName: null,
      kind: 'police',
      sector: 'public',
      cooperationAreas: ['police', 'judiciary'],
      territoryCode: GMINA_WIELICZKA,
      territoryName: 'Wieliczka',
      city: 'Łódź',
      isArchived: false,
    });
    expect(JSON.stringify(page)).not.toContain('Żółtowska');
  });

  it('pages with a total', async () => {
    const first = await list(caseManager.client, 'q=wieliczce&pageSize=2');
    const second = await list(caseManager.client, 'q=wieliczce&pageSize=2&page=2');
    expect(first.total).toBe(3);
    expect(first.items).toHaveLength(2);
    expect(second.items).toHaveLength(1);
    expect(new Set([...ids(first), ...ids(second)]).size).toBe(3);
  });

  it('treats LIKE wildcards in the query as text', async () => {
    expect((await list(caseManager.client, 'q=%25')).total).toBe(0);
    expect((await list(caseManager.client, 'q=_')).total).toBe(0);
  });

  it('hides archived institutions unless asked, and shows them again after restore', async () => {
    const created = await create(
      director.client,
      newInstitution({ name: 'Klub Sportowy „Orzeł” Gromadka', territoryCode: GMINA_GROMADKA }),
    );
    const archived = await director.client.post(`/api/v1/institutions/${created.id}/archive`);
    expect(archived.statusCode, archived.body).toBe(200);
    expect(archived.json()).toMatchObject({ isArchived: true, version: 2 });
    expect((archived.json() as Institution).archivedAt).not.toBeNull();

    expect(ids(await list(caseManager.client, 'q=klub%20orzel'))).toEqual([]);
    const withArchived = await list(caseManager.client, 'q=klub%20orzel&includeArchived=true');
    expect(withArchived.items).toMatchObject([{ id: created.id, isArchived: true }]);

    // Archiving never deletes: the record is still readable by id.
    expect((await caseManager.client.get(`/api/v1/institutions/${created.id}`)).statusCode).toBe(200);

    const restored = await director.client.post(`/api/v1/institutions/${created.id}/restore`);
    expect(restored.json()).toMatchObject({ isArchived: false, archivedAt: null, version: 3 });
    expect(ids(await list(caseManager.client, 'q=klub%20orzel'))).toEqual([created.id]);
    expect(await auditRows('institution.archive', created.id)).toHaveLength(1);
    expect(await auditRows('institution.restore', created.id)).toHaveLength(1);
  });

  it('writes no audit event per row of a list', async () => {
    const before = (await context.database.db.select({ value: count() }).from(auditEvents))[0]!.value;
    await list(caseManager.client, 'q=wieliczce');
    const after = (await context.database.db.select({ value: count() }).from(auditEvents))[0]!.value;
    expect(after).toBe(before);
  });
});

describe('GET /institutions/:id', () => {
  it('returns contacts and audits the read in the same request', async () => {
    const created = await create(director.client);
    const response = await caseManager.client.get(`/api/v1/institutions/${created.id}`);
    expect(response.statusCode).toBe(200);
    const body = response.json() as Institution;
    expect(body.contacts[0]!.name).toBe('Jadwiga Żółtowska');
    // A case manager of the registering institution may read but not edit.
    expect(body.abilities).toEqual({ canUpdate: false, canArchive: false, canChangeAccessFields: false });
    expect(response.headers['cache-control']).toBe('no-store');

    const reads = await auditRows('institution.read', created.id);
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({
      actorUserId: caseManager.user.id,
      outcome: 'success',
      requestId: response.headers['x-request-id'],
    });
  });

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    expect((await caseManager.client.get(`/api/v1/institutions/${UNKNOWN_ID}`)).statusCode).toBe(404);
    expect((await caseManager.client.get('/api/v1/institutions/not-a-uuid')).statusCode).toBe(400);
  });
});

describe('PATCH /institutions/:id', () => {
  it('applies a change, bumps the version and audits the changed field names', async () => {
    const created = await create(director.client);
    const response = await director.client.patch(`/api/v1/institutions/${created.id}`, {
      version: 1,
      name: 'Stowarzyszenie Pomocy Rodzinie „Przystań” w Łodzi',
      phone: '42 111 22 33',
      city: 'Łódź',
      contacts: [],
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      name: 'Stowarzyszenie Pomocy Rodzinie „Przystań” w Łodzi',
      phone: '42 111 22 33',
      contacts: [],
      version: 2,
    });

    const [event] = await auditRows('institution.update', created.id);
    expect((event!.details as { fields: string[] }).fields).toEqual(['contacts', 'name', 'phone']);
    expect(JSON.stringify(event!.details)).not.toContain('42 111');

    // The search text follows the new name.
    expect((await list(caseManager.client, 'q=przystan%20lodzi')).items.map((item) => item.id)).toContain(created.id);
  });

  it('refuses a stale version with 409 and changes nothing', async () => {
    const created = await create(director.client);
    expect(
      (await director.client.patch(`/api/v1/institutions/${created.id}`, { version: 1, city: 'Zgierz' })).statusCode,
    ).toBe(200);
    const stale = await director.client.patch(`/api/v1/institutions/${created.id}`, { version: 1, city: 'Pabianice' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'conflict' });
    const [row] = await context.database.db.select().from(institutions).where(eq(institutions.id, created.id));
    expect(row).toMatchObject({ city: 'Zgierz', version: 2 });
  });

  it('lets only one of two concurrent editors of the same version win', async () => {
    const created = await create(director.client);
    const results = await Promise.all([
      director.client.patch(`/api/v1/institutions/${created.id}`, { version: 1, city: 'Zgierz' }),
      admin.client.patch(`/api/v1/institutions/${created.id}`, { version: 1, city: 'Pabianice' }),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
  });

  it('refuses to change another institution’s record with 403 and a denied audit event', async () => {
    const foreign = await create(admin.client);
    const response = await director.client.patch(`/api/v1/institutions/${foreign.id}`, { version: 1, city: 'Zgierz' });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ code: 'forbidden' });
    const events = await auditRows('institution.update', foreign.id);
    expect(events).toMatchObject([{ outcome: 'denied', actorUserId: director.user.id }]);
    const [row] = await context.database.db.select().from(institutions).where(eq(institutions.id, foreign.id));
    expect(row).toMatchObject({ city: 'Łódź', version: 1 });
  });

  it('refuses a case manager even on the own institution’s records', async () => {
    const created = await create(director.client);
    const response = await caseManager.client.patch(`/api/v1/institutions/${created.id}`, {
      version: 1,
      city: 'Zgierz',
    });
    expect(response.statusCode).toBe(403);
  });

  it('lets a partner representative keep the own institution current', async () => {
    const own = await buildInstitution(context.database.db, {
      name: 'Szkoła Podstawowa nr 12 w Łodzi',
      kind: 'school',
    });
    const { client } = await signInAs(context, 'partnerRepresentative', { institutionId: own.id });
    const response = await client.patch(`/api/v1/institutions/${own.id}`, {
      version: 1,
      email: 'sekretariat@sp12.example',
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      email: 'sekretariat@sp12.example',
      abilities: { canUpdate: true, canArchive: false },
    });
  });

  it('validates the new territory', async () => {
    const created = await create(director.client);
    const response = await admin.client.patch(`/api/v1/institutions/${created.id}`, {
      version: 1,
      territoryCode: '1219055',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ errors: [{ field: 'territoryCode', code: 'unknownTerritory' }] });
  });

  it('answers 404 for an unknown id, for update, archive and restore', async () => {
    expect(
      (await director.client.patch(`/api/v1/institutions/${UNKNOWN_ID}`, { version: 1, city: 'Zgierz' })).statusCode,
    ).toBe(404);
    expect((await director.client.post(`/api/v1/institutions/${UNKNOWN_ID}/archive`)).statusCode).toBe(404);
    expect((await director.client.post(`/api/v1/institutions/${UNKNOWN_ID}/restore`)).statusCode).toBe(404);
  });

  it('refuses to archive for a network coordinator, with a denied audit event', async () => {
    const created = await create(director.client);
    const { client, user } = await signInAs(context, 'networkCoordinator', {
      institutionId: director.user.institutionId,
    });
    const response = await client.post(`/api/v1/institutions/${created.id}/archive`);
    expect(response.statusCode).toBe(403);
    expect(await auditRows('institution.archive', created.id)).toMatchObject([
      { outcome: 'denied', actorUserId: user.id },
    ]);
    const [row] = await context.database.db.select().from(institutions).where(eq(institutions.id, created.id));
    expect(row!.archivedAt).toBeNull();
  });
});

const GMINA_KRAKOW = '1261011';
const GMINA_WARSZAWA = '1465011';

async function rowOf(id: string) {
  const [row] = await context.database.db.select().from(institutions).where(eq(institutions.id, id));
  return row!;
}

describe('fields that decide access (kind, territory): the deployment administrator’s alone', () => {
  it('refuses a ROPS director moving the own institution to Warsaw: 403 naming the field, nothing written', async () => {
    const rops = await buildInstitution(context.database.db, {
      name: 'Regionalny Ośrodek Polityki Społecznej w Krakowie',
      kind: 'rops',
      territoryCode: GMINA_KRAKOW,
      city: 'Kraków',
    });
    const ropsDirector = await signInAs(context, 'director', { institutionId: rops.id });
    const read = (await ropsDirector.client.get(`/api/v1/institutions/${rops.id}`)).json() as Institution;
    expect(read.abilities).toEqual({ canUpdate: true, canArchive: true, canChangeAccessFields: false });

    const response = await ropsDirector.client.patch(`/api/v1/institutions/${rops.id}`, {
      version: 1,
      territoryCode: GMINA_WARSZAWA,
      city: 'Warszawa',
    });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({
      code: 'forbidden',
      errors: [{ field: 'territoryCode', code: 'adminOnlyField' }],
    });
    expect(await rowOf(rops.id)).toMatchObject({ territoryCode: GMINA_KRAKOW, city: 'Kraków', version: 1 });
    expect(await auditRows('institution.update', rops.id)).toMatchObject([
      {
        outcome: 'denied',
        actorUserId: ropsDirector.user.id,
        details: { reason: 'accessDecidingField', fields: ['territoryCode'] },
      },
    ]);
    expect(await auditRows('institution.access.update', rops.id)).toEqual([]);
  });

  it('refuses an NGO director making the own institution an OPS', async () => {
    const ngo = await buildInstitution(context.database.db, {
      name: 'Fundacja „Dobry Start” w Łodzi',
      kind: 'ngo',
      sector: 'ngo',
    });
    const ngoDirector = await signInAs(context, 'director', { institutionId: ngo.id });
    const response = await ngoDirector.client.patch(`/api/v1/institutions/${ngo.id}`, { version: 1, kind: 'ops' });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ errors: [{ field: 'kind', code: 'adminOnlyField' }] });
    expect(await rowOf(ngo.id)).toMatchObject({ kind: 'ngo', version: 1 });
    // And so the director still cannot found a partnership.
    const founded = await ngoDirector.client.post('/api/v1/partnerships', {
      name: 'Partnerski Zespół Kooperacyjny „Dobry Start”',
      territoryCode: GMINA_LODZ,
      modelVariant: 'urban3d',
      leaderInstitutionId: ngo.id,
      coordinatorUserIds: [ngoDirector.user.id],
    });
    expect(founded.statusCode).toBe(403);
  });

  it('refuses the registrar too, and accepts the unchanged kind and territory sent back by the form', async () => {
    const created = await create(director.client);
    const refused = await director.client.patch(`/api/v1/institutions/${created.id}`, {
      version: 1,
      kind: 'ops',
      territoryCode: GMINA_WARSZAWA,
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({
      errors: [
        { field: 'kind', code: 'adminOnlyField' },
        { field: 'territoryCode', code: 'adminOnlyField' },
      ],
    });
    const resent = await director.client.patch(`/api/v1/institutions/${created.id}`, {
      version: 1,
      kind: created.kind,
      territoryCode: created.territoryCode,
      city: 'Zgierz',
    });
    expect(resent.statusCode, resent.body).toBe(200);
    expect(resent.json()).toMatchObject({ kind: 'ngo', territoryCode: GMINA_LODZ, city: 'Zgierz', version: 2 });
  });

  it('lets the administrator change them, audited as a permission change with old and new values', async () => {
    const created = await create(director.client);
    const response = await admin.client.patch(`/api/v1/institutions/${created.id}`, {
      version: 1,
      kind: 'ops',
      territoryCode: GMINA_WIELICZKA,
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      kind: 'ops',
      territoryCode: GMINA_WIELICZKA,
      abilities: { canChangeAccessFields: true },
    });
    expect(await auditRows('institution.access.update', created.id)).toMatchObject([
      {
        outcome: 'success',
        actorUserId: admin.user.id,
        details: {
          changes: {
            kind: { from: 'ngo', to: 'ops' },
            territoryCode: { from: GMINA_LODZ, to: GMINA_WIELICZKA },
          },
        },
      },
    ]);
  });
});

describe('who keeps an institution: its own staff, not whoever registered it', () => {
  it('records no registrar when a deployment administrator registers an institution', async () => {
    const warsaw = await create(admin.client, newInstitution({ name: 'Ośrodek Pomocy Społecznej m.st. Warszawy' }));
    expect((await rowOf(warsaw.id)).registeredByInstitutionId).toBeNull();
  });

  it('refuses the admin’s own OPS staff renaming or archiving what the admin registered', async () => {
    const warsaw = await create(
      admin.client,
      newInstitution({ name: 'Ośrodek Pomocy Społecznej m.st. Warszawy', kind: 'ops', sector: 'public' }),
    );
    const adminsOwnDirector = await signInAs(context, 'director', { institutionId: admin.user.institutionId });
    const adminsOwnCoordinator = await signInAs(context, 'networkCoordinator', {
      institutionId: admin.user.institutionId,
    });
    const renamed = await adminsOwnCoordinator.client.patch(`/api/v1/institutions/${warsaw.id}`, {
      version: 1,
      name: 'Przejęty ośrodek',
    });
    expect(renamed.statusCode).toBe(403);
    expect((await adminsOwnDirector.client.post(`/api/v1/institutions/${warsaw.id}/archive`)).statusCode).toBe(403);
    expect(await rowOf(warsaw.id)).toMatchObject({ name: warsaw.name, archivedAt: null, version: 1 });

    // Warsaw's own director keeps its card.
    const warsawDirector = await signInAs(context, 'director', { institutionId: warsaw.id });
    const own = await warsawDirector.client.patch(`/api/v1/institutions/${warsaw.id}`, {
      version: 1,
      phone: '22 123 45 67',
    });
    expect(own.statusCode, own.body).toBe(200);
  });

  it('ends the registrar’s rights once the institution has staff of its own', async () => {
    const created = await create(director.client);
    expect(created.abilities).toMatchObject({ canUpdate: true, canArchive: true });
    const ownDirector = await signInAs(context, 'director', { institutionId: created.id });

    const registrarEdit = await director.client.patch(`/api/v1/institutions/${created.id}`, {
      version: 1,
      name: 'Zmiana z zewnątrz',
    });
    expect(registrarEdit.statusCode).toBe(403);
    expect((await director.client.post(`/api/v1/institutions/${created.id}/archive`)).statusCode).toBe(403);
    const read = (await director.client.get(`/api/v1/institutions/${created.id}`)).json() as Institution;
    expect(read.abilities).toMatchObject({ canUpdate: false, canArchive: false });

    const ownEdit = await ownDirector.client.patch(`/api/v1/institutions/${created.id}`, {
      version: 1,
      name: 'Stowarzyszenie „Źródło” — nazwa od własnego dyrektora',
    });
    expect(ownEdit.statusCode, ownEdit.body).toBe(200);
    expect((await ownDirector.client.post(`/api/v1/institutions/${created.id}/archive`)).statusCode).toBe(200);
  });
});
