/**
 * The demo data as a newcomer meets it, over HTTP on the real database: the Wieliczka partnership
 * the end-to-end tests walk through is unchanged (eight published cards), three more partnerships
 * of Małopolska cover every model variant with baskets of realistic size, the ROPS coordinator sees
 * all four, and every demo account that keeps a basket finds work waiting in "Do zrobienia".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, seedDemoData, type DemoLogin } from './demo-data.js';
import { createTestContext, TestClient, type TestContext } from '../testing/test-app.js';
import type { TaskList } from '../../../shared/src/contracts/tasks.js';
import type { PartnershipPage } from '../../../shared/src/contracts/partnerships.js';
import { modelVariants } from '../../../shared/src/contracts/common.js';

let context: TestContext;
let logins: DemoLogin[];

beforeAll(async () => {
  context = await createTestContext();
  logins = await seedDemoData(context.database.db);
});

afterAll(async () => {
  await context?.close();
});

async function signIn(email: string): Promise<TestClient> {
  return new TestClient(context).signIn(email, DEMO_PASSWORD);
}

async function taskCounts(email: string): Promise<Record<string, number>> {
  const response = await (await signIn(email)).get('/api/v1/tasks');
  expect(response.statusCode, response.body).toBe(200);
  const list = response.json() as TaskList;
  return Object.fromEntries(list.groups.map((group) => [group.kind, group.count]));
}

async function partnershipsOf(client: TestClient): Promise<PartnershipPage> {
  const response = await client.get('/api/v1/partnerships?pageSize=100');
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as PartnershipPage;
}

async function serviceTotal(client: TestClient, partnershipId: string): Promise<number> {
  const response = await client.get(`/api/v1/services?partnershipId=${partnershipId}&pageSize=1`);
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { total: number }).total;
}

describe('demo data', () => {
  it('prints one login per account, all on the demo domain, each signing in with the demo password', async () => {
    expect(logins).toHaveLength(19);
    expect(new Set(logins.map((login) => login.email)).size).toBe(19);
    for (const login of logins) {
      expect(login.email).toMatch(/@kooperacja\.demo$/);
      const response = await (await signIn(login.email)).get('/api/v1/tasks');
      expect(response.statusCode, login.email).toBe(200);
    }
  });

  it('lets the ROPS coordinator see four partnerships of the voivodeship, every model variant among them', async () => {
    const rops = await signIn('rops@kooperacja.demo');
    const page = await partnershipsOf(rops);
    expect(page.total).toBe(4);
    expect(page.items.every((partnership) => partnership.territoryCode.startsWith('12'))).toBe(true);
    expect(new Set(page.items.map((partnership) => partnership.modelVariant))).toEqual(new Set(modelVariants));
    for (const partnership of page.items) {
      const total = await serviceTotal(rops, partnership.id);
      if (partnership.name === 'Partnerski Zespół Kooperacyjny Gminy Wieliczka') expect(total).toBe(8);
      else expect(total, partnership.name).toBeGreaterThanOrEqual(30);
      expect(total, partnership.name).toBeLessThanOrEqual(60);
    }
  });

  it('keeps Wieliczka as the end-to-end tests know it: its coordinator sees one partnership, eight cards', async () => {
    const coordinator = await signIn('koordynator@kooperacja.demo');
    const page = await partnershipsOf(coordinator);
    expect(page.items.map((partnership) => partnership.name)).toEqual([
      'Partnerski Zespół Kooperacyjny Gminy Wieliczka',
    ]);
    expect(await serviceTotal(coordinator, page.items[0]!.id)).toBe(8);
  });

  it('gives every basket keeper something waiting in "Do zrobienia"', async () => {
    expect(await taskCounts('koordynator@kooperacja.demo')).toEqual({ 'basket.changeRequestToReview': 1 });
    expect(await taskCounts('szkola@kooperacja.demo')).toEqual({ 'basket.cardToConfirm': 1 });
    expect(await taskCounts('dyrektor@kooperacja.demo')).toEqual({ 'basket.changeRequestToDecide': 1 });
    for (const place of ['gdow', 'myslenice', 'tarnow']) {
      const coordinator = await taskCounts(`koordynator.${place}@kooperacja.demo`);
      expect(coordinator['basket.changeRequestToReview'], place).toBe(2);
      expect(coordinator['basket.cardToPublish'], place).toBeGreaterThanOrEqual(3);
      expect(coordinator['basket.cardToConfirm'], place).toBeGreaterThanOrEqual(1);
      const director = await taskCounts(`dyrektor.${place}@kooperacja.demo`);
      expect(director['basket.changeRequestToDecide'], place).toBe(2);
      expect(director['basket.cardToPublish'], place).toBeGreaterThanOrEqual(3);
      const partner = await taskCounts(`partner.${place}@kooperacja.demo`);
      expect(partner['basket.cardToConfirm'], place).toBeGreaterThanOrEqual(1);
    }
  });
});
