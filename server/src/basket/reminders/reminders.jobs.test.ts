/**
 * The stale-service reminders as scheduled work of a deployment with several nodes: each reminder
 * (notification row and e-mail) goes out once, whether the job runner hands the run to one node
 * (PostgreSQL, two runners on two pools of one database) or two runs overlap anyway (both databases).
 */
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditEvents, notifications, partnershipMembers } from '../../platform/db/tables.js';
import { openPostgres, type DatabaseHandle } from '../../platform/db/database.js';
import type { JobLogger, JobRunner } from '../../platform/jobs/jobs.js';
import { createPgBossJobRunner } from '../../platform/jobs/pg-boss-runner.js';
import { buildInstitution, buildPartnership, buildStaleServiceCard, buildUser } from '../../testing/factories.js';
import { createTestContext, type TestContext } from '../../testing/test-app.js';
import { createMailer, type Mailer } from '../../notifications/mailer.js';
import { scheduleStaleServiceReminders, sendStaleServiceReminders, STALE_SERVICE_REMINDERS_JOB } from './reminders.js';
import { staleCardNotification } from '../notification-kinds.js';

const config = { STALE_SERVICE_MONTHS: 12, REMINDER_INTERVAL_HOURS: 24 };

let context: TestContext;
let partnershipId: string;
let schoolId: string;
let keeperIds: string[];
const sent: Array<{ to: string; text: string }> = [];
let mailer: Mailer | null;

/** A nodemailer JSON transport: builds the real message and keeps it instead of sending it. */
function capturingTransport(): Transporter {
  const json = nodemailer.createTransport({ jsonTransport: true });
  return {
    sendMail: async (message: SendMailOptions) => {
      const info = await json.sendMail(message);
      const parsed = JSON.parse(info.message) as { to: Array<{ address: string }>; text: string };
      sent.push({ to: parsed.to.map((a) => a.address).join(','), text: parsed.text });
      return info;
    },
  } as unknown as Transporter;
}

async function remindersOf(serviceId: string) {
  return context.database.db
    .select({ userId: notifications.userId, emailedAt: notifications.emailedAt })
    .from(notifications)
    .where(
      and(
        eq(notifications.kind, staleCardNotification.kind),
        sql`${notifications.params} ->> 'serviceId' = ${serviceId}`,
      ),
    );
}

function mailsAbout(serviceId: string) {
  return sent.filter((message) => message.text.includes(serviceId));
}

beforeAll(async () => {
  context = await createTestContext();
  const db = context.database.db;
  partnershipId = (await buildPartnership(db, { name: 'PZK Łódź Bałuty' })).id;
  schoolId = (await buildInstitution(db, { kind: 'school', name: 'Szkoła Podstawowa nr 81 w Łodzi' })).id;
  await db
    .insert(partnershipMembers)
    .values({ partnershipId, institutionId: schoolId, status: 'declared', declarationDate: '2026-03-01' });
  keeperIds = [
    (await buildUser(db, { role: 'partnerRepresentative', institutionId: schoolId })).id,
    (await buildUser(db, { role: 'director', institutionId: schoolId })).id,
  ].sort();
  mailer = createMailer(
    { MAIL_FROM: 'Kooperacja <powiadomienia@kooperacja.example.gov.pl>', PUBLIC_ORIGIN: 'https://kooperacja.example' },
    capturingTransport(),
  );
});

afterAll(async () => {
  await context?.close();
});

describe('stale-service reminders on several nodes', () => {
  it('go out once when two runs overlap (row locks and the stamp guard them)', async () => {
    const db = context.database.db;
    const second = context.databaseUrl ? await openPostgres(context.databaseUrl) : null;
    try {
      const card = await buildStaleServiceCard(context.database.db, partnershipId, {
        name: `Świetlica ${randomUUID().slice(0, 6)}`,
        providerInstitutionId: schoolId,
      });
      const results = await Promise.all([
        sendStaleServiceReminders(db, config, { partnershipId, mailer }),
        sendStaleServiceReminders(second?.db ?? db, config, { partnershipId, mailer }),
      ]);
      expect(results.map((r) => r.remindedServices).sort()).toEqual([0, 1]);
      expect((await remindersOf(card.id)).map((r) => r.userId).sort()).toEqual(keeperIds);
      expect(mailsAbout(card.id)).toHaveLength(2);
    } finally {
      await second?.close();
    }
  });

  describe.skipIf(!process.env.DATABASE_URL)('scheduled on two app nodes (PostgreSQL only: set DATABASE_URL)', () => {
    it('sends each reminder and each e-mail once, and audits the run', async () => {
      const nodes: DatabaseHandle[] = [context.database, await openPostgres(context.databaseUrl!)];
      const runners: JobRunner[] = [];
      const logger: JobLogger = { error: () => {}, warn: () => {}, info: () => {} };
      try {
        const card = await buildStaleServiceCard(context.database.db, partnershipId, {
          name: `Poradnia ${randomUUID().slice(0, 6)}`,
          providerInstitutionId: schoolId,
        });
        for (const node of nodes) {
          const runner = createPgBossJobRunner({
            pool: node.pool!,
            connectionString: context.databaseUrl!,
            logger,
            pollingIntervalSeconds: 0.5,
          });
          scheduleStaleServiceReminders(runner, node.db, config, { mailer });
          runners.push(runner);
        }
        await Promise.all(runners.map((runner) => runner.start()));

        await vi.waitFor(
          async () => {
            const result = await context.database.db.execute(
              sql`select state from pgboss.job where name = ${STALE_SERVICE_REMINDERS_JOB}`,
            );
            expect((result as unknown as { rows: Array<{ state: string }> }).rows).toEqual([{ state: 'completed' }]);
          },
          { timeout: 20_000, interval: 200 },
        );
        const rows = await remindersOf(card.id);
        expect(rows.map((r) => r.userId).sort()).toEqual(keeperIds);
        expect(rows.every((r) => r.emailedAt !== null)).toBe(true);
        expect(mailsAbout(card.id).map((m) => m.to)).toHaveLength(2);
        const runsAudited = await context.database.db
          .select({ details: auditEvents.details })
          .from(auditEvents)
          .where(and(eq(auditEvents.action, 'basket.staleReminders'), sql`${auditEvents.subjectId} is null`));
        expect(runsAudited).toHaveLength(1);
      } finally {
        await Promise.allSettled(runners.map((runner) => runner.stop()));
        await nodes[1]!.close();
      }
    });
  });
});
