/**
 * The basket's kinds of to-do items ("Do zrobienia", docs/do-zrobienia.md). Each provider finds the
 * candidate records with its scoped query (task-providers.queries.ts) and keeps those the basket
 * policy lets the actor act on, per partnership (and per provider for cards), so an item appears
 * exactly for whoever may do the work:
 * - `basket.cardToPublish`: submitted cards the actor may publish (canPublishService);
 * - `basket.changeRequestToReview`: pending requests the actor may review (canReviewChangeRequest);
 * - `basket.changeRequestToDecide`: reviewed requests the actor may decide (canDecideChangeRequest);
 * - `basket.cardToConfirm`: stale cards of the actor's institution, or their own, that they may
 *   confirm (canConfirmService).
 */
import type { Executor } from '../platform/db/database.js';
import type { ActingActor } from '../platform/auth/actor.js';
import {
  unsafeFindPartnershipAccessRecords,
  type PartnershipAccessRecord,
} from '../partnerships/partnerships.queries.js';
import type { TaskItem } from '../../../shared/src/contracts/tasks.js';
import { defineTaskProvider, type TaskProvider, type TaskProviderResult } from '../tasks/index.js';
import {
  canConfirmService,
  canDecideChangeRequest,
  canPublishService,
  canReviewChangeRequest,
} from './basket.policy.js';
import {
  countChangeRequests,
  countStaleCards,
  countSubmittedCards,
  findChangeRequests,
  findStaleCards,
  findSubmittedCards,
  type TaskGroupCount,
  type TaskRecordRow,
} from './task-providers.queries.js';

/** The in-app paths the items open (web/src/paths.ts). */
const serviceLink = (id: string) => `/koszyk-uslug/${id}`;
const changeRequestsLink = (partnershipId: string) => `/partnerstwa/${partnershipId}/koszyk?widok=requests`;

/**
 * The groups the actor may act on: the partnerships' access records are read at once (three
 * statements however many partnerships: an administrator's list spans the country) and handed to
 * the policy with each group. UNSCOPED reads of the access records are fine here: nothing of a
 * partnership is answered unless the policy allowed the group.
 */
async function keepAllowedGroups(
  db: Executor,
  groups: readonly TaskGroupCount[],
  isAllowed: (partnership: PartnershipAccessRecord, group: TaskGroupCount) => boolean,
): Promise<TaskGroupCount[]> {
  const records = await unsafeFindPartnershipAccessRecords(
    db,
    groups.map((g) => g.partnershipId),
  );
  return groups.filter((group) => {
    const partnership = records.get(group.partnershipId);
    return partnership !== undefined && isAllowed(partnership, group);
  });
}

function resultOf(
  groups: readonly TaskGroupCount[],
  rows: readonly TaskRecordRow[],
  link: (row: TaskRecordRow) => string,
): TaskProviderResult {
  const items: TaskItem[] = rows.map((row) => ({
    id: row.id,
    title: row.title,
    partnershipId: row.partnershipId,
    partnershipName: row.partnershipName,
    link: link(row),
  }));
  return { count: groups.reduce((sum, group) => sum + group.count, 0), items };
}

const partnershipIdsOf = (groups: readonly TaskGroupCount[]) => [...new Set(groups.map((g) => g.partnershipId))];

/** The publish rule for a submitted card of any provider: publishing does not depend on the provider. */
const mayPublish = (actor: ActingActor) => (partnership: PartnershipAccessRecord, group: TaskGroupCount) =>
  canPublishService(actor, partnership, { providerInstitutionId: group.providerInstitutionId, status: 'submitted' });

export const cardsToPublishProvider = defineTaskProvider({
  kind: 'basket.cardToPublish',
  async findTasks({ db, actor, limit }) {
    const groups = await keepAllowedGroups(db, await countSubmittedCards(db, actor), mayPublish(actor));
    const rows = await findSubmittedCards(db, partnershipIdsOf(groups), limit);
    return resultOf(groups, rows, (row) => serviceLink(row.id));
  },
});

export const changeRequestsToReviewProvider = defineTaskProvider({
  kind: 'basket.changeRequestToReview',
  async findTasks({ db, actor, limit }) {
    const groups = await keepAllowedGroups(db, await countChangeRequests(db, actor, 'pending'), (partnership) =>
      canReviewChangeRequest(actor, partnership),
    );
    const rows = await findChangeRequests(db, partnershipIdsOf(groups), 'pending', limit);
    return resultOf(groups, rows, (row) => changeRequestsLink(row.partnershipId));
  },
});

export const changeRequestsToDecideProvider = defineTaskProvider({
  kind: 'basket.changeRequestToDecide',
  async findTasks({ db, actor, limit }) {
    const groups = await keepAllowedGroups(db, await countChangeRequests(db, actor, 'reviewed'), (partnership) =>
      canDecideChangeRequest(actor, partnership),
    );
    const rows = await findChangeRequests(db, partnershipIdsOf(groups), 'reviewed', limit);
    return resultOf(groups, rows, (row) => changeRequestsLink(row.partnershipId));
  },
});

export const cardsToConfirmProvider = defineTaskProvider({
  kind: 'basket.cardToConfirm',
  async findTasks({ db, actor, config, limit }) {
    const months = config.STALE_SERVICE_MONTHS;
    const groups = await keepAllowedGroups(db, await countStaleCards(db, actor, months), (partnership, group) =>
      canConfirmService(actor, partnership, {
        providerInstitutionId: group.providerInstitutionId,
        status: 'published',
      }),
    );
    const rows = await findStaleCards(db, actor, months, groups, limit);
    return resultOf(groups, rows, (row) => serviceLink(row.id));
  },
});

/** The basket's providers in the order the home page shows them: deciding first, own upkeep last. */
export const basketTaskProviders: readonly TaskProvider[] = [
  changeRequestsToDecideProvider,
  changeRequestsToReviewProvider,
  cardsToPublishProvider,
  cardsToConfirmProvider,
];
