/**
 * Names come back in Polish alphabetical order on both databases (issue 8 §5): Ł after L, Ś after
 * S, Ź and Ż after Z, people by surname, in the registry, a basket and the user list, as a person
 * reads them through the API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildInstitution,
  buildPartnership,
  buildStaleServiceCard,
  buildUser,
  signInAs,
} from '../../testing/factories.js';
import { createTestContext, type TestClient, type TestContext } from '../../testing/test-app.js';

const TOWNS = [
  'Żary',
  'Sopot',
  'Łódź',
  'Chełm',
  'Zabrze',
  'Śrem',
  'Lublin',
  'Ćmielów',
  'Szczecin',
  'Źródła',
  'Cieszyn',
];
const TOWNS_IN_POLISH_ORDER = [
  'Chełm',
  'Cieszyn',
  'Ćmielów',
  'Lublin',
  'Łódź',
  'Sopot',
  'Szczecin',
  'Śrem',
  'Zabrze',
  'Źródła',
  'Żary',
];

let context: TestContext;
let admin: TestClient;

beforeAll(async () => {
  context = await createTestContext();
  admin = (await signInAs(context, 'admin')).client;
});

afterAll(async () => {
  await context?.close();
});

describe('Polish alphabetical order', () => {
  it('lists the registry’s institutions as a Polish dictionary would', async () => {
    for (const name of TOWNS) await buildInstitution(context.database.db, { kind: 'culture', name });
    const response = await admin.get('/api/v1/institutions?kind=culture&pageSize=100');
    expect(response.statusCode, response.body).toBe(200);
    const names = (response.json() as { items: Array<{ name: string }> }).items.map((item) => item.name);
    expect(names).toEqual(TOWNS_IN_POLISH_ORDER);
    // Pages follow the same order.
    const second = await admin.get('/api/v1/institutions?kind=culture&pageSize=4&page=2');
    expect((second.json() as { items: Array<{ name: string }> }).items.map((item) => item.name)).toEqual(
      TOWNS_IN_POLISH_ORDER.slice(4, 8),
    );
  });

  it('lists a basket’s cards in Polish order, lower and upper case alike', async () => {
    const partnership = await buildPartnership(context.database.db, { name: 'PZK Ślesin' });
    const cardNames = ['żłobek', 'Zajęcia', 'Łaźnia', 'lodowisko', 'Świetlica', 'Sala', 'ćwiczenia', 'Cukiernia'];
    for (const name of cardNames)
      await buildStaleServiceCard(
        context.database.db,
        partnership.id,
        { name, origin: 'neighbourhood', providerName: 'Stowarzyszenie Sąsiedzi' },
        1,
      );
    const response = await admin.get(`/api/v1/services?partnershipId=${partnership.id}&pageSize=100`);
    expect(response.statusCode, response.body).toBe(200);
    expect((response.json() as { items: Array<{ name: string }> }).items.map((item) => item.name)).toEqual([
      'Cukiernia',
      'ćwiczenia',
      'lodowisko',
      'Łaźnia',
      'Sala',
      'Świetlica',
      'Zajęcia',
      'żłobek',
    ]);
  });

  it('lists people by surname', async () => {
    const institution = await buildInstitution(context.database.db, {
      name: 'Gminny Ośrodek Pomocy Społecznej w Żarach',
    });
    const people = ['Anna Żak', 'Jan Zawada', 'Ewa Łukasiewicz', 'Piotr Lis', 'Maria Śliwa', 'Adam Sowa', 'Zenon Ćwik'];
    for (const displayName of people) {
      await buildUser(context.database.db, { institutionId: institution.id, displayName });
    }
    const response = await admin.get(`/api/v1/users?institutionId=${institution.id}&pageSize=100`);
    expect(response.statusCode, response.body).toBe(200);
    expect((response.json() as { items: Array<{ displayName: string }> }).items.map((u) => u.displayName)).toEqual([
      'Zenon Ćwik',
      'Piotr Lis',
      'Ewa Łukasiewicz',
      'Adam Sowa',
      'Maria Śliwa',
      'Jan Zawada',
      'Anna Żak',
    ]);
  });
});
