/**
 * Work that waits for someone reaches them: who is notified (in the app and by e-mail, caught by a
 * real SMTP server) when a card is submitted for publication, when a change request waits for review
 * or decision, and when the requester's own request is decided; and who is not. PZK Łódź Bałuty: an
 * OPS leads (two network coordinators, one of them appointed, a director, a case manager), a school
 * takes part; a director of another OPS is appointed too but may not run the basket through that role.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifications, partnershipCoordinators, partnershipMembers } from '../platform/db/tables.js';
import { GMINA_LODZ, buildInstitution, buildPartnership, buildUser, signInAs } from '../testing/factories.js';
import { createTestContext, TestClient, type TestContext } from '../testing/test-app.js';
import { startSmtpSink, type SmtpSink } from '../testing/smtp-sink.js';
import type { ChangeRequest, Service } from '../../../shared/src/contracts/basket.js';

type Person = { id: string; email: string; client: TestClient };

let context: TestContext;
let sink: SmtpSink;
let partnershipId: string;
let schoolId: string;
const people: Record<string, Person> = {};

const card = (overrides: Record<string, unknown> = {}) => ({
  name: 'Konsultacje pedagoga dla rodziców',
  description: 'Konsultacje pedagoga szkolnego dla rodziców i dzieci; wsparcie w kryzysie.',
  providerInstitutionId: schoolId,
  origin: 'partner',
  cooperationAreas: ['education'],
  targetGroups: ['children', 'families'],
  cost: 'free',
  locationKind: 'address',
  city: 'Łódź',
  territoryCode: GMINA_LODZ,
  reachKind: 'gminas',
  reachCodes: [GMINA_LODZ],
  contactName: 'Grażyna Żak',
  contactPhone: '42 600 00 00',
  ...overrides,
});

async function person(name: string, role: Parameters<typeof signInAs>[1], institutionId?: string): Promise<Person> {
  const { client, user } = await signInAs(context, role, institutionId ? { institutionId } : {});
  people[name] = { id: user.id, email: user.email, client };
  return people[name]!;
}

/** Who of the named people holds a notification of the kind (about the record, when given). */
async function notifiedPeople(kind: string, recordId?: string): Promise<string[]> {
  const rows = await context.database.db.select().from(notifications).where(eq(notifications.kind, kind));
  const about = rows.filter((row) => !recordId || JSON.stringify(row.params).includes(recordId));
  return Object.entries(people)
    .filter(([, p]) => about.some((row) => row.userId === p.id))
    .map(([name]) => name)
    .sort();
}

/** Who of the named people got an e-mail with this subject. */
function mailedPeople(subject: string): string[] {
  const to = sink.messages.filter((m) => m.subject === subject).flatMap((m) => m.to);
  return Object.entries(people)
    .filter(([, p]) => to.includes(p.email))
    .map(([name]) => name)
    .sort();
}

beforeAll(async () => {
  sink = await startSmtpSink();
  context = await createTestContext({ SMTP_URL: sink.url });
  const db = context.database.db;
  const leader = await buildInstitution(db, { name: 'Miejski Ośrodek Pomocy Społecznej w Łodzi' });
  const appointed = await buildUser(db, { role: 'networkCoordinator', institutionId: leader.id });
  const partnership = await buildPartnership(db, {
    name: 'PZK Łódź Bałuty',
    leaderInstitutionId: leader.id,
    coordinatorUserId: appointed.id,
  });
  partnershipId = partnership.id;
  schoolId = (await buildInstitution(db, { kind: 'school', name: 'Szkoła Podstawowa nr 7 w Łodzi' })).id;
  await db
    .insert(partnershipMembers)
    .values({ partnershipId, institutionId: schoolId, status: 'declared', declarationDate: '2026-02-01' });
  people.appointedCoordinator = {
    id: appointed.id,
    email: appointed.email,
    client: await new TestClient(context).signIn(appointed.email, appointed.password),
  };
  await person('leaderCoordinator', 'networkCoordinator', leader.id);
  await person('director', 'director', leader.id);
  await person('caseManager', 'caseManager', leader.id);
  await person('schoolRep', 'partnerRepresentative', schoolId);
  // Appointed, but a director elsewhere: an appointed coordinator runs the basket only as a network coordinator.
  const appointedDirector = await person('appointedDirectorElsewhere', 'director');
  await db.insert(partnershipCoordinators).values({ partnershipId, userId: appointedDirector.id, since: '2026-01-02' });
  await person('otherCaseManager', 'caseManager');
  await person('otherDirector', 'director');
  await person('admin', 'admin');
});

afterAll(async () => {
  await context?.close();
  await sink?.close();
});

describe('notifications of work that waits', () => {
  it('a submitted card reaches those who may publish it, in the app and by e-mail; nobody else', async () => {
    const schoolRep = people.schoolRep!.client;
    const created = await schoolRep.post('/api/v1/services', { partnershipId, ...card() });
    expect(created.statusCode, created.body).toBe(201);
    const draft = created.json() as Service;
    // A draft is the provider's own business: nobody is told yet.
    expect(await notifiedPeople('basket.cardSubmitted', draft.id)).toEqual([]);
    const submitted = await schoolRep.post(`/api/v1/services/${draft.id}/transitions`, {
      action: 'submit',
      version: draft.version,
    });
    expect(submitted.statusCode, submitted.body).toBe(200);
    expect(await notifiedPeople('basket.cardSubmitted', draft.id)).toEqual([
      'appointedCoordinator',
      'director',
      'leaderCoordinator',
    ]);
    expect(mailedPeople('Karta usługi czeka na publikację')).toEqual([
      'appointedCoordinator',
      'director',
      'leaderCoordinator',
    ]);
    const [row] = await context.database.db
      .select()
      .from(notifications)
      .where(eq(notifications.kind, 'basket.cardSubmitted'));
    expect(row!.link).toBe(`/koszyk-uslug/${draft.id}`);
    // Public names only: the card's contact person goes neither into the notification nor the e-mail.
    expect(JSON.stringify(row!.params)).not.toContain('Grażyna');
    expect(sink.messages.map((m) => m.text).join('\n')).not.toContain('Grażyna');
  });

  it('a card the coordinator submits does not notify the coordinator', async () => {
    const coordinator = people.leaderCoordinator!.client;
    const created = await coordinator.post('/api/v1/services', {
      partnershipId,
      ...card({ name: 'Świetlica szkolna' }),
    });
    const draft = created.json() as Service;
    await coordinator.post(`/api/v1/services/${draft.id}/transitions`, { action: 'submit', version: draft.version });
    expect(await notifiedPeople('basket.cardSubmitted', draft.id)).toEqual(['appointedCoordinator', 'director']);
  });

  it('a change request reaches who must review it, then who must decide it, then the requester', async () => {
    const proposed = await people.caseManager!.client.post('/api/v1/basket-change-requests', {
      partnershipId,
      kind: 'newService',
      justification: 'Zgłoszenie z ZZK',
      proposal: card({
        name: 'Grupa wsparcia dla opiekunów osób starszych',
        providerInstitutionId: null,
        providerName: 'Stowarzyszenie „Razem” z Bałut',
        origin: 'selfHelp',
      }),
    });
    expect(proposed.statusCode, proposed.body).toBe(201);
    const request = proposed.json() as ChangeRequest;
    // Review: both network coordinators of the leader (the appointed one and the other); not the director.
    expect(await notifiedPeople('basket.changeRequestCreated', request.id)).toEqual([
      'appointedCoordinator',
      'leaderCoordinator',
    ]);
    expect(mailedPeople('Nowy wniosek o zmianę w koszyku usług')).toEqual([
      'appointedCoordinator',
      'leaderCoordinator',
    ]);

    const reviewed = await people.leaderCoordinator!.client.post(
      `/api/v1/basket-change-requests/${request.id}/review`,
      {},
    );
    expect(reviewed.statusCode, reviewed.body).toBe(200);
    expect(await notifiedPeople('basket.changeRequestReviewed', request.id)).toEqual(['director']);
    expect(mailedPeople('Wniosek o zmianę w koszyku usług czeka na decyzję')).toEqual(['director']);

    const decided = await people.director!.client.post(`/api/v1/basket-change-requests/${request.id}/decision`, {
      decision: 'apply',
    });
    expect(decided.statusCode, decided.body).toBe(200);
    expect(await notifiedPeople('basket.changeRequestApplied', request.id)).toEqual(['caseManager']);
    expect(mailedPeople('Twój wniosek o zmianę w koszyku usług został uwzględniony')).toEqual(['caseManager']);
  });

  it('a refusal reaches the requester only', async () => {
    const proposed = await people.schoolRep!.client.post('/api/v1/basket-change-requests', {
      partnershipId,
      kind: 'newService',
      justification: 'Nowe zajęcia',
      proposal: card({ name: 'Zajęcia wyrównawcze z matematyki' }),
    });
    expect(proposed.statusCode, proposed.body).toBe(201);
    const request = proposed.json() as ChangeRequest;
    await people.appointedCoordinator!.client.post(`/api/v1/basket-change-requests/${request.id}/review`, {});
    const refused = await people.director!.client.post(`/api/v1/basket-change-requests/${request.id}/decision`, {
      decision: 'refuse',
      reason: 'Usługa jest już w koszyku.',
    });
    expect(refused.statusCode, refused.body).toBe(200);
    expect(await notifiedPeople('basket.changeRequestRefused', request.id)).toEqual(['schoolRep']);
  });

  it('nobody outside the work was notified of anything', async () => {
    const rows = await context.database.db.select().from(notifications);
    const outsiders = ['otherCaseManager', 'otherDirector', 'admin', 'appointedDirectorElsewhere'].map(
      (name) => people[name]!.id,
    );
    expect(rows.filter((row) => outsiders.includes(row.userId))).toEqual([]);
    const mailedOutsiders = ['otherCaseManager', 'otherDirector', 'admin', 'appointedDirectorElsewhere'].filter(
      (name) => sink.messages.some((m) => m.to.includes(people[name]!.email)),
    );
    expect(mailedOutsiders).toEqual([]);
  });
});
