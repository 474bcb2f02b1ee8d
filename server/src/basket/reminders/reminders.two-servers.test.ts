/**
 * Scheduled work runs once per deployment (issue 7, item 7): two whole servers (server/src/main.ts
 * as two processes) on one PostgreSQL database, each with the daily stale-card reminders, send each
 * reminder once: one notification per keeper and one e-mail each, caught by a real SMTP server.
 * PostgreSQL only: on PGlite one process owns its data folder, so there is never a second node.
 */
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditEvents, notifications, partnershipMembers, users } from '../../platform/db/tables.js';
import { buildInstitution, buildPartnership, buildStaleServiceCard, buildUser } from '../../testing/factories.js';
import { openTestDatabase } from '../../testing/test-app.js';
import type { DatabaseHandle } from '../../platform/db/database.js';
import { startServerProcess, type ServerProcess } from '../../testing/server-process.js';
import { startSmtpSink, type SmtpSink } from '../../testing/smtp-sink.js';
import { staleCardNotification } from '../notification-kinds.js';
import { STALE_SERVICE_REMINDERS_JOB } from './reminders.js';

const isPostgres = Boolean(process.env.DATABASE_URL);

let database: DatabaseHandle;
let databaseUrl: string;
let dropDatabase: () => Promise<void>;
let sink: SmtpSink;
let servers: ServerProcess[] = [];
let cardIds: string[] = [];
let keeperEmails: string[] = [];

function rowsOf<Row>(result: unknown): Row[] {
  return (result as { rows: Row[] }).rows;
}

describe.runIf(isPostgres)('two servers on one PostgreSQL database (set DATABASE_URL)', () => {
  beforeAll(async () => {
    const opened = await openTestDatabase();
    database = opened.database;
    databaseUrl = opened.url!;
    dropDatabase = opened.drop;
    const db = database.db;
    const partnershipId = (await buildPartnership(db, { name: 'PZK Łódź Widzew' })).id;
    const schoolId = (await buildInstitution(db, { kind: 'school', name: 'Szkoła Podstawowa nr 12 w Łodzi' })).id;
    await db
      .insert(partnershipMembers)
      .values({ partnershipId, institutionId: schoolId, status: 'declared', declarationDate: '2026-03-01' });
    const keeperIds = [
      (await buildUser(db, { role: 'partnerRepresentative', institutionId: schoolId })).id,
      (await buildUser(db, { role: 'director', institutionId: schoolId })).id,
    ];
    keeperEmails = (await db.select({ id: users.id, email: users.email }).from(users))
      .filter((user) => keeperIds.includes(user.id))
      .map((user) => user.email)
      .sort();
    cardIds = [
      (
        await buildStaleServiceCard(db, partnershipId, {
          name: 'Świetlica środowiskowa „Promyk”',
          providerInstitutionId: schoolId,
        })
      ).id,
      (
        await buildStaleServiceCard(db, partnershipId, {
          name: 'Korepetycje z matematyki',
          providerInstitutionId: schoolId,
        })
      ).id,
    ];
    sink = await startSmtpSink();
  });

  afterAll(async () => {
    await Promise.allSettled(servers.map((server) => server.stop()));
    await sink?.close();
    await database?.close();
    await dropDatabase?.();
  });

  it('send each daily reminder once: one notification and one e-mail per keeper and card', async () => {
    const env = {
      DATABASE_URL: databaseUrl,
      NODE_ENV: 'test',
      SEED_DEMO: 'false',
      LOG_LEVEL: 'info',
      JOBS_ENABLED: 'true',
      REMINDER_INTERVAL_HOURS: '24',
      STALE_SERVICE_MONTHS: '12',
      SMTP_URL: sink.url,
      MAIL_FROM: 'Kooperacja <powiadomienia@kooperacja.example.gov.pl>',
      PUBLIC_ORIGIN: 'https://kooperacja.example',
    };
    // Both nodes start at the same moment, as after a deployment behind a load balancer.
    servers = await Promise.all([startServerProcess(env), startServerProcess(env)]);

    // Each node offers the day's window job at the end of its start; wait until both did.
    await vi.waitFor(
      () => {
        for (const server of servers) expect(server.output()).toContain('scheduled work started');
      },
      { timeout: 60_000, interval: 250 },
    );
    await vi.waitFor(
      async () => {
        const jobs = rowsOf<{ state: string }>(
          await database.db.execute(sql`select state from pgboss.job where name = ${STALE_SERVICE_REMINDERS_JOB}`),
        );
        expect(jobs).toEqual([{ state: 'completed' }]);
      },
      { timeout: 30_000, interval: 250 },
    );
    await vi.waitFor(() => expect(sink.messages.length).toBeGreaterThanOrEqual(4), { timeout: 10_000 });
    // Both nodes kept polling meanwhile; give a second run the time to show up if there were one.
    await new Promise((resolve) => setTimeout(resolve, 3_000));

    for (const server of servers) expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
    const reminders = await database.db
      .select({ userId: notifications.userId, serviceId: sql<string>`${notifications.params} ->> 'serviceId'` })
      .from(notifications)
      .where(eq(notifications.kind, staleCardNotification.kind));
    expect(reminders).toHaveLength(4);
    expect(new Set(reminders.map((r) => `${r.userId}:${r.serviceId}`)).size).toBe(4);
    expect([...new Set(reminders.map((r) => r.serviceId))].sort()).toEqual([...cardIds].sort());

    // The e-mails went over SMTP, one per keeper and card, with the link and no other card detail.
    expect(sink.messages).toHaveLength(4);
    expect(sink.messages.flatMap((m) => m.to).sort()).toEqual([...keeperEmails, ...keeperEmails].sort());
    for (const cardId of cardIds) {
      const about = sink.messages.filter((m) => m.text.includes(`https://kooperacja.example/koszyk-uslug/${cardId}`));
      expect(about.map((m) => m.to[0]).sort()).toEqual(keeperEmails);
    }
    for (const message of sink.messages) {
      expect(message.from).toBe('powiadomienia@kooperacja.example.gov.pl');
      expect(message.text).not.toContain('Świetlica');
      expect(message.text).not.toContain('Korepetycje');
    }

    const runs = await database.db
      .select({ id: auditEvents.id })
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'basket.staleReminders'), sql`${auditEvents.subjectId} is null`));
    expect(runs).toHaveLength(1);
  }, 180_000);
});
