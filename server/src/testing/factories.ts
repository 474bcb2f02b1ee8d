/**
 * Test factories that create their parents: buildUser makes an institution when none is given,
 * buildPartnership makes a leader OPS and a coordinator. Fixtures use Polish names with diacritics.
 */
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Database, Executor } from '../platform/db/database.js';
import {
  institutions,
  memberships,
  partnershipCoordinators,
  partnershipMembers,
  partnerships,
  services,
  users,
} from '../platform/db/tables.js';
import { hashPassword } from '../accounts/passwords.js';
import { reservePublicationSlug } from '../basket/public-page/publication.store.js';
import { normalizeForSearch } from '../../../shared/src/text.js';
import type { InstitutionKind, Role } from '../../../shared/src/contracts/common.js';
import { insertServiceCard, type ServiceCardData } from '../basket/cards/cards.store.js';
import { TestClient, type TestContext } from './test-app.js';

export const TEST_PASSWORD = 'Źdźbło trawy na łące 42';
let cachedHash: Promise<string> | null = null;
const testPasswordHash = () => (cachedHash ??= hashPassword(TEST_PASSWORD));

const unique = () => randomUUID().slice(0, 8);

/** Gminas used by fixtures: Łódź (urban), Wieliczka (urban-rural), Gromadka (rural). */
export const GMINA_LODZ = '1061011';
export const GMINA_WIELICZKA = '1219053';
export const GMINA_GROMADKA = '0201032';

export async function buildInstitution(
  db: Executor,
  overrides: Partial<typeof institutions.$inferInsert> & { kind?: InstitutionKind } = {},
) {
  const name = overrides.name ?? `Ośrodek Pomocy Społecznej w Łodzi ${unique()}`;
  const [row] = await db
    .insert(institutions)
    .values({
      kind: 'ops',
      sector: 'public',
      cooperationAreas: ['socialAssistance'],
      territoryCode: GMINA_LODZ,
      city: 'Łódź',
      ...overrides,
      name,
      nameSearch: normalizeForSearch(`${name} ${overrides.shortName ?? ''}`),
    })
    .returning();
  return row!;
}

export async function buildUser(
  db: Executor,
  options: { role?: Role; institutionId?: string; email?: string; displayName?: string; isActive?: boolean } = {},
) {
  const institutionId = options.institutionId ?? (await buildInstitution(db)).id;
  const email = options.email ?? `uzytkownik-${unique()}@test.kooperacja.pl`;
  const [user] = await db
    .insert(users)
    .values({
      email,
      displayName: options.displayName ?? 'Zofia Źrebięcka',
      passwordHash: await testPasswordHash(),
      isActive: options.isActive ?? true,
    })
    .returning();
  const [membership] = await db
    .insert(memberships)
    .values({ userId: user!.id, institutionId, role: options.role ?? 'caseManager' })
    .returning();
  return {
    ...user!,
    password: TEST_PASSWORD,
    institutionId,
    membershipId: membership!.id,
    role: membership!.role as Role,
  };
}

export async function buildPartnership(
  db: Executor,
  options: { leaderInstitutionId?: string; coordinatorUserId?: string; territoryCode?: string; name?: string } = {},
) {
  const leaderInstitutionId = options.leaderInstitutionId ?? (await buildInstitution(db)).id;
  const coordinatorUserId =
    options.coordinatorUserId ??
    (await buildUser(db, { role: 'networkCoordinator', institutionId: leaderInstitutionId })).id;
  const [partnership] = await db
    .insert(partnerships)
    .values({
      name: options.name ?? `Partnerski Zespół Kooperacyjny ${unique()}`,
      territoryCode: options.territoryCode ?? GMINA_LODZ,
      modelVariant: 'urban3d',
      leaderInstitutionId,
    })
    .returning();
  await db
    .insert(partnershipCoordinators)
    .values({ partnershipId: partnership!.id, userId: coordinatorUserId, since: '2026-01-02' });
  await db.insert(partnershipMembers).values({
    partnershipId: partnership!.id,
    institutionId: leaderInstitutionId,
    status: 'declared',
    declarationDate: '2026-01-02',
  });
  // As createPartnership does: the suggested public address is the partnership's from its creation.
  const publicSlug = await reservePublicationSlug(db, partnership!.id, partnership!.name);
  return { ...partnership!, coordinatorUserId, publicSlug };
}

/** Creates a user with the role and returns a client signed in as them. */
export async function signInAs(context: TestContext, role: Role, options: Parameters<typeof buildUser>[1] = {}) {
  const user = await buildUser(context.database.db, { ...options, role });
  const client = await new TestClient(context).signIn(user.email, user.password);
  return { client, user };
}

/**
 * A complete, valid service card (not saved): a family counselling service in Łódź, every optional
 * field empty unless given. Tests name only what they are about: `buildServiceCard({ cost: 'paid' })`.
 * The provider is outside the registry by default; pass `providerInstitutionId` for a partner's card.
 */
export function buildServiceCard(overrides: Partial<ServiceCardData> = {}): ServiceCardData {
  return {
    name: 'Poradnictwo rodzinne',
    description: 'Konsultacje pedagoga i psychologa dla rodziców i dzieci.',
    providerInstitutionId: null,
    providerName: null,
    origin: 'partner',
    cooperationAreas: ['education', 'socialAssistance'],
    targetGroups: ['children', 'families'],
    isCompound: false,
    isReferralRequired: false,
    referralBy: null,
    accessDescription: null,
    eligibility: null,
    cost: 'free',
    costDescription: null,
    locationKind: 'address',
    street: 'ul. Piotrkowska 1',
    postalCode: '90-001',
    city: 'Łódź',
    territoryCode: GMINA_LODZ,
    reachKind: 'gminas',
    reachCodes: [GMINA_LODZ],
    schedule: null,
    capacity: null,
    waitingTimeDays: null,
    contactName: 'Grażyna Żak',
    contactPhone: '42 600 00 00',
    contactEmail: 'grazyna.zak@example.pl',
    languages: ['pl'],
    isAccessible: false,
    accessibilityDescription: null,
    ...overrides,
  };
}

/**
 * A published card written through the card store (its version and audit event included), then
 * dated back: last confirmed `monthsAgo` months ago (stale after 12 by default).
 */
export async function buildStaleServiceCard(
  db: Database,
  partnershipId: string,
  overrides: Partial<ServiceCardData> = {},
  monthsAgo = 14,
): Promise<{ id: string; name: string }> {
  const context = { actor: null, requestId: `factory-${randomUUID()}`, ip: null };
  const row = await db.transaction((tx) =>
    insertServiceCard(tx, context, partnershipId, buildServiceCard(overrides), { status: 'published' }),
  );
  await db
    .update(services)
    .set({ lastConfirmedAt: sql`now() - make_interval(months => ${monthsAgo}::int)` })
    .where(eq(services.id, row.id));
  return { id: row.id, name: row.name };
}
