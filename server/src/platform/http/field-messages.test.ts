/**
 * Bad input as a partner types it gets, from the API, the field at fault and the same Polish words
 * the form shows (the shared map, shared/src/field-messages.ts): too few choices, not a number, an
 * impossible date with a real one as the example, an e-mail with an example, the length limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Problem } from '../../../../shared/src/contracts/common.js';
import { partnershipMembers } from '../db/tables.js';
import { GMINA_LODZ, buildInstitution, buildPartnership, signInAs } from '../../testing/factories.js';
import { createTestContext, type TestClient, type TestContext } from '../../testing/test-app.js';

let context: TestContext;
let partnershipId: string;
let schoolId: string;
let schoolRep: TestClient;
let coordinator: TestClient;

const card = (overrides: Record<string, unknown> = {}) => ({
  partnershipId,
  name: 'Świetlica środowiskowa „Przystań”',
  description: 'Zajęcia popołudniowe i pomoc w nauce dla dzieci ze szkół podstawowych.',
  providerInstitutionId: schoolId,
  origin: 'partner',
  cooperationAreas: ['education'],
  targetGroups: ['children'],
  cost: 'free',
  locationKind: 'address',
  street: 'ul. Piotrkowska 1',
  postalCode: '90-001',
  city: 'Łódź',
  territoryCode: GMINA_LODZ,
  reachKind: 'gminas',
  reachCodes: [GMINA_LODZ],
  contactPhone: '42 600 00 00',
  ...overrides,
});

beforeAll(async () => {
  context = await createTestContext();
  const db = context.database.db;
  const partnership = await buildPartnership(db, { name: 'PZK Łódź Widzew' });
  partnershipId = partnership.id;
  schoolId = (await buildInstitution(db, { kind: 'school', name: 'Szkoła Podstawowa nr 12 w Łodzi' })).id;
  await db
    .insert(partnershipMembers)
    .values({ partnershipId, institutionId: schoolId, status: 'declared', declarationDate: '2026-02-01' });
  schoolRep = (await signInAs(context, 'partnerRepresentative', { institutionId: schoolId })).client;
  coordinator = (await signInAs(context, 'networkCoordinator', { institutionId: partnership.leaderInstitutionId }))
    .client;
});

afterAll(async () => {
  await context?.close();
});

function fieldMessages(body: Problem): Record<string, { code: string; pl: string; en: string }> {
  return Object.fromEntries((body.errors ?? []).map((error) => [error.field, { code: error.code, ...error.messages }]));
}

describe('the API speaks the shared error map', () => {
  it('names each bad field of a card in Polish, with the limit or an example', async () => {
    const response = await schoolRep.post(
      '/api/v1/services',
      card({
        name: 'Ś'.repeat(201),
        targetGroups: [],
        waitingTimeDays: 'dwa tygodnie',
        contactEmail: 'jan.kowalski@',
        languages: [],
      }),
    );
    expect(response.statusCode, response.body).toBe(400);
    const body = response.json() as Problem;
    expect(body.code).toBe('validation');
    const errors = fieldMessages(body);
    expect(errors.name).toMatchObject({ code: 'too_big', pl: 'Tekst jest za długi: najwyżej 200 znaków.' });
    expect(errors.targetGroups).toMatchObject({ code: 'too_small', pl: 'Wybierz co najmniej jedną pozycję.' });
    expect(errors.languages?.pl).toBe('Wybierz co najmniej jedną pozycję.');
    expect(errors.waitingTimeDays).toMatchObject({ code: 'invalid_type', pl: 'Wpisz liczbę.', en: 'Enter a number.' });
    expect(errors.contactEmail?.pl).toBe('Wpisz poprawny adres e-mail, np. jan.kowalski@ops.pl.');
    // The optional fields left out are not "required".
    expect(Object.values(errors).some((error) => error.code === 'required')).toBe(false);
  });

  it('says "required" for a missing required field and nothing for empty optional ones', async () => {
    const response = await schoolRep.post(
      '/api/v1/services',
      card({ name: undefined, providerName: '', referralBy: '', street: '', schedule: null }),
    );
    expect(response.statusCode, response.body).toBe(400);
    expect(fieldMessages(response.json() as Problem)).toEqual({
      name: { code: 'required', pl: 'To pole jest wymagane.', en: 'This field is required.' },
    });
  });

  it('refuses 31.02.2026 as a date that does not exist, with a real one as the example', async () => {
    const institutionId = (await buildInstitution(context.database.db, { kind: 'ngo', name: 'Fundacja Żółty Żagiel' }))
      .id;
    const response = await coordinator.post(`/api/v1/partnerships/${partnershipId}/members`, {
      institutionId,
      status: 'declared',
      declarationDate: '2026-02-31',
    });
    expect(response.statusCode, response.body).toBe(400);
    expect(fieldMessages(response.json() as Problem).declarationDate).toMatchObject({
      pl: 'Taka data nie istnieje; np. 28.02.2026.',
      en: 'No such date; e.g. 28.02.2026.',
    });
  });
});
