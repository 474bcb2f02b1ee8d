/**
 * A service for everyone (target group "Wszyscy", `all`) is for every group (issue 8 §5): it appears
 * under every target-group filter of the basket search and of the public page, and counts in every
 * target group's column of the gap view.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BasketGaps, ServicePage } from '../../../../shared/src/contracts/basket.js';
import { users } from '../../platform/db/tables.js';
import { TEST_PASSWORD, buildPartnership, buildStaleServiceCard } from '../../testing/factories.js';
import { createTestContext, TestClient, type TestContext } from '../../testing/test-app.js';

let context: TestContext;
let partnershipId: string;
let publicSlug: string;
let coordinator: TestClient;

const FOR_EVERYONE = 'Punkt informacji obywatelskiej';
const FOR_CHILDREN = 'Świetlica dla dzieci';
const FOR_SENIORS = 'Klub seniora';

beforeAll(async () => {
  context = await createTestContext();
  const db = context.database.db;
  const partnership = await buildPartnership(db, { name: 'PZK Żary Wszyscy' });
  partnershipId = partnership.id;
  publicSlug = partnership.publicSlug;
  const [user] = await db.select().from(users).where(eq(users.id, partnership.coordinatorUserId));
  coordinator = await new TestClient(context).signIn(user!.email, TEST_PASSWORD);
  const provider = { origin: 'neighbourhood' as const, providerName: 'Stowarzyszenie Sąsiedzi' };
  await buildStaleServiceCard(
    db,
    partnershipId,
    { ...provider, name: FOR_EVERYONE, targetGroups: ['all'], cooperationAreas: ['socialAssistance'] },
    1,
  );
  await buildStaleServiceCard(
    db,
    partnershipId,
    { ...provider, name: FOR_CHILDREN, targetGroups: ['children'], cooperationAreas: ['socialAssistance'] },
    1,
  );
  await buildStaleServiceCard(
    db,
    partnershipId,
    { ...provider, name: FOR_SENIORS, targetGroups: ['seniors', 'all'], cooperationAreas: ['culture'] },
    1,
  );
});

afterAll(async () => {
  await context?.close();
});

async function searchNames(targetGroup: string): Promise<string[]> {
  const response = await coordinator.get(`/api/v1/services?partnershipId=${partnershipId}&targetGroup=${targetGroup}`);
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as ServicePage).items.map((item) => item.name);
}

describe('services for everyone ("Wszyscy")', () => {
  it('appear under every target-group filter of the basket search', async () => {
    expect(await searchNames('migrants')).toEqual([FOR_SENIORS, FOR_EVERYONE]);
    expect(await searchNames('children')).toEqual([FOR_SENIORS, FOR_EVERYONE, FOR_CHILDREN]);
    expect(await searchNames('all')).toEqual([FOR_SENIORS, FOR_EVERYONE]);
  });

  it('count in every target group’s column of the gap view, once per service', async () => {
    const response = await coordinator.get(`/api/v1/partnerships/${partnershipId}/basket/gaps`);
    expect(response.statusCode, response.body).toBe(200);
    const gaps = response.json() as BasketGaps;
    const cell = (area: string, group: string) => gaps.cells.find((c) => c.area === area && c.targetGroup === group)!;
    expect(cell('socialAssistance', 'children').count).toBe(2);
    expect(cell('socialAssistance', 'homeless').count).toBe(1);
    expect(cell('socialAssistance', 'seniors').count).toBe(1);
    expect(cell('culture', 'seniors').count).toBe(1);
    expect(cell('culture', 'youth').count).toBe(1);
    expect(cell('education', 'children').count).toBe(0);
    const byGroup = Object.fromEntries(gaps.byTargetGroup.map((g) => [g.targetGroup, g.count]));
    expect(byGroup).toMatchObject({ children: 3, seniors: 2, migrants: 2, all: 2 });
    expect(gaps.total).toBe(3);
  });

  it('appear under every target-group filter of the public page', async () => {
    const published = await coordinator.put(`/api/v1/partnerships/${partnershipId}/basket/publication`, {
      isPublic: true,
      slug: publicSlug,
    });
    expect(published.statusCode, published.body).toBe(200);
    const anonymous = new TestClient(context);
    const page = await anonymous.get(`/koszyk/${publicSlug}?grupa=homeless`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(FOR_EVERYONE);
    expect(page.body).toContain(FOR_SENIORS);
    expect(page.body).not.toContain(FOR_CHILDREN);
    // A card's languages by name, not by ISO code.
    expect(page.body).toContain('polski');
  });
});
