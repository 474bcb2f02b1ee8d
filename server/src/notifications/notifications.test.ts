import { eq } from 'drizzle-orm';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifications } from '../platform/db/tables.js';
import { signInAs } from '../testing/factories.js';
import { createTestContext, type TestClient, type TestContext } from '../testing/test-app.js';
import { createNotification, deliverNotificationEmails } from './notifications.service.js';
import { composeNotificationEmail, createMailer } from './mailer.js';

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

async function notifyOf(userId: string, serviceName: string): Promise<string> {
  return createNotification(
    context.database.db,
    userId,
    'service.staleReminder',
    { serviceName, partnershipName: 'PZK Łódź' },
    '/koszyk-uslug',
  );
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
    expect(list.json().items[0]).toMatchObject({ kind: 'service.staleReminder', isRead: false, link: '/koszyk-uslug' });

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
    const [row] = await context.database.db.select().from(notifications).where(eq(notifications.id, id));
    expect(row!.emailedAt).not.toBeNull();
  });

  it('words every kind in Polish and never includes a refusal reason', () => {
    for (const kind of [
      'basketRequest.created',
      'basketRequest.reviewed',
      'basketRequest.applied',
      'basketRequest.refused',
    ]) {
      const { subject, text } = composeNotificationEmail(
        kind,
        { serviceName: 'Klub seniora', partnershipName: 'PZK Łódź', requestKind: 'newService', reason: 'TAJNE' },
        'https://kooperacja.example.gov.pl/partnerstwa/1/koszyk',
      );
      expect(subject).toMatch(/wniosek/i);
      expect(text).toContain('„Klub seniora”');
      expect(text).toContain('dodanie nowej usługi');
      expect(text).not.toContain('TAJNE');
    }
  });

  it('words a sign-in lockout for the owner and, naming the account, for the administrators', () => {
    const params = { failures: 5, lockoutMinutes: 15, accountName: 'Łucja Żabińska', accountEmail: 'l.z@ops.pl' };
    const own = composeNotificationEmail('account.lockedOut', params, 'https://kooperacja.example.gov.pl/konto');
    expect(own.subject).toBe('Nieudane próby logowania na Twoje konto');
    expect(own.text).toContain('Po 5 nieudanych próbach logowania na Twoje konto');
    expect(own.text).toContain('na 15 min');
    expect(own.text).not.toContain('Żabińska');
    const forAdmin = composeNotificationEmail('account.lockedOutForAdmin', params, 'https://x.example/uzytkownicy');
    expect(forAdmin.subject).toBe('Wstrzymane logowanie na konto użytkownika');
    expect(forAdmin.text).toContain('na konto „Łucja Żabińska” (l.z@ops.pl)');
  });
});
