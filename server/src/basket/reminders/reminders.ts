/**
 * Stale-service reminders (seed 002 §6.4: the basket is updated at least once a year). A published
 * service not confirmed within STALE_SERVICE_MONTHS is stale (isStaleSql, shared with the search);
 * its provider's card keepers get an in-app notification (and an e-mail when e-mail is configured),
 * at most once per REMIND_AGAIN_DAYS per service. Confirming or editing the card clears the mark
 * (services.store.ts), so the next lapse is reminded again.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Database, Executor } from '../../platform/db/database.js';
import { requireActingActor, type RequestContext } from '../../platform/auth/actor.js';
import type { Config } from '../../platform/config.js';
import type { JobRunner } from '../../platform/jobs/jobs.js';
import { partnerships, services } from '../../platform/db/tables.js';
import { recordAuditEvent } from '../../audit/audit.service.js';
import { withRecordRule } from '../../audit/refusals.js';
import { RecordRefusal } from '../../platform/auth/record-rule.js';
import { findVisibleBasketPartnership } from '../basket.access.js';
import { canManagePartnership } from '../../partnerships/partnerships.policy.js';
import type { BasketReminderResult } from '../../../../shared/src/contracts/basket.js';
import { isStaleSql } from '../cards/cards.queries.js';
import { cardKeeperRoles } from '../basket.policy.js';
import {
  findCoordinatorUserIdsByPartnership,
  findUserIdsByInstitution,
} from '../change-requests/change-requests.queries.js';
import { deliverNotificationEmails, notifyUsers } from '../../notifications/notifications.service.js';
import { mailerFor, type MailConfig, type Mailer } from '../../notifications/mailer.js';
import { staleCardNotification } from '../notification-kinds.js';

/** A service is reminded again only after this many days, however often the reminders run. */
export const REMIND_AGAIN_DAYS = 30;

export type ReminderConfig = Pick<Config, 'STALE_SERVICE_MONTHS'> &
  MailConfig & {
    /** Hours between scheduled runs; 0 turns them off. Defaults to daily. */
    REMINDER_INTERVAL_HOURS?: number | undefined;
  };

export type ReminderOptions = {
  /** One partnership's basket; all baskets when absent. */
  partnershipId?: string;
  /** Who runs it (the route's request); the scheduled job and the script run as the system. */
  context?: RequestContext;
  /** Overrides the mailer made from the configuration (tests pass a JSON transport). */
  mailer?: Mailer | null;
  /** Services per transaction; REMINDER_BATCH_SIZE by default (tests take smaller ones). */
  batchSize?: number;
};

const systemContext = (): RequestContext => ({ actor: null, requestId: `reminders-${randomUUID()}`, ip: null });

/**
 * How many stale services one transaction reminds. The first run of a national deployment finds
 * tens of thousands at once; batches keep each transaction's locks, its statements (PostgreSQL takes
 * at most 65,535 parameters) and the work lost to a crash small.
 */
export const REMINDER_BATCH_SIZE = 500;

/**
 * Notifies the card keepers of every stale service not reminded in the last REMIND_AGAIN_DAYS days
 * and stamps services.stale_reminded_at. The stamp is a bookkeeping column, not card content, so it
 * is a plain UPDATE without a version row. The run goes in batches of REMINDER_BATCH_SIZE services,
 * each one transaction with its notifications, its stamps and one audit event with its counts (so
 * every committed notification is audited, also when a later batch fails; a small run is one batch
 * and one event). Stale rows are locked with SKIP LOCKED, so runs at the same time (two nodes, the
 * scheduled job and a manual run) never remind a service twice, and a run that fails half-way goes
 * on where it stopped the next time.
 */
export async function sendStaleServiceReminders(
  db: Database,
  config: ReminderConfig,
  options: ReminderOptions = {},
): Promise<BasketReminderResult> {
  const context = options.context ?? systemContext();
  const batchSize = options.batchSize ?? REMINDER_BATCH_SIZE;
  const mailer = options.mailer !== undefined ? options.mailer : mailerFor(config);
  const scope: SQL[] = [isStaleSql(config.STALE_SERVICE_MONTHS)];
  if (options.partnershipId) scope.push(eq(services.partnershipId, options.partnershipId));
  const [staleRow] = await db
    .select({ value: sql<number>`count(*)::int` })
    .from(services)
    .where(and(...scope));
  const totals = { staleServices: Number(staleRow?.value ?? 0), remindedServices: 0, notifications: 0, emails: 0 };
  for (let isFirstBatch = true; ; isFirstBatch = false) {
    const batch = await db.transaction(async (tx) => {
      const due = await tx
        .select({
          id: services.id,
          name: services.name,
          partnershipId: services.partnershipId,
          providerInstitutionId: services.providerInstitutionId,
        })
        .from(services)
        .where(
          and(
            ...scope,
            or(
              isNull(services.staleRemindedAt),
              lt(services.staleRemindedAt, sql`now() - make_interval(days => ${REMIND_AGAIN_DAYS}::int)`),
            ),
          ),
        )
        .orderBy(services.id)
        .limit(batchSize)
        .for('update', { skipLocked: true });
      // A run that finds nothing due still leaves its event (the run happened, with its counts).
      if (due.length === 0 && !isFirstBatch) return { remindedServices: 0, notificationIds: [] };
      const partnershipIds = [...new Set(due.map((s) => s.partnershipId))];
      const partnershipNames = await findPartnershipNames(tx, partnershipIds);
      const keepersOf = await findCardKeepers(tx, due, partnershipIds);
      const notificationIds: string[] = [];
      for (const service of due) {
        notificationIds.push(
          ...(await notifyUsers(tx, keepersOf(service), staleCardNotification, {
            serviceId: service.id,
            serviceName: service.name,
            partnershipId: service.partnershipId,
            partnershipName: partnershipNames.get(service.partnershipId) ?? null,
            staleMonths: config.STALE_SERVICE_MONTHS,
          })),
        );
      }
      if (due.length > 0) {
        await tx
          .update(services)
          .set({ staleRemindedAt: new Date() })
          .where(
            inArray(
              services.id,
              due.map((s) => s.id),
            ),
          );
      }
      await recordAuditEvent(tx, context, {
        action: 'basket.staleReminders',
        subjectType: options.partnershipId ? 'partnership' : null,
        subjectId: options.partnershipId ?? null,
        details: {
          staleServices: totals.staleServices,
          remindedServices: due.length,
          notifications: notificationIds.length,
        },
      });
      return { remindedServices: due.length, notificationIds };
    });
    totals.remindedServices += batch.remindedServices;
    totals.notifications += batch.notificationIds.length;
    totals.emails += await deliverNotificationEmails(db, mailer, batch.notificationIds);
    if (batch.remindedServices < batchSize) return totals;
  }
}

/**
 * Who keeps each card: the provider institution's card keepers; for a card without a registry
 * provider (self-help, neighbourhood outside the registry), or a provider nobody there keeps in the
 * app, the partnership's coordinators, so that every stale card reaches someone who can act. Two
 * statements for the whole run, however many cards (the first run of a national deployment finds
 * tens of thousands).
 */
async function findCardKeepers(
  tx: Executor,
  due: ReadonlyArray<{ providerInstitutionId: string | null }>,
  partnershipIds: readonly string[],
): Promise<(service: { partnershipId: string; providerInstitutionId: string | null }) => string[]> {
  const providerIds = [...new Set(due.flatMap((s) => (s.providerInstitutionId ? [s.providerInstitutionId] : [])))];
  const keepersByInstitution = await findUserIdsByInstitution(tx, providerIds, cardKeeperRoles);
  const coordinatorsByPartnership = await findCoordinatorUserIdsByPartnership(tx, partnershipIds);
  return (service) => {
    const keepers = service.providerInstitutionId ? keepersByInstitution.get(service.providerInstitutionId) : undefined;
    return keepers && keepers.length > 0 ? keepers : (coordinatorsByPartnership.get(service.partnershipId) ?? []);
  };
}

async function findPartnershipNames(tx: Executor, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await tx
    .select({ id: partnerships.id, name: partnerships.name })
    .from(partnerships)
    .where(inArray(partnerships.id, ids));
  return new Map(rows.map((r) => [r.id, r.name]));
}

/**
 * The route's run for one partnership: whoever manages the partnership may send its reminders now.
 * 404 when the partnership is unknown or not visible; an audited 403 when visible but not theirs.
 */
export async function sendPartnershipReminders(
  db: Database,
  context: RequestContext,
  partnershipId: string,
  config: ReminderConfig,
): Promise<BasketReminderResult> {
  const actor = requireActingActor(context);
  const action = 'basket.staleReminders';
  await withRecordRule(db, context, async (tx) => {
    const partnership = await findVisibleBasketPartnership(tx, actor, partnershipId, action);
    if (!canManagePartnership(actor, partnership)) {
      throw RecordRefusal.notAllowed({ action, subjectType: 'partnership', subjectId: partnershipId });
    }
  });
  return sendStaleServiceReminders(db, config, { partnershipId, context });
}

/** The scheduled job's name (a pg-boss queue on PostgreSQL). */
export const STALE_SERVICE_REMINDERS_JOB = 'basket.staleServiceReminders';

/**
 * Registers the reminders as a scheduled job: every REMINDER_INTERVAL_HOURS hours (0 = never), once
 * per deployment however many nodes run (platform/jobs). A failed run is retried by the runner (its
 * stamps rolled back with it). Two nodes running it at once would still remind each service once:
 * the stale rows are locked FOR UPDATE SKIP LOCKED and stamped in the same transaction, and a row
 * another run stamped meanwhile no longer matches the "not reminded lately" condition, which
 * PostgreSQL checks again on the locked row.
 */
export function scheduleStaleServiceReminders(
  runner: JobRunner,
  db: Database,
  config: ReminderConfig,
  options: Pick<ReminderOptions, 'mailer'> = {},
): void {
  const hours = config.REMINDER_INTERVAL_HOURS ?? 24;
  if (hours <= 0) return;
  runner.schedule(STALE_SERVICE_REMINDERS_JOB, { everyMs: hours * 60 * 60 * 1000 }, async () => {
    await sendStaleServiceReminders(db, config, options);
  });
}
