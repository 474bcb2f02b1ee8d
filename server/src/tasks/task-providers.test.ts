/**
 * The to-do mechanism on its own: a capability adds a provider without touching server/src/tasks
 * (here two providers declared by the test, as meetings or family plans would declare theirs), kinds
 * with no items are left out, the providers' order is kept, items are capped while the count stays
 * whole, and one kind cannot be provided twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { buildUser } from '../testing/factories.js';
import { createTestContext, type TestContext } from '../testing/test-app.js';
import { loadMemberships } from '../accounts/sessions.js';
import type { RequestContext } from '../platform/auth/actor.js';
import { TASK_ITEMS_PER_KIND } from '../../../shared/src/contracts/tasks.js';
import { assertDistinctTaskKinds, defineTaskProvider } from './task-providers.js';
import { listTasks } from './tasks.service.js';

let context: TestContext;
let requestContext: RequestContext;
const config = { STALE_SERVICE_MONTHS: 12 };

const meetingsToMinute = defineTaskProvider({
  kind: 'meetings.minutesToWrite',
  async findTasks({ actor, limit }) {
    const items = Array.from({ length: 25 }, (_, index) => ({
      id: randomUUID(),
      title: `Spotkanie PZK nr ${index + 1}`,
      partnershipId: null,
      partnershipName: null,
      link: `/spotkania/${actor.userId}/${index}`,
    }));
    return { count: items.length, items: items.slice(0, limit) };
  },
});
const nothingWaiting = defineTaskProvider({
  kind: 'plans.goalsToReview',
  async findTasks() {
    return { count: 0, items: [] };
  },
});

beforeAll(async () => {
  context = await createTestContext();
  const user = await buildUser(context.database.db, { role: 'caseManager' });
  const memberships = await loadMemberships(context.database.db, user.id);
  requestContext = {
    actor: {
      userId: user.id,
      displayName: user.displayName,
      email: user.email,
      sessionId: randomUUID(),
      mustChangePassword: false,
      isTotpEnabled: false,
      membership: memberships[0]!,
      memberships,
    },
    requestId: 'task-providers-test',
    ip: null,
  };
});

afterAll(async () => {
  await context?.close();
});

describe('the to-do mechanism', () => {
  it('answers the kinds that have items, in the providers’ order, items capped and counts whole', async () => {
    const list = await listTasks(context.database.db, requestContext, [nothingWaiting, meetingsToMinute], config);
    expect(list.total).toBe(25);
    expect(list.groups.map((group) => [group.kind, group.count, group.items.length])).toEqual([
      ['meetings.minutesToWrite', 25, TASK_ITEMS_PER_KIND],
    ]);
  });

  it('answers nothing to someone without an acting membership', async () => {
    const withoutMembership = { ...requestContext, actor: { ...requestContext.actor!, membership: null } };
    expect(await listTasks(context.database.db, withoutMembership, [meetingsToMinute], config)).toEqual({
      groups: [],
      total: 0,
    });
  });

  it('refuses one kind provided twice', () => {
    expect(() => assertDistinctTaskKinds([meetingsToMinute, meetingsToMinute])).toThrow(/provided twice/);
  });
});
