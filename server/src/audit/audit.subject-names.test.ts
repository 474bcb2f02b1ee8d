/**
 * The audit log names its subjects (institutions, partnerships, cards, users) for a viewer who may
 * read them, through each domain's own visibility rule, and names nothing the viewer may not read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createTestContext, type TestClient, type TestContext } from '../testing/test-app.js';
import {
  GMINA_GROMADKA,
  buildInstitution,
  buildPartnership,
  buildServiceCard,
  buildUser,
  signInAs,
} from '../testing/factories.js';
import type { Actor, RequestContext } from '../platform/auth/actor.js';
import { loadMemberships } from '../accounts/sessions.js';
import { insertServiceCard } from '../basket/cards/cards.store.js';
import type { AuditEventView } from '../../../shared/src/contracts/audit.js';
import { recordStandaloneAuditEvent } from './audit.service.js';
import { auditSubjectKey, resolveAuditSubjectNames } from './audit.subject-names.js';

const systemContext: RequestContext = { actor: null, requestId: 'audit-subject-names-test', ip: null };

let context: TestContext;
let admin: TestClient;
let director: Actor;
let ownInstitution: { id: string; name: string };
let ownPartnership: { id: string; name: string };
let otherPartnership: { id: string; name: string };
let ownDraft: { id: string; name: string };
let otherCard: { id: string; name: string };
let otherUser: { id: string; displayName: string };

/** The actor the app would build for this user at sign-in: their real memberships, the first acting. */
async function actorOf(user: { id: string; email: string; displayName: string }): Promise<Actor> {
  const memberships = await loadMemberships(context.database.db, user.id);
  return {
    userId: user.id,
    displayName: user.displayName,
    email: user.email,
    sessionId: randomUUID(),
    mustChangePassword: false,
    isTotpEnabled: false,
    membership: memberships[0] ?? null,
    memberships,
  };
}

beforeAll(async () => {
  context = await createTestContext();
  const db = context.database.db;
  ownInstitution = await buildInstitution(db, { name: 'Miejski Ośrodek Pomocy Społecznej w Łodzi – Bałuty' });
  const directorUser = await buildUser(db, {
    role: 'director',
    institutionId: ownInstitution.id,
    displayName: 'Barbara Dąbrowska',
  });
  director = await actorOf(directorUser);
  ownPartnership = await buildPartnership(db, { name: 'PZK Łódź Bałuty', leaderInstitutionId: ownInstitution.id });
  otherPartnership = await buildPartnership(db, { name: 'PZK Gromadka', territoryCode: GMINA_GROMADKA });
  ownDraft = await insertServiceCard(
    db,
    systemContext,
    ownPartnership.id,
    buildServiceCard({
      name: 'Świetlica środowiskowa „Promyk” (szkic)',
      origin: 'neighbourhood',
      providerName: 'Stowarzyszenie „Promyk”',
    }),
  );
  otherCard = await insertServiceCard(
    db,
    systemContext,
    otherPartnership.id,
    buildServiceCard({
      name: 'Warsztaty dla seniorów w Gromadce',
      origin: 'neighbourhood',
      providerName: 'Koło Gospodyń Wiejskich w Gromadce',
      territoryCode: GMINA_GROMADKA,
      reachCodes: [GMINA_GROMADKA],
      city: 'Gromadka',
      postalCode: '59-706',
      street: 'ul. Wrocławska 1',
    }),
    { status: 'published' },
  );
  otherUser = await buildUser(db, { role: 'caseManager', displayName: 'Łucja Żółkiewska' });
  admin = (await signInAs(context, 'admin', { displayName: 'Anna Administratorska' })).client;

  for (const [subjectType, subjectId] of [
    ['institution', ownInstitution.id],
    ['partnership', ownPartnership.id],
    ['partnership', otherPartnership.id],
    ['service', ownDraft.id],
    ['service', otherCard.id],
    ['user', otherUser.id],
    ['session', randomUUID()],
  ] as const) {
    await recordStandaloneAuditEvent(db, systemContext, { action: 'test.subjectName', subjectType, subjectId });
  }
});

afterAll(async () => {
  await context?.close();
});

describe('GET /audit-events names the subjects', () => {
  it('shows an administrator each subject by its name, and a subject without names by its kind', async () => {
    const response = await admin.get('/api/v1/audit-events?action=test.subjectName');
    expect(response.statusCode, response.body).toBe(200);
    const items = (response.json() as { items: AuditEventView[] }).items;
    const bySubject = new Map(items.map((item) => [item.subjectId, item]));
    const expectName = (id: string, name: string) =>
      expect(bySubject.get(id)).toMatchObject({ subjectName: name, subjectNameStatus: 'shown' });
    expectName(ownInstitution.id, 'Miejski Ośrodek Pomocy Społecznej w Łodzi – Bałuty');
    expectName(ownPartnership.id, 'PZK Łódź Bałuty');
    expectName(otherPartnership.id, 'PZK Gromadka');
    expectName(ownDraft.id, 'Świetlica środowiskowa „Promyk” (szkic)');
    expectName(otherCard.id, 'Warsztaty dla seniorów w Gromadce');
    expectName(otherUser.id, 'Łucja Żółkiewska');
    const session = items.find((item) => item.subjectType === 'session');
    expect(session).toMatchObject({ subjectName: null, subjectNameStatus: 'none' });
  });
});

describe('resolveAuditSubjectNames', () => {
  const subjects = () => [
    { subjectType: 'institution', subjectId: ownInstitution.id },
    { subjectType: 'partnership', subjectId: ownPartnership.id },
    { subjectType: 'partnership', subjectId: otherPartnership.id },
    { subjectType: 'service', subjectId: ownDraft.id },
    { subjectType: 'service', subjectId: otherCard.id },
    { subjectType: 'user', subjectId: otherUser.id },
    { subjectType: 'user', subjectId: director.userId },
  ];

  it('names for another viewer only what that viewer may read, by each domain’s rule', async () => {
    const names = await resolveAuditSubjectNames(context.database.db, director, subjects());
    // The registry is shared; their own partnership and its draft (the leader's director runs the basket).
    expect(names.get(auditSubjectKey('institution', ownInstitution.id))).toBe(
      'Miejski Ośrodek Pomocy Społecznej w Łodzi – Bałuty',
    );
    expect(names.get(auditSubjectKey('partnership', ownPartnership.id))).toBe('PZK Łódź Bałuty');
    expect(names.get(auditSubjectKey('service', ownDraft.id))).toBe('Świetlica środowiskowa „Promyk” (szkic)');
    expect(names.get(auditSubjectKey('user', director.userId))).toBe('Barbara Dąbrowska');
    // Refused: another gmina's partnership and its published card, another person's account.
    expect(names.has(auditSubjectKey('partnership', otherPartnership.id))).toBe(false);
    expect(names.has(auditSubjectKey('service', otherCard.id))).toBe(false);
    expect(names.has(auditSubjectKey('user', otherUser.id))).toBe(false);
    expect(names.size).toBe(4);
  });

  it('names nothing for a viewer without an acting membership, and ignores ids that are not UUIDs', async () => {
    const withoutMembership: Actor = { ...director, membership: null, memberships: [] };
    const names = await resolveAuditSubjectNames(context.database.db, withoutMembership, [
      ...subjects().filter((subject) => subject.subjectId !== director.userId),
      { subjectType: 'institution', subjectId: 'not-a-uuid' },
    ]);
    expect(names.size).toBe(0);
  });

  it('a member of a partnership sees its draft only when keeping or managing it', async () => {
    const caseManager = await actorOf(
      await buildUser(context.database.db, { role: 'caseManager', institutionId: ownInstitution.id }),
    );
    const names = await resolveAuditSubjectNames(context.database.db, caseManager, subjects());
    expect(names.get(auditSubjectKey('partnership', ownPartnership.id))).toBe('PZK Łódź Bałuty');
    expect(names.has(auditSubjectKey('service', ownDraft.id))).toBe(false);
  });
});
