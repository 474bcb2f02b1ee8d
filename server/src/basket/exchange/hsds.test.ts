import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, partnershipMembers, users } from '../../platform/db/tables.js';
import {
  GMINA_GROMADKA,
  GMINA_LODZ,
  TEST_PASSWORD,
  buildInstitution,
  buildPartnership,
  buildServiceCard,
  signInAs,
} from '../../testing/factories.js';
import { createTestContext, TestClient, type TestContext } from '../../testing/test-app.js';
import type { ImportPreview } from '../../../../shared/src/contracts/basket.js';
import type { RequestContext } from '../../platform/auth/actor.js';
import { insertServiceCard } from '../cards/cards.store.js';
import type { HsdsDocument } from './hsds.mapping.js';
import { validateHsdsDocument, validateHsdsObject } from './hsds.validation.js';

let context: TestContext;
let partnershipA: string;
let partnershipB: string;
let schoolId: string;
let coordinatorA: TestClient;
let coordinatorB: TestClient;
let caseManagerA: TestClient;
let outsider: TestClient;

const systemContext: RequestContext = { actor: null, requestId: 'hsds-test', ip: null };

const card = buildServiceCard;

async function signInCoordinator(coordinatorUserId: string) {
  const [user] = await context.database.db.select().from(users).where(eq(users.id, coordinatorUserId));
  return new TestClient(context).signIn(user!.email, TEST_PASSWORD);
}

beforeAll(async () => {
  context = await createTestContext();
  const db = context.database.db;
  const a = await buildPartnership(db, { name: 'PZK Łódź Bałuty' });
  const b = await buildPartnership(db, { name: 'PZK Gromadka', territoryCode: GMINA_GROMADKA });
  partnershipA = a.id;
  partnershipB = b.id;
  coordinatorA = await signInCoordinator(a.coordinatorUserId);
  coordinatorB = await signInCoordinator(b.coordinatorUserId);
  schoolId = (
    await buildInstitution(db, {
      kind: 'school',
      name: 'Szkoła Podstawowa nr 7 w Łodzi',
      phone: '42 611 22 33',
      email: 'sekretariat@sp7.lodz.pl',
      website: 'sp7.lodz.pl',
    })
  ).id;
  await db.insert(partnershipMembers).values({
    partnershipId: partnershipA,
    institutionId: schoolId,
    status: 'declared',
    declarationDate: '2026-02-01',
  });
  caseManagerA = (await signInAs(context, 'caseManager', { institutionId: a.leaderInstitutionId })).client;
  outsider = (await signInAs(context, 'caseManager')).client;

  await insertServiceCard(db, systemContext, partnershipA, card({ providerInstitutionId: schoolId }), {
    status: 'published',
  });
  await insertServiceCard(
    db,
    systemContext,
    partnershipA,
    card({
      name: 'Grupa wsparcia dla opiekunów osób z demencją',
      description: 'Spotkania co dwa tygodnie; wymiana doświadczeń i wsparcie psychologa.',
      origin: 'selfHelp',
      providerName: 'Stowarzyszenie „Razem łatwiej”',
      cooperationAreas: ['health', 'civicActivity'],
      targetGroups: ['caregivers', 'seniors'],
      locationKind: 'remote',
      street: null,
      postalCode: null,
      city: null,
      territoryCode: null,
      reachKind: 'powiat',
      reachCodes: ['1061'],
      schedule: 'Co drugi wtorek, 17:00–19:00',
      isCompound: true,
      isReferralRequired: true,
      referralBy: 'Ośrodek Pomocy Społecznej',
      accessDescription: 'Zapisy telefoniczne.',
      capacity: '12 osób w grupie',
      waitingTimeDays: 14,
      cost: 'meansTested',
      costDescription: 'Odpłatność według kryterium dochodowego.',
      languages: ['pl', 'uk'],
      contactName: 'Jan Kowalski',
    }),
    { status: 'published' },
  );
  await insertServiceCard(
    db,
    systemContext,
    partnershipA,
    card({
      name: 'Opieka wytchnieniowa w domu',
      description: 'Opiekun przychodzi do domu, aby dać odpocząć opiekunowi rodzinnemu.',
      origin: 'neighbourhood',
      providerName: 'Fundacja Sąsiedzka',
      locationKind: 'atHome',
      street: null,
      postalCode: null,
      city: null,
      territoryCode: null,
      reachKind: 'voivodeship',
      reachCodes: ['10'],
      isAccessible: true,
      accessibilityDescription: 'Opiekunowie przeszkoleni w pracy z osobami leżącymi.',
      cost: 'paid',
    }),
    { status: 'published' },
  );
  await insertServiceCard(
    db,
    systemContext,
    partnershipA,
    card({ name: 'Szkic – niepublikowana usługa', providerInstitutionId: schoolId }),
  );
});

afterAll(async () => {
  await context?.close();
});

const exportOf = async (client: TestClient, partnershipId: string) => {
  const response = await client.get(`/api/v1/partnerships/${partnershipId}/basket/hsds.json`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as HsdsDocument;
};

/** What a basket is, for the round trip: services compared by their content, not their ids. */
function basketContent(document: HsdsDocument) {
  return document.services
    .map((service) => {
      const codes = (service.attributes as Array<{ taxonomy_term: { code: string } }>)
        .map((a) => a.taxonomy_term.code)
        .sort();
      return {
        name: service.name,
        description: service.description,
        terms: codes,
        reach: (service.service_areas as Array<{ extent: string }>).map((a) => a.extent).sort(),
        schedules: (service.schedules as Array<{ description: string }>).map((x) => x.description),
        application: service.application_process,
        fees: service.fees_description,
      };
    })
    .sort((x, y) => String(x.name).localeCompare(String(y.name)));
}

describe('HSDS export', () => {
  it('exports the published services only, valid against the official HSDS 3.0 schema', async () => {
    const document = await exportOf(caseManagerA, partnershipA);
    expect(document.hsds_version).toBe('3.0');
    expect(document.services.map((s) => s.name).sort()).toEqual([
      'Grupa wsparcia dla opiekunów osób z demencją',
      'Opieka wytchnieniowa w domu',
      'Poradnictwo rodzinne',
    ]);
    expect(validateHsdsDocument(document)).toEqual([]);
    for (const service of document.services) expect(validateHsdsObject('service', service)).toEqual([]);
    for (const organization of document.organizations) {
      expect(validateHsdsObject('organization', organization)).toEqual([]);
    }
    for (const location of document.locations) expect(validateHsdsObject('location', location)).toEqual([]);
  });

  it('maps providers, places, reach and vocabulary to HSDS objects with stable ids', async () => {
    const document = await exportOf(coordinatorA, partnershipA);
    const again = await exportOf(coordinatorA, partnershipA);
    expect(again.services.map((s) => s.id)).toEqual(document.services.map((s) => s.id));
    expect(again.organizations.map((o) => o.id)).toEqual(document.organizations.map((o) => o.id));

    const school = document.organizations.find((o) => o.id === schoolId)!;
    expect(school).toMatchObject({
      name: 'Szkoła Podstawowa nr 7 w Łodzi',
      email: 'sekretariat@sp7.lodz.pl',
      website: 'https://sp7.lodz.pl/',
      phones: [expect.objectContaining({ number: '42 611 22 33' })],
    });
    const selfHelp = document.services.find((s) => s.name === 'Grupa wsparcia dla opiekunów osób z demencją')!;
    const selfHelpOrganization = document.organizations.find((o) => o.id === selfHelp.organization_id)!;
    expect(selfHelpOrganization.name).toBe('Stowarzyszenie „Razem łatwiej”');

    const counselling = document.services.find((s) => s.name === 'Poradnictwo rodzinne')!;
    const sal = (counselling.service_at_locations as Array<{ location_id: string }>)[0]!;
    const location = document.locations.find((l) => l.id === sal.location_id)!;
    expect(location).toMatchObject({
      location_type: 'physical',
      external_identifier: GMINA_LODZ,
      addresses: [
        expect.objectContaining({
          address_1: 'ul. Piotrkowska 1',
          city: 'Łódź',
          postal_code: '90-001',
          state_province: 'łódzkie',
          country: 'PL',
        }),
      ],
    });
    expect(counselling.service_areas).toEqual([
      expect.objectContaining({ extent: GMINA_LODZ, extent_type: 'text', name: 'Łódź (gmina)' }),
    ]);
    expect(counselling.contacts).toEqual([
      expect.objectContaining({ name: 'Grażyna Żak', email: 'grazyna.zak@example.pl' }),
    ]);
    const termCodes = (counselling.attributes as Array<{ taxonomy_term: { code: string; taxonomy: string } }>).map(
      (a) => a.taxonomy_term.code,
    );
    expect(termCodes).toEqual(
      expect.arrayContaining(['area/education', 'area/socialAssistance', 'targetGroup/children', 'origin/partner']),
    );
    expect(document.taxonomy_terms.every((t) => t.taxonomy === 'kooperacja')).toBe(true);

    const remote = document.services.find((s) => s.id === selfHelp.id)!;
    const remoteLocation = document.locations.find(
      (l) => l.id === (remote.service_at_locations as Array<{ location_id: string }>)[0]!.location_id,
    )!;
    expect(remoteLocation.location_type).toBe('virtual');
    expect(remote).toMatchObject({
      schedules: [expect.objectContaining({ description: 'Co drugi wtorek, 17:00–19:00' })],
      service_areas: [expect.objectContaining({ extent: '1061' })],
      languages: [expect.objectContaining({ code: 'pl' }), expect.objectContaining({ code: 'uk' })],
      wait_time: '14 dni',
    });
  });

  it('audits the export in the same transaction (it names contact persons)', async () => {
    await exportOf(caseManagerA, partnershipA);
    const events = await context.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'basket.export'), eq(auditEvents.subjectId, partnershipA)));
    expect(events.some((e) => (e.details as { format?: string }).format === 'hsds')).toBe(true);
  });

  it('the schema check fails on a broken copy of a valid export', async () => {
    const document = await exportOf(coordinatorA, partnershipA);
    const broken = structuredClone(document) as HsdsDocument;
    broken.services[0]!.status = 'open';
    delete broken.organizations[0]!.name;
    (broken.locations[0]!.addresses as Array<Record<string, unknown>> | undefined)?.forEach((a) => delete a.city);
    const errors = validateHsdsDocument(broken);
    expect(errors.map((e) => e.path)).toEqual(expect.arrayContaining(['services.0.status', 'organizations.0']));
    expect(validateHsdsObject('service', broken.services[0])).not.toEqual([]);
    expect(validateHsdsObject('organization', broken.organizations[0])).not.toEqual([]);
  });

  it('a non-member gets 404, as for an unknown partnership', async () => {
    expect((await outsider.get(`/api/v1/partnerships/${partnershipA}/basket/hsds.json`)).statusCode).toBe(404);
    expect(
      (await outsider.get('/api/v1/partnerships/00000000-0000-4000-8000-000000000000/basket/hsds.json')).statusCode,
    ).toBe(404);
    expect(
      (await new TestClient(context).get(`/api/v1/partnerships/${partnershipA}/basket/hsds.json`)).statusCode,
    ).toBe(401);
  });
});

describe('HSDS import', () => {
  it('refuses a non-member (404) and a member who does not manage the basket (403)', async () => {
    const document = await exportOf(coordinatorA, partnershipA);
    expect((await outsider.post(`/api/v1/partnerships/${partnershipA}/basket/hsds`, document)).statusCode).toBe(404);
    const response = await caseManagerA.post(`/api/v1/partnerships/${partnershipA}/basket/hsds`, document);
    expect(response.statusCode).toBe(403);
  });

  it('answers 400 with the paths that break the HSDS schema, and writes nothing', async () => {
    const response = await coordinatorB.post(`/api/v1/partnerships/${partnershipB}/basket/hsds`, {
      hsds_version: '3.0',
      services: [{ id: 'nie-uuid', name: 'Usługa', status: 'otwarta' }],
    });
    expect(response.statusCode).toBe(400);
    const body = response.json() as { code: string; errors: Array<{ field: string; messages: { pl: string } }> };
    expect(body.code).toBe('validation');
    expect(body.errors.map((e) => e.field)).toEqual(expect.arrayContaining(['services.0.id', 'services.0.status']));
    expect(body.errors[0]!.messages.pl).toContain('HSDS');
  });

  it('refuses a document over 5 MiB with 413', async () => {
    const filler = 'x'.repeat(5 * 1024 * 1024);
    const response = await coordinatorB.post(`/api/v1/partnerships/${partnershipB}/basket/hsds`, {
      services: [],
      filler,
    });
    expect(response.statusCode).toBe(413);
  });

  it('round trip: export -> import into another partnership -> confirm -> export gives the same services', async () => {
    const original = await exportOf(coordinatorA, partnershipA);
    const previewResponse = await coordinatorB.post(`/api/v1/partnerships/${partnershipB}/basket/hsds`, original);
    expect(previewResponse.statusCode, previewResponse.body).toBe(200);
    const preview = previewResponse.json() as ImportPreview;
    expect(preview.counts).toEqual({ create: 3, update: 0, reject: 0, unchanged: 0 });
    // Nothing is written before the confirmation.
    expect((await exportOf(coordinatorB, partnershipB)).services).toEqual([]);

    const confirm = await coordinatorB.post(
      `/api/v1/partnerships/${partnershipB}/basket/imports/${preview.importId}/confirm`,
      { importId: preview.importId },
    );
    expect(confirm.statusCode, confirm.body).toBe(200);
    expect(confirm.json()).toEqual({ created: 3, updated: 0, confirmed: 0 });

    const copy = await exportOf(coordinatorB, partnershipB);
    expect(validateHsdsDocument(copy)).toEqual([]);
    const expected = basketContent(original).map((s) => ({
      ...s,
      // The school is a member of A only: in B its service comes from the neighbourhood.
      terms: s.terms.map((t) => (t === 'origin/partner' ? 'origin/neighbourhood' : t)).sort(),
    }));
    expect(basketContent(copy)).toEqual(expected);
    // The school stays linked to its registry entry (matched by id), so B shows its public contacts.
    expect(copy.organizations.some((o) => o.id === schoolId)).toBe(true);
  });

  it('re-importing a partnership’s own export changes nothing', async () => {
    const original = await exportOf(coordinatorA, partnershipA);
    const response = await coordinatorA.post(`/api/v1/partnerships/${partnershipA}/basket/hsds`, original);
    expect(response.statusCode, response.body).toBe(200);
    const preview = response.json() as ImportPreview;
    expect(preview.counts).toEqual({ create: 0, update: 0, reject: 0, unchanged: 3 });
  });

  it('a minimal document from another system gets defaults, said in the preview notes', async () => {
    const organizationId = '3f1d2c4b-5a6e-4f70-8a9b-0c1d2e3f4a5b';
    const serviceId = '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d';
    const response = await coordinatorB.post(`/api/v1/partnerships/${partnershipB}/basket/hsds`, {
      hsds_version: '3.0.1',
      organizations: [{ id: organizationId, name: 'Klub Seniora „Pogodna Jesień”', description: 'Klub.' }],
      services: [
        {
          id: serviceId,
          organization_id: organizationId,
          name: 'Zajęcia ruchowe dla seniorów',
          description: 'Gimnastyka dwa razy w tygodniu.',
          status: 'active',
          fees_description: 'Bezpłatnie',
        },
      ],
    });
    expect(response.statusCode, response.body).toBe(200);
    const preview = response.json() as ImportPreview;
    expect(preview.rows[0]).toMatchObject({ row: 1, action: 'create', name: 'Zajęcia ruchowe dla seniorów' });
    const notes = preview.rows[0]!.notes!.map((n) => n.column);
    expect(notes).toEqual(
      expect.arrayContaining([
        'services.0.cooperationAreas',
        'services.0.targetGroups',
        'services.0.reachCodes',
        'services.0.locationKind',
      ]),
    );
  });

  it('rejects a row whose reach names an unknown TERYT unit, with the field and reason', async () => {
    const document = await exportOf(coordinatorA, partnershipA);
    const broken = structuredClone(document);
    (broken.services[0]!.service_areas as Array<Record<string, unknown>>)[0]!.extent = '9999999';
    const response = await coordinatorB.post(`/api/v1/partnerships/${partnershipB}/basket/hsds`, broken);
    expect(response.statusCode, response.body).toBe(200);
    const preview = response.json() as ImportPreview;
    expect(preview.rows[0]).toMatchObject({ action: 'reject' });
    expect(preview.rows[0]!.errors[0]!.column).toBe('services.0.reachCodes');
  });
});
