import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, partnershipMembers, serviceVersions } from '../../platform/db/tables.js';
import { GMINA_LODZ, buildInstitution, buildPartnership, signInAs } from '../../testing/factories.js';
import { createTestContext, TestClient, type TestContext } from '../../testing/test-app.js';
import type { Service, ServicePage, BasketGaps } from '../../../../shared/src/contracts/basket.js';

let context: TestContext;
let partnershipId: string;
let schoolId: string;
let otherSchoolId: string;
let coordinator: TestClient;
let schoolRep: TestClient;
let otherRep: TestClient;
let caseManager: TestClient;
let outsider: TestClient;

const card = (overrides: Record<string, unknown> = {}) => ({
  partnershipId,
  name: 'Poradnictwo rodzinne dla rodzin z dziećmi',
  description: 'Konsultacje pedagoga i psychologa szkolnego dla rodziców i dzieci; wsparcie w kryzysie.',
  providerInstitutionId: schoolId,
  origin: 'partner',
  cooperationAreas: ['education', 'socialAssistance'],
  targetGroups: ['children', 'families'],
  cost: 'free',
  locationKind: 'address',
  street: 'ul. Piotrkowska 1',
  postalCode: '90-001',
  city: 'Łódź',
  territoryCode: GMINA_LODZ,
  reachKind: 'powiat',
  reachCodes: ['1061'],
  contactName: 'Grażyna Żak',
  contactPhone: '42 600 00 00',
  ...overrides,
});

beforeAll(async () => {
  context = await createTestContext();
  const db = context.database.db;
  const partnership = await buildPartnership(db, { name: 'PZK Łódź Bałuty' });
  partnershipId = partnership.id;
  coordinator = await new TestClient(context).signIn(
    (await db.query.users.findFirst({ where: (u, { eq: e }) => e(u.id, partnership.coordinatorUserId) }))!.email,
    (await import('../../testing/factories.js')).TEST_PASSWORD,
  );
  schoolId = (await buildInstitution(db, { kind: 'school', name: 'Szkoła Podstawowa nr 7 w Łodzi' })).id;
  otherSchoolId = (await buildInstitution(db, { kind: 'school', name: 'Szkoła Podstawowa nr 9 w Łodzi' })).id;
  for (const institutionId of [schoolId, otherSchoolId]) {
    await db
      .insert(partnershipMembers)
      .values({ partnershipId, institutionId, status: 'declared', declarationDate: '2026-02-01' });
  }
  schoolRep = (await signInAs(context, 'partnerRepresentative', { institutionId: schoolId })).client;
  otherRep = (await signInAs(context, 'partnerRepresentative', { institutionId: otherSchoolId })).client;
  caseManager = (await signInAs(context, 'caseManager', { institutionId: partnership.leaderInstitutionId })).client;
  outsider = (await signInAs(context, 'caseManager')).client;
});

afterAll(async () => {
  await context?.close();
});

async function createCard(client: TestClient, overrides: Record<string, unknown> = {}): Promise<Service> {
  const response = await client.post('/api/v1/services', card(overrides));
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as Service;
}

async function transition(client: TestClient, service: Service, action: string, reason?: string) {
  return client.post(`/api/v1/services/${service.id}/transitions`, { action, version: service.version, reason });
}

describe('service cards: the workflow from card to basket', () => {
  it('finds a card by its provider’s new name right after the institution is renamed', async () => {
    const db = context.database.db;
    const provider = await buildInstitution(db, { kind: 'ngo', name: 'Stowarzyszenie Tęczowy Most' });
    await db
      .insert(partnershipMembers)
      .values({ partnershipId, institutionId: provider.id, status: 'declared', declarationDate: '2026-02-01' });
    const draft = await createCard(coordinator, {
      name: 'Grupa wsparcia dla opiekunów',
      description: 'Spotkania raz w tygodniu.',
      providerInstitutionId: provider.id,
    });
    expect((await transition(coordinator, draft, 'publish')).statusCode).toBe(200);
    const hits = async (q: string) =>
      ((await caseManager.get(`/api/v1/services?q=${encodeURIComponent(q)}`)).json() as ServicePage).items.map(
        (item) => item.id,
      );
    expect(await hits('teczowy most')).toContain(draft.id);

    const admin = (await signInAs(context, 'admin')).client;
    const renamed = await admin.patch(`/api/v1/institutions/${provider.id}`, {
      name: 'Fundacja Złota Jesień',
      version: provider.version,
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(await hits('zlota jesien')).toContain(draft.id);
    expect(await hits('teczowy most')).not.toContain(draft.id);
  });

  it('a partner fills in and submits its card, the coordinator publishes, a case manager finds it with no diacritics and a typo', async () => {
    const draft = await createCard(schoolRep);
    expect(draft).toMatchObject({ status: 'draft', providerName: 'Szkoła Podstawowa nr 7 w Łodzi', version: 1 });
    expect(draft.abilities).toMatchObject({ canUpdate: true, canSubmit: true, canPublish: false });

    const submitted = await transition(schoolRep, draft, 'submit');
    expect(submitted.statusCode, submitted.body).toBe(200);
    expect(await transition(schoolRep, submitted.json() as Service, 'publish').then((r) => r.statusCode)).toBe(403);

    const search = () => caseManager.get('/api/v1/services?q=poradnictwo%20rodzine%20dziecmi');
    expect(((await search()).json() as ServicePage).total).toBe(0);

    const published = await transition(coordinator, submitted.json() as Service, 'publish');
    expect(published.statusCode, published.body).toBe(200);
    expect(published.json()).toMatchObject({ status: 'published', isStale: false });

    const found = (await search()).json() as ServicePage;
    expect(found.items.map((s) => s.id)).toEqual([draft.id]);
    const page = await caseManager.get(`/api/v1/services/${draft.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.json()).toMatchObject({ contactName: 'Grażyna Żak', reachNames: ['Łódź'] });
    expect((page.json() as Service).abilities.canUpdate).toBe(false);
  });

  it('keeps drafts from case managers and everything from unrelated users (404, no hits)', async () => {
    const draft = await createCard(schoolRep, { name: 'Świetlica środowiskowa' });
    expect((await caseManager.get(`/api/v1/services/${draft.id}`)).statusCode).toBe(404);
    expect((await outsider.get(`/api/v1/services/${draft.id}`)).statusCode).toBe(404);
    const outsiderSearch = (await outsider.get('/api/v1/services?q=poradnictwo')).json() as ServicePage;
    expect(outsiderSearch.total).toBe(0);
    const managersDrafts = (
      await coordinator.get(`/api/v1/services?status=draft&partnershipId=${partnershipId}`)
    ).json() as ServicePage;
    expect(managersDrafts.items.map((s) => s.id)).toContain(draft.id);
    const caseManagersDrafts = (await caseManager.get('/api/v1/services?status=draft')).json() as ServicePage;
    expect(caseManagersDrafts.total).toBe(0);
  });

  it('refuses a partner another institution’s card (403, audited) and cards for another provider', async () => {
    const draft = await createCard(otherRep, { name: 'Zajęcia wyrównawcze', providerInstitutionId: otherSchoolId });
    // A draft of another institution is invisible (404); once published, editing it is refused (403).
    expect((await schoolRep.patch(`/api/v1/services/${draft.id}`, { version: 1, name: 'x' })).statusCode).toBe(404);
    const foreign = (await transition(coordinator, draft, 'publish')).json() as Service;
    const response = await schoolRep.patch(`/api/v1/services/${foreign.id}`, {
      version: foreign.version,
      name: 'Przejęte',
    });
    expect(response.statusCode).toBe(403);
    // Both refusals are audited: the invisible draft (404) and the visible card (403).
    const denied = await context.database.db
      .select({ details: auditEvents.details })
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectId, foreign.id), eq(auditEvents.outcome, 'denied')))
      .orderBy(auditEvents.id);
    expect(denied.map((event) => event.details)).toEqual([{ reason: 'notVisible' }, { reason: 'recordRule' }]);
    const forOther = await schoolRep.post('/api/v1/services', card({ providerInstitutionId: otherSchoolId }));
    expect(forOther.statusCode).toBe(403);
  });

  it('edits with the version read, keeps each change as a version and refuses a stale one', async () => {
    const draft = await createCard(schoolRep, { name: 'Pedagog szkolny – dyżury' });
    const edited = await schoolRep.patch(`/api/v1/services/${draft.id}`, {
      version: 1,
      schedule: 'pon.–pt. 8:00–15:00',
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ version: 2, schedule: 'pon.–pt. 8:00–15:00' });
    expect((await schoolRep.patch(`/api/v1/services/${draft.id}`, { version: 1, schedule: 'x' })).statusCode).toBe(409);
    const history = (await schoolRep.get(`/api/v1/services/${draft.id}/history`)).json() as {
      items: Array<{ version: number; event: string; changedFields: string[] }>;
    };
    expect(history.items.map((v) => [v.version, v.event])).toEqual([
      [1, 'created'],
      [2, 'edited'],
    ]);
    expect(history.items[1]!.changedFields).toEqual(['schedule']);
    const versions = await context.database.db
      .select()
      .from(serviceVersions)
      .where(eq(serviceVersions.serviceId, draft.id));
    expect(versions).toHaveLength(2);
  });

  it('requires a reason to suspend or withdraw and names the field', async () => {
    const draft = await createCard(schoolRep, { name: 'Kółko szachowe' });
    const published = (await transition(coordinator, draft, 'publish')).json() as Service;
    const noReason = await transition(coordinator, published, 'suspend');
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json()).toMatchObject({ errors: [{ field: 'reason', code: 'reasonRequired' }] });
    const suspended = await transition(coordinator, published, 'suspend', 'Brak prowadzącego do odwołania');
    expect(suspended.json()).toMatchObject({ status: 'suspended' });
  });

  it('validates the card: reach at the right level, a known gmina, a provider for partner cards', async () => {
    const response = await coordinator.post(
      '/api/v1/services',
      card({ reachKind: 'gminas', reachCodes: ['1061'], providerInstitutionId: null, territoryCode: '9999999' }),
    );
    expect(response.statusCode).toBe(400);
    const fields = (response.json() as { errors: Array<{ field: string; code: string }> }).errors.map(
      (e) => `${e.field}:${e.code}`,
    );
    expect(fields).toEqual(
      expect.arrayContaining([
        'reachCodes:reachCodeLevel',
        'territoryCode:unknownTerritory',
        'providerInstitutionId:providerRequired',
      ]),
    );
  });

  it('lets the coordinator add neighbourhood and self-help services; filters narrow the search', async () => {
    const selfHelp = await createCard(coordinator, {
      name: 'Grupa wsparcia dla rodziców',
      origin: 'selfHelp',
      providerInstitutionId: null,
      providerName: 'Grupa samopomocowa „Razem”',
      cooperationAreas: ['civicActivity'],
      targetGroups: ['caregivers'],
      cost: 'free',
      locationKind: 'remote',
      city: null,
      reachKind: 'voivodeship',
      reachCodes: ['10'],
    });
    await transition(coordinator, selfHelp, 'publish');
    const byOrigin = (await caseManager.get('/api/v1/services?origin=selfHelp')).json() as ServicePage;
    expect(byOrigin.items.map((s) => s.name)).toEqual(['Grupa wsparcia dla rodziców']);
    const byGroupAndArea = (
      await caseManager.get('/api/v1/services?targetGroup=caregivers&area=education')
    ).json() as ServicePage;
    expect(byGroupAndArea.total).toBe(0);
    // Voivodeship reach covers a rural gmina of łódzkie; the school's powiat reach does not.
    const covers = (await caseManager.get('/api/v1/services?coversGmina=1001022')).json() as ServicePage;
    expect(covers.items.map((s) => s.name)).toEqual(['Grupa wsparcia dla rodziców']);
    const byProviderKind = (await caseManager.get('/api/v1/services?providerKind=school')).json() as ServicePage;
    expect(byProviderKind.items.every((s) => s.providerKind === 'school')).toBe(true);
    expect(byProviderKind.total).toBeGreaterThan(0);
  });

  it('shows per area and target group how many published services the basket has', async () => {
    const gaps = (await caseManager.get(`/api/v1/partnerships/${partnershipId}/basket/gaps`)).json() as BasketGaps;
    expect(gaps.cells).toHaveLength(10 * 13);
    const cell = (area: string, group: string) =>
      gaps.cells.find((c) => c.area === area && c.targetGroup === group)!.count;
    expect(cell('education', 'children')).toBeGreaterThanOrEqual(1);
    expect(cell('police', 'seniors')).toBe(0);
    expect(gaps.byArea.find((a) => a.area === 'civicActivity')!.count).toBe(1);
    expect((await outsider.get(`/api/v1/partnerships/${partnershipId}/basket/gaps`)).statusCode).toBe(404);
  });

  it('audits reads and writes of cards', async () => {
    const draft = await createCard(schoolRep, { name: 'Logopeda' });
    await schoolRep.get(`/api/v1/services/${draft.id}`);
    const actions = await context.database.db
      .select({ action: auditEvents.action })
      .from(auditEvents)
      .where(eq(auditEvents.subjectId, draft.id));
    expect(actions.map((a) => a.action)).toEqual(expect.arrayContaining(['service.create', 'service.read']));
  });
});

describe('the stale flag', () => {
  it('flags published cards not confirmed for 12 months and clears the flag on confirmation', async () => {
    const db = context.database.db;
    const draft = await createCard(schoolRep, { name: 'Stara usługa' });
    const published = (await transition(coordinator, draft, 'publish')).json() as Service;
    const { services } = await import('../../platform/db/tables.js');
    await db
      .update(services)
      .set({ lastConfirmedAt: new Date('2024-01-01') })
      .where(eq(services.id, draft.id));
    const stale = (await caseManager.get('/api/v1/services?isStale=true')).json() as ServicePage;
    expect(stale.items.map((s) => s.id)).toEqual([draft.id]);
    const confirmed = await transition(schoolRep, published, 'confirm');
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json()).toMatchObject({ isStale: false });
    expect(((await caseManager.get('/api/v1/services?isStale=true')).json() as ServicePage).total).toBe(0);
  });
});

describe('edits keep what they do not name, and stay with the card keeper’s own institution', () => {
  it('a PATCH of one field leaves the defaulted fields (languages, accessibility, compound) as they were', async () => {
    const draft = await createCard(schoolRep, {
      name: 'Zajęcia dla dzieci z Ukrainy',
      languages: ['pl', 'uk'],
      isAccessible: true,
      isCompound: true,
    });
    const edited = await schoolRep.patch(`/api/v1/services/${draft.id}`, { version: 1, capacity: '12 miejsc' });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({
      capacity: '12 miejsc',
      languages: ['pl', 'uk'],
      isAccessible: true,
      isCompound: true,
    });
    const history = (await schoolRep.get(`/api/v1/services/${draft.id}/history`)).json() as {
      items: Array<{ changedFields: string[] }>;
    };
    expect(history.items.at(-1)!.changedFields).toEqual(['capacity']);
  });

  it('refuses a card keeper moving their card to another institution or origin (403, audited)', async () => {
    const draft = await createCard(schoolRep, { name: 'Korepetycje z matematyki' });
    for (const patch of [{ providerInstitutionId: otherSchoolId }, { origin: 'neighbourhood' }]) {
      const response = await schoolRep.patch(`/api/v1/services/${draft.id}`, { version: 1, ...patch });
      expect(response.statusCode, response.body).toBe(403);
    }
    const [denied] = await context.database.db
      .select({ value: count() })
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.subjectId, draft.id),
          eq(auditEvents.action, 'service.update'),
          eq(auditEvents.outcome, 'denied'),
        ),
      );
    expect(Number(denied!.value)).toBe(2);
    // The coordinator may hand the card to another member.
    const moved = await coordinator.patch(`/api/v1/services/${draft.id}`, {
      version: 1,
      providerInstitutionId: otherSchoolId,
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({ providerName: 'Szkoła Podstawowa nr 9 w Łodzi', version: 2 });
  });

  it('accepts partner cards only from institutions taking part in the partnership', async () => {
    const stranger = await buildInstitution(context.database.db, { kind: 'ngo', name: 'Fundacja spoza partnerstwa' });
    const response = await coordinator.post(
      '/api/v1/services',
      card({ name: 'Usługa obcej fundacji', providerInstitutionId: stranger.id }),
    );
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ errors: [{ field: 'providerInstitutionId', code: 'providerNotMember' }] });
    // The same institution as a neighbourhood service is fine.
    const neighbourhood = await coordinator.post(
      '/api/v1/services',
      card({ name: 'Usługa obcej fundacji', providerInstitutionId: stranger.id, origin: 'neighbourhood' }),
    );
    expect(neighbourhood.statusCode, neighbourhood.body).toBe(201);
    const turned = await coordinator.patch(`/api/v1/services/${(neighbourhood.json() as Service).id}`, {
      version: 1,
      origin: 'partner',
    });
    expect(turned.statusCode).toBe(400);
  });

  it('writes an audit row for each update and transition, with the reason of a withdrawal', async () => {
    const draft = await createCard(schoolRep, { name: 'Trening umiejętności społecznych' });
    const edited = (
      await schoolRep.patch(`/api/v1/services/${draft.id}`, { version: 1, capacity: '8 osób' })
    ).json() as Service;
    const submitted = (await transition(schoolRep, edited, 'submit')).json() as Service;
    const returned = (await transition(coordinator, submitted, 'returnToDraft')).json() as Service;
    // Back in draft, a submit sent with the version read before the return is a conflict.
    expect((await transition(schoolRep, submitted, 'submit')).statusCode).toBe(409);
    const published = (await transition(coordinator, returned, 'publish')).json() as Service;
    const confirmed = (await transition(schoolRep, published, 'confirm')).json() as Service;
    const withdrawn = await transition(coordinator, confirmed, 'withdraw', 'Koniec finansowania projektu');
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    const rows = await context.database.db
      .select({ action: auditEvents.action, outcome: auditEvents.outcome, details: auditEvents.details })
      .from(auditEvents)
      .where(eq(auditEvents.subjectId, draft.id));
    expect(rows.filter((r) => r.outcome === 'success').map((r) => r.action)).toEqual([
      'service.create',
      'service.edited',
      'service.submitted',
      'service.returnedToDraft',
      'service.published',
      'service.confirmed',
      'service.withdrawn',
    ]);
    expect(rows.at(-1)!.details).toMatchObject({ reason: 'Koniec finansowania projektu', toStatus: 'withdrawn' });
    const history = (await coordinator.get(`/api/v1/services/${draft.id}/history`)).json() as {
      items: Array<{ version: number; event: string; changedByDisplayName: string | null }>;
    };
    expect(history.items.map((v) => `${v.version}:${v.event}`)).toEqual([
      '1:created',
      '2:edited',
      '3:submitted',
      '4:returnedToDraft',
      '5:published',
      '6:confirmed',
      '7:withdrawn',
    ]);
    expect(history.items.every((v) => v.changedByDisplayName)).toBe(true);
    // A withdrawn card is final: no edit, no transition.
    const final = withdrawn.json() as Service;
    expect((await transition(coordinator, final, 'publish')).statusCode).toBe(403);
    expect(
      (await coordinator.patch(`/api/v1/services/${draft.id}`, { version: final.version, capacity: 'x' })).statusCode,
    ).toBe(403);
    expect((await outsider.get(`/api/v1/services/${draft.id}/history`)).statusCode).toBe(404);
  });
});

describe('search filters, each narrowing the basket', () => {
  let basketId: string;
  let otherBasketId: string;
  let manager: TestClient;
  let otherManager: TestClient;
  let rops: TestClient;
  let admin: TestClient;
  const ids: Record<string, string> = {};
  let gminaInPowiat: string;
  /** Creates a card from the basket's template and publishes it (unless its key is `draft`). */
  let make: (client: TestClient, key: string, partnership: string, fields: Record<string, unknown>) => Promise<void>;

  beforeAll(async () => {
    const db = context.database.db;
    const { services, territories } = await import('../../platform/db/tables.js');
    const leader = await buildInstitution(db, { kind: 'gops', name: 'GOPS w Wieliczce', territoryCode: '1219053' });
    const basket = await buildPartnership(db, {
      name: 'PZK Wieliczka',
      territoryCode: '1219053',
      leaderInstitutionId: leader.id,
    });
    basketId = basket.id;
    // A second basket in the same voivodeship, so that partnershipId and voivodeshipCode differ.
    const other = await buildPartnership(db, { name: 'PZK Kraków', territoryCode: '1261011' });
    otherBasketId = other.id;
    manager = (await signInAs(context, 'director', { institutionId: leader.id })).client;
    otherManager = (await signInAs(context, 'director', { institutionId: other.leaderInstitutionId })).client;
    const ropsInstitution = await buildInstitution(db, { kind: 'rops', name: 'ROPS Kraków', territoryCode: '1261011' });
    rops = (await signInAs(context, 'ropsCoordinator', { institutionId: ropsInstitution.id })).client;
    admin = (await signInAs(context, 'admin')).client;
    const [gmina] = await db
      .select({ code: territories.code })
      .from(territories)
      .where(and(eq(territories.powiatCode, '1219'), eq(territories.level, 'gmina'), eq(territories.code, '1219012')));
    gminaInPowiat = gmina!.code;

    const base = {
      providerInstitutionId: leader.id,
      origin: 'partner',
      cost: 'free',
      locationKind: 'address',
      city: 'Wieliczka',
      territoryCode: '1219053',
      reachKind: 'gminas',
      reachCodes: ['1219053'],
      contactName: null,
      contactPhone: null,
      // A published card gives a way to contact its provider; an institution's address will do.
      contactEmail: 'koszyk@ops-wieliczka.example',
    };
    make = async (client, key, partnership, fields) => {
      const created = await createCard(client, { ...base, partnershipId: partnership, ...fields });
      ids[key] = created.id;
      if (key !== 'draft') {
        const published = await transition(client, created, 'publish');
        expect(published.statusCode, published.body).toBe(200);
      }
    };
    await make(manager, 'family', basketId, {
      name: 'Asystent rodziny',
      description: 'Wsparcie rodzin w wypełnianiu funkcji opiekuńczo-wychowawczych.',
      cooperationAreas: ['socialAssistance'],
      targetGroups: ['families'],
    });
    await make(manager, 'seniors', basketId, {
      name: 'Dzienny dom seniora',
      description: 'Zajęcia i posiłek dla seniorów z powiatu.',
      providerInstitutionId: null,
      providerName: 'Stowarzyszenie Seniorzy Razem',
      origin: 'neighbourhood',
      cooperationAreas: ['health'],
      targetGroups: ['seniors'],
      cost: 'paid',
      reachKind: 'powiat',
      reachCodes: ['1219'],
    });
    await make(manager, 'migrants', basketId, {
      name: 'Kurs języka polskiego',
      description: 'Kurs dla cudzoziemców w całym województwie.',
      providerInstitutionId: null,
      providerName: 'Grupa wolontariuszy',
      origin: 'selfHelp',
      cooperationAreas: ['education'],
      targetGroups: ['migrants'],
      cost: 'meansTested',
      locationKind: 'remote',
      city: null,
      reachKind: 'voivodeship',
      reachCodes: ['12'],
    });
    await make(manager, 'draft', basketId, {
      name: 'Asystent rodziny – szkic',
      description: 'Jeszcze nie opublikowana.',
      cooperationAreas: ['socialAssistance'],
      targetGroups: ['families'],
    });
    await make(otherManager, 'krakow', otherBasketId, {
      name: 'Asystent rodziny w Krakowie',
      description: 'Wsparcie rodzin.',
      providerInstitutionId: other.leaderInstitutionId,
      cooperationAreas: ['socialAssistance'],
      targetGroups: ['families'],
      territoryCode: '1261011',
      reachCodes: ['1261011'],
    });
    await db
      .update(services)
      .set({ lastConfirmedAt: new Date('2020-01-01') })
      .where(eq(services.id, ids.migrants!));
  });

  const names = async (client: TestClient, query: string) => {
    const response = await client.get(`/api/v1/services?${query}`);
    expect(response.statusCode, response.body).toBe(200);
    return ((response.json() as ServicePage).items.map((s) => s.name) as string[]).sort();
  };
  const inBasket = (query: string) => `partnershipId=${basketId}&${query}`;

  it('lists the published cards of one basket by default', async () => {
    expect(await names(rops, inBasket(''))).toEqual([
      'Asystent rodziny',
      'Dzienny dom seniora',
      'Kurs języka polskiego',
    ]);
  });

  it.each([
    ['area=health', ['Dzienny dom seniora']],
    ['area=health&area=education', ['Dzienny dom seniora', 'Kurs języka polskiego']],
    ['targetGroup=migrants', ['Kurs języka polskiego']],
    ['targetGroup=families&area=health', []],
    ['cost=paid', ['Dzienny dom seniora']],
    ['cost=free&cost=meansTested', ['Asystent rodziny', 'Kurs języka polskiego']],
    ['origin=neighbourhood', ['Dzienny dom seniora']],
    ['origin=partner', ['Asystent rodziny']],
    ['providerKind=gops', ['Asystent rodziny']],
    ['providerKind=school', []],
    ['isStale=true', ['Kurs języka polskiego']],
    ['isStale=false', ['Asystent rodziny', 'Dzienny dom seniora']],
    ['coversGmina=1219053', ['Asystent rodziny', 'Dzienny dom seniora', 'Kurs języka polskiego']],
    ['coversGmina=1261011', ['Kurs języka polskiego']],
    ['coversGmina=1061011', []],
    ['q=seniorow', ['Dzienny dom seniora']],
    ['q=asystnet%20rodzin', ['Asystent rodziny']],
    ['q=wolontariuszy', ['Kurs języka polskiego']],
  ])('%s', async (query, expected) => {
    expect(await names(rops, inBasket(query))).toEqual(expected);
  });

  it('covers every gmina of a powiat reach', async () => {
    expect(await names(rops, inBasket(`coversGmina=${gminaInPowiat}`))).toEqual([
      'Dzienny dom seniora',
      'Kurs języka polskiego',
    ]);
  });

  it('narrows by partnership and by voivodeship', async () => {
    const families = 'q=asystent%20rodziny';
    expect(await names(rops, families)).toEqual(['Asystent rodziny', 'Asystent rodziny w Krakowie']);
    expect(await names(rops, `${families}&partnershipId=${otherBasketId}`)).toEqual(['Asystent rodziny w Krakowie']);
    expect(await names(admin, `${families}&voivodeshipCode=12`)).toEqual([
      'Asystent rodziny',
      'Asystent rodziny w Krakowie',
    ]);
    expect(await names(admin, `${families}&voivodeshipCode=10`)).toEqual([]);
  });

  it('shows other statuses only to those who run the basket', async () => {
    expect(await names(rops, inBasket('status=draft'))).toEqual([]);
    expect(await names(manager, inBasket('status=draft'))).toEqual(['Asystent rodziny – szkic']);
    expect(await names(manager, inBasket('status=draft&status=published&q=asystent'))).toEqual([
      'Asystent rodziny',
      'Asystent rodziny – szkic',
    ]);
    expect(await names(rops, inBasket('status=draft&status=published&q=asystent'))).toEqual(['Asystent rodziny']);
  });

  it('ranks the closest card first (before name order) and pages with a total', async () => {
    const byName = { providerInstitutionId: null, providerName: 'Poradnia', origin: 'neighbourhood' };
    await make(otherManager, 'close', otherBasketId, {
      ...byName,
      name: 'Aaa grupa dla osób uzależnionych',
      description: 'Spotkania.',
    });
    await make(otherManager, 'exact', otherBasketId, {
      ...byName,
      name: 'Terapia uzależnień',
      description: 'Terapia.',
    });
    const query = `partnershipId=${otherBasketId}&q=uzaleznien&pageSize=1`;
    const page = (await rops.get(`/api/v1/services?${query}`)).json() as ServicePage;
    expect(page.items.map((s) => s.name)).toEqual(['Terapia uzależnień']);
    expect(page.total).toBe(2);
    const second = (await rops.get(`/api/v1/services?${query}&page=2`)).json() as ServicePage;
    expect(second.items.map((s) => s.name)).toEqual(['Aaa grupa dla osób uzależnionych']);
    const pastTheEnd = (await rops.get(`/api/v1/services?${query}&page=3`)).json() as ServicePage;
    expect(pastTheEnd).toMatchObject({ items: [], total: 2, page: 3 });
  });

  it('counts only published cards in the gaps of the basket', async () => {
    const gaps = (await rops.get(`/api/v1/partnerships/${basketId}/basket/gaps`)).json() as BasketGaps;
    expect(gaps.total).toBe(3);
    const count = (area: string, group: string) =>
      gaps.cells.find((c) => c.area === area && c.targetGroup === group)!.count;
    expect(count('socialAssistance', 'families')).toBe(1);
    expect(count('health', 'seniors')).toBe(1);
    expect(count('education', 'migrants')).toBe(1);
    expect(gaps.cells.reduce((sum, c) => sum + c.count, 0)).toBe(3);
    expect(gaps.byTargetGroup).toHaveLength(13);
    expect(gaps.byArea.find((a) => a.area === 'socialAssistance')!.count).toBe(1);
  });
});

describe('the search scope in SQL says what canReadService says', () => {
  it('finds exactly the cards each actor may open, in every status; unknown and invisible ids answer alike', async () => {
    const name = 'Zgodność zakresu';
    const draft = await createCard(schoolRep, { name: `${name} szkic` });
    const submitted = (
      await transition(schoolRep, await createCard(schoolRep, { name: `${name} zgłoszona` }), 'submit')
    ).json() as Service;
    const published = (
      await transition(coordinator, await createCard(schoolRep, { name: `${name} opublikowana` }), 'publish')
    ).json() as Service;
    const suspended = (
      await transition(
        coordinator,
        (
          await transition(coordinator, await createCard(schoolRep, { name: `${name} zawieszona` }), 'publish')
        ).json() as Service,
        'suspend',
        'Remont',
      )
    ).json() as Service;
    const withdrawn = (
      await transition(
        coordinator,
        await createCard(otherRep, { name: `${name} wycofana`, providerInstitutionId: otherSchoolId }),
        'withdraw',
        'Koniec',
      )
    ).json() as Service;
    const cards = [draft, submitted, published, suspended, withdrawn];
    const everyStatus = 'status=draft&status=submitted&status=published&status=suspended&status=withdrawn';
    const admin = (await signInAs(context, 'admin')).client;
    for (const client of [schoolRep, otherRep, caseManager, coordinator, outsider, admin]) {
      const found = (
        await client.get(`/api/v1/services?q=zgodnosc%20zakresu&${everyStatus}&pageSize=100`)
      ).json() as ServicePage;
      const opened: string[] = [];
      for (const card of cards) {
        const status = (await client.get(`/api/v1/services/${card.id}`)).statusCode;
        expect([200, 404]).toContain(status);
        if (status === 200) opened.push(card.id);
      }
      expect(found.items.map((s) => s.id).sort()).toEqual(opened.sort());
      expect((await client.get('/api/v1/services/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    }
    const ids = async (client: TestClient) =>
      ((await client.get(`/api/v1/services?q=zgodnosc%20zakresu&${everyStatus}`)).json() as ServicePage).items
        .map((s) => s.id)
        .sort();
    expect(await ids(schoolRep)).toEqual([draft.id, submitted.id, published.id, suspended.id].sort());
    expect(await ids(otherRep)).toEqual([published.id, withdrawn.id].sort());
    expect(await ids(caseManager)).toEqual([published.id]);
    expect(await ids(coordinator)).toEqual(cards.map((c) => c.id).sort());
    expect(await ids(outsider)).toEqual([]);
  });
});
