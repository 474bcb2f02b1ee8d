import { eq } from 'drizzle-orm';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifications } from '../platform/db/tables.js';
import { signInAs } from '../testing/factories.js';
import { createTestContext, type TestClient, type TestContext } from '../testing/test-app.js';
import { createNotification, deliverNotificationEmails } from './notifications.service.js';
import { createMailer } from './mailer.js';
import { defineNotificationKind, notificationParam } from './notification-kinds.js';

let context: TestContext;
let anna: { client: TestClient; id: string };
let piotr: { client: TestClient; id: string };

beforeAll(async () => {
  context = await createTestContext();
  const first = await signInAs(context, 'caseManager', { displayName: 'Anna Łęcka' });
  const second = await signInAs(context, 'caseManager', { displayName: 'Piotr Żuk' });
  anna = { client: first.client, id: first.user.id };
  piotr = { client: second.client, id: second.user.id };
});

afterAll(async () => {
  await context?.close();
});

/** A kind of this test's own: the notifications domain knows no other domain's kinds. */
const reminderNotification = defineNotificationKind({
  kind: 'testing.reminder',
  params: { serviceName: notificationParam.publicName(), partnershipName: notificationParam.publicName() },
  link: () => '/koszyk-uslug',
  email: { subject: 'Przypomnienie', lead: 'Masz przypomnienie.' },
});

async function notifyOf(userId: string, serviceName: string): Promise<string> {
  return createNotification(context.database.db, userId, reminderNotification, {
    serviceName,
    partnershipName: 'PZK Łódź',
  });
}

describe('notifications', () => {
  it('lists own notifications newest first with the unread count, and marks them read', async () => {
    const older = await notifyOf(anna.id, 'Świetlica');
    const newer = await notifyOf(anna.id, 'Klub seniora');
    await notifyOf(piotr.id, 'Poradnia');

    const list = await anna.client.get('/api/v1/notifications');
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({ unreadCount: 2 });
    expect(list.json().items.map((n: { id: string }) => n.id)).toEqual([newer, older]);
    expect(list.json().items[0]).toMatchObject({ kind: 'testing.reminder', isRead: false, link: '/koszyk-uslug' });

    const afterOne = await anna.client.post(`/api/v1/notifications/${older}/read`);
    expect(afterOne.statusCode).toBe(200);
    expect(afterOne.json().unreadCount).toBe(1);
    const afterAll = await anna.client.post('/api/v1/notifications/read-all');
    expect(afterAll.json()).toMatchObject({ unreadCount: 0 });
    expect(afterAll.json().items.every((n: { isRead: boolean }) => n.isRead)).toBe(true);
    // Piotr's notification is untouched by Anna's read-all.
    expect((await piotr.client.get('/api/v1/notifications')).json().unreadCount).toBe(1);
  });

  it('are private: someone else’s notification is invisible and cannot be marked read (404)', async () => {
    const piotrs = await notifyOf(piotr.id, 'Punkt interwencji kryzysowej');
    const annasList = (await anna.client.get('/api/v1/notifications')).json();
    expect(annasList.items.map((n: { id: string }) => n.id)).not.toContain(piotrs);
    const foreign = await anna.client.post(`/api/v1/notifications/${piotrs}/read`);
    expect(foreign.statusCode).toBe(404);
    const unknown = await anna.client.post('/api/v1/notifications/00000000-0000-4000-8000-00000000abcd/read');
    expect(unknown.statusCode).toBe(404);
    const [row] = await context.database.db.select().from(notifications).where(eq(notifications.id, piotrs));
    expect(row!.readAt).toBeNull();
  });

  it('answers only the parameters its kind declares, and none for a kind no module declares', async () => {
    const db = context.database.db;
    const declared = await notifyOf(piotr.id, 'Świetlica');
    await db
      .update(notifications)
      .set({ params: { serviceName: 'Świetlica', partnershipName: 'PZK Łódź', familyName: 'Kowalscy' } })
      .where(eq(notifications.id, declared));
    const [unknown] = await db
      .insert(notifications)
      .values({ userId: piotr.id, kind: 'gone.kind', params: { familyName: 'Kowalscy' }, link: null })
      .returning({ id: notifications.id });
    const items = (await piotr.client.get('/api/v1/notifications')).json().items as Array<{ id: string }>;
    expect(items.find((n) => n.id === declared)).toMatchObject({
      params: { serviceName: 'Świetlica', partnershipName: 'PZK Łódź' },
    });
    expect(JSON.stringify(items)).not.toContain('Kowalscy');
    expect(items.find((n) => n.id === unknown!.id)).toMatchObject({ kind: 'gone.kind', params: {} });
  });

  it('refuses parameters its kind does not declare', async () => {
    const params = { serviceName: 'Świetlica', partnershipName: 'PZK Łódź', familyName: 'Kowalscy' };
    await expect(createNotification(context.database.db, anna.id, reminderNotification, params)).rejects.toThrow();
  });

  it('refuses a kind that was not declared with defineNotificationKind', async () => {
    const handBuilt = { ...reminderNotification };
    const params = { serviceName: 'Świetlica', partnershipName: 'PZK Łódź' };
    await expect(createNotification(context.database.db, anna.id, handBuilt, params)).rejects.toThrow(/not declared/);
  });

  it('needs a signed-in user', async () => {
    const anonymous = await context.app.inject({ method: 'GET', url: '/api/v1/notifications' });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('notification e-mail', () => {
  it('is not attempted without a mail server and is stamped when sent', async () => {
    const id = await notifyOf(anna.id, 'Mieszkanie chronione');
    expect(await deliverNotificationEmails(context.database.db, null, [id])).toBe(0);
    const texts: string[] = [];
    const json = nodemailer.createTransport({ jsonTransport: true });
    const mailer = createMailer({ PUBLIC_ORIGIN: 'https://kooperacja.example.gov.pl/' }, {
      sendMail: async (message: SendMailOptions) => {
        const info = await json.sendMail(message);
        texts.push((JSON.parse(info.message) as { text: string }).text);
        return info;
      },
    } as unknown as Transporter);
    expect(await deliverNotificationEmails(context.database.db, mailer, [id])).toBe(1);
    // Already sent: a second delivery of the same notification sends nothing.
    expect(await deliverNotificationEmails(context.database.db, mailer, [id])).toBe(0);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain('https://kooperacja.example.gov.pl/koszyk-uslug');
    // The kind's fixed text and the link: no parameter, not even a public service name.
    expect(texts[0]).toContain('Masz przypomnienie.');
    expect(texts[0]).not.toContain('Mieszkanie chronione');
    expect(texts[0]).not.toContain('PZK Łódź');
    const [row] = await context.database.db.select().from(notifications).where(eq(notifications.id, id));
    expect(row!.emailedAt).not.toBeNull();
  });
});
