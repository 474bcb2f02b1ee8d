import { randomUUID } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, notifications, partnershipMembers, services } from '../../platform/db/tables.js';
import type { RequestContext } from '../../platform/auth/actor.js';
import { buildInstitution, buildPartnership, buildServiceCard, buildUser, signInAs } from '../../testing/factories.js';
import { createTestContext, TestClient, type TestContext } from '../../testing/test-app.js';
import { insertServiceCard, type ServiceCardData } from '../cards/cards.store.js';
import { sendStaleServiceReminders } from './reminders.js';
import { createMailer, mailerFor } from '../../notifications/mailer.js';
import type { ServiceStatus } from '../../../../shared/src/contracts/basket.js';

let context: TestContext;
let partnershipId: string;
let coordinatorUserId: string;
let schoolId: string;
let schoolKeeperIds: string[];
let schoolCaseManagerId: string;

const systemContext: RequestContext = { actor: null, requestId: 'test-reminders', ip: null };

const card = (overrides: Partial<ServiceCardData> = {}): ServiceCardData =>
  buildServiceCard({
    name: 'Świetlica socjoterapeutyczna',
    description: 'Zajęcia dla dzieci po lekcjach, pomoc w nauce, posiłek.',
    providerInstitutionId: schoolId,
    cooperationAreas: ['education'],
    targetGroups: ['children'],
    street: null,
    postalCode: null,
    contactName: 'Bożena Kłos',
    contactPhone: '42 633 44 55',
    contactEmail: null,
    ...overrides,
  });

/** A card in the given status, last confirmed `monthsAgo` months ago (null: never). */
async function cardConfirmed(
  monthsAgo: number | null,
  overrides: Partial<ServiceCardData> & { status?: ServiceStatus; inPartnership?: string } = {},
) {
  const db = context.database.db;
  const { status = 'published', inPartnership = partnershipId, ...fields } = overrides;
  const row = await db.transaction((tx) =>
    insertServiceCard(
      tx,
      systemContext,
      inPartnership,
      card({ name: `Usługa ${randomUUID().slice(0, 6)}`, ...fields }),
      {
        status,
      },
    ),
  );
  await db
    .update(services)
    .set({
      lastConfirmedAt: monthsAgo === null ? null : sql`now() - make_interval(months => ${monthsAgo}::int)`,
    })
    .where(eq(services.id, row.id));
  return row;
}

async function remindersOf(serviceId: string) {
  return context.database.db
    .select()
    .from(notifications)
    .where(
      and(eq(notifications.kind, 'basket.staleCard'), sql`${notifications.params} ->> 'serviceId' = ${serviceId}`),
    );
}

/** A nodemailer JSON transport: builds the real message and hands it back instead of sending it. */
function capturingTransport(sent: Array<{ to: string; subject: string; text: string }>): Transporter {
  const json = nodemailer.createTransport({ jsonTransport: true });
  return {
    sendMail: async (message: SendMailOptions) => {
      const info = await json.sendMail(message);
      const parsed = JSON.parse(info.message) as { to: Array<{ address: string }>; subject: string; text: string };
      sent.push({ to: parsed.to.map((a) => a.address).join(','), subject: parsed.subject, text: parsed.text });
      return info;
    },
  } as unknown as Transporter;
}

const config = () => ({ STALE_SERVICE_MONTHS: 12 });

beforeAll(async () => {
  context = await createTestContext();
  const db = context.database.db;
  const partnership = await buildPartnership(db, { name: 'PZK Łódź Widzew' });
  partnershipId = partnership.id;
  coordinatorUserId = partnership.coordinatorUserId;
  schoolId = (await buildInstitution(db, { kind: 'school', name: 'Szkoła Podstawowa nr 12 w Łodzi' })).id;
  await db
    .insert(partnershipMembers)
    .values({ partnershipId, institutionId: schoolId, status: 'declared', declarationDate: '2026-02-01' });
  schoolKeeperIds = [
    (await buildUser(db, { role: 'partnerRepresentative', institutionId: schoolId })).id,
    (await buildUser(db, { role: 'director', institutionId: schoolId })).id,
  ];
  schoolCaseManagerId = (await buildUser(db, { role: 'caseManager', institutionId: schoolId })).id;
});

afterAll(async () => {
  await context?.close();
});

describe('stale-service reminders', () => {
  it('reminds only stale published services, their card keepers, once per 30 days', async () => {
    const db = context.database.db;
    const old = await cardConfirmed(13);
    const never = await cardConfirmed(null);
    const fresh = await cardConfirmed(2);
    const oldDraft = await cardConfirmed(24, { status: 'draft' });
    const selfHelp = await cardConfirmed(14, {
      providerInstitutionId: null,
      providerName: 'Grupa AA „Nadzieja”',
      origin: 'selfHelp',
    });

    const first = await sendStaleServiceReminders(db, config(), { partnershipId, mailer: null });
    expect(first).toEqual({ staleServices: 3, remindedServices: 3, notifications: 5, emails: 0 });

    for (const service of [old, never]) {
      const rows = await remindersOf(service.id);
      expect(rows.map((r) => r.userId).sort()).toEqual([...schoolKeeperIds].sort());
      expect(rows.map((r) => r.userId)).not.toContain(schoolCaseManagerId);
      expect(rows[0]!.link).toBe(`/koszyk-uslug/${service.id}`);
      expect(rows[0]!.params).toMatchObject({ serviceName: service.name, partnershipName: 'PZK Łódź Widzew' });
    }
    expect((await remindersOf(selfHelp.id)).map((r) => r.userId)).toEqual([coordinatorUserId]);
    expect(await remindersOf(fresh.id)).toEqual([]);
    expect(await remindersOf(oldDraft.id)).toEqual([]);
    const stamped = await db
      .select({ id: services.id, staleRemindedAt: services.staleRemindedAt, version: services.version })
      .from(services)
      .where(inArray(services.id, [old.id, never.id, fresh.id, oldDraft.id, selfHelp.id]));
    const byId = new Map(stamped.map((s) => [s.id, s]));
    expect(byId.get(old.id)!.staleRemindedAt).not.toBeNull();
    expect(byId.get(old.id)!.version).toBe(1);
    expect(byId.get(fresh.id)!.staleRemindedAt).toBeNull();

    const second = await sendStaleServiceReminders(db, config(), { partnershipId, mailer: null });
    expect(second).toEqual({ staleServices: 3, remindedServices: 0, notifications: 0, emails: 0 });

    await db
      .update(services)
      .set({ staleRemindedAt: sql`now() - interval '31 days'` })
      .where(eq(services.id, old.id));
    const third = await sendStaleServiceReminders(db, config(), { partnershipId, mailer: null });
    expect(third).toMatchObject({ remindedServices: 1, notifications: 2 });

    const runs = await db
      .select({ details: auditEvents.details })
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'basket.staleReminders'), eq(auditEvents.subjectId, partnershipId)));
    expect(runs.map((r) => r.details)).toEqual([
      { staleServices: 3, remindedServices: 3, notifications: 5 },
      { staleServices: 3, remindedServices: 0, notifications: 0 },
      { staleServices: 3, remindedServices: 1, notifications: 2 },
    ]);
  });

  it('keeps to the partnership asked for; a run for all baskets reaches the others', async () => {
    const db = context.database.db;
    const other = await buildPartnership(db);
    const elsewhere = await cardConfirmed(20, {
      inPartnership: other.id,
      providerInstitutionId: null,
      providerName: 'Koło gospodyń wiejskich',
      origin: 'neighbourhood',
    });
    await sendStaleServiceReminders(db, config(), { partnershipId, mailer: null });
    expect(await remindersOf(elsewhere.id)).toEqual([]);
    const all = await sendStaleServiceReminders(db, config(), { mailer: null });
    expect(all.remindedServices).toBeGreaterThanOrEqual(1);
    expect((await remindersOf(elsewhere.id)).map((r) => r.userId)).toEqual([other.coordinatorUserId]);
  });

  it('goes in batches, each with its notifications, stamps and audit event, and reminds each card once', async () => {
    const db = context.database.db;
    const batched = await buildPartnership(db);
    const cards = [];
    for (let i = 0; i < 5; i += 1) cards.push(await cardConfirmed(14, { inPartnership: batched.id }));

    const result = await sendStaleServiceReminders(db, config(), {
      partnershipId: batched.id,
      mailer: null,
      batchSize: 2,
    });
    expect(result).toEqual({ staleServices: 5, remindedServices: 5, notifications: 10, emails: 0 });
    for (const service of cards) {
      expect((await remindersOf(service.id)).map((r) => r.userId).sort()).toEqual([...schoolKeeperIds].sort());
    }
    const events = await db
      .select({ details: auditEvents.details })
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'basket.staleReminders'), eq(auditEvents.subjectId, batched.id)));
    expect(events.map((e) => (e.details as { remindedServices: number }).remindedServices).sort()).toEqual([1, 2, 2]);
    expect(events.every((e) => (e.details as { staleServices: number }).staleServices === 5)).toBe(true);

    const again = await sendStaleServiceReminders(db, config(), {
      partnershipId: batched.id,
      mailer: null,
      batchSize: 2,
    });
    expect(again).toEqual({ staleServices: 5, remindedServices: 0, notifications: 0, emails: 0 });
  });

  it('sends e-mail through the configured transport only, in Polish, with a link and no names or contact data', async () => {
    const db = context.database.db;
    expect(mailerFor({})).toBeNull();
    const withoutSmtp = await cardConfirmed(15, { name: 'Poradnictwo psychologiczne' });
    const quiet = await sendStaleServiceReminders(db, config(), { partnershipId });
    expect(quiet.emails).toBe(0);
    expect((await remindersOf(withoutSmtp.id)).every((r) => r.emailedAt === null)).toBe(true);

    const sent: Array<{ to: string; subject: string; text: string }> = [];
    const mailer = createMailer(
      {
        MAIL_FROM: 'Kooperacja <powiadomienia@kooperacja.example.gov.pl>',
        PUBLIC_ORIGIN: 'https://kooperacja.example.gov.pl',
      },
      capturingTransport(sent),
    );
    const service = await cardConfirmed(15, { name: 'Terapia rodzinna' });
    const result = await sendStaleServiceReminders(db, config(), { partnershipId, mailer });
    expect(result).toMatchObject({ remindedServices: 1, notifications: 2, emails: 2 });
    expect(sent).toHaveLength(2);
    const message = sent[0]!;
    expect(message.subject).toBe('Potwierdź aktualność karty usługi');
    // Fixed text and the link only: not even the (public) service name leaves in an e-mail.
    expect(message.text).not.toContain('Terapia rodzinna');
    expect(message.text).toContain(`https://kooperacja.example.gov.pl/koszyk-uslug/${service.id}`);
    expect(message.text).not.toContain('Bożena');
    expect(message.text).not.toContain('633');
    const rows = await remindersOf(service.id);
    expect(rows.every((r) => r.emailedAt !== null)).toBe(true);
  });

  it('runs over HTTP for the partnership’s managers only', async () => {
    const db = context.database.db;
    await cardConfirmed(18, { name: 'Asystent rodziny' });
    const coordinatorUser = await db.query.users.findFirst({ where: (u, { eq: e }) => e(u.id, coordinatorUserId) });
    const { TEST_PASSWORD } = await import('../../testing/factories.js');
    const coordinator = await new TestClient(context).signIn(coordinatorUser!.email, TEST_PASSWORD);
    const response = await coordinator.post(`/api/v1/partnerships/${partnershipId}/basket/reminders`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ remindedServices: 1, notifications: 2, emails: 0 });

    const schoolRep = (await signInAs(context, 'partnerRepresentative', { institutionId: schoolId })).client;
    expect((await schoolRep.post(`/api/v1/partnerships/${partnershipId}/basket/reminders`)).statusCode).toBe(403);
    const outsider = (await signInAs(context, 'director')).client;
    expect((await outsider.post(`/api/v1/partnerships/${partnershipId}/basket/reminders`)).statusCode).toBe(404);
    const denied = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'basket.staleReminders'), eq(auditEvents.outcome, 'denied')));
    // Both refusals are audited: the school's (visible, not its to run) and the outsider's (not visible: 404).
    expect(denied.map((event) => (event.details as { reason?: string }).reason).sort()).toEqual([
      'notVisible',
      'recordRule',
    ]);
  });
});
