/**
 * Demo data for the quick start: one partnership in the urban-rural gmina of Wieliczka with its
 * leader OPS, partner institutions and one account per role (the one the end-to-end tests walk
 * through), and beside it three partnerships of the same voivodeship, one per model variant, with
 * baskets of realistic size and three accounts each (demo-region.ts). Loaded on first start only, and never
 * in production: every demo account has the password printed in the README.
 */
import { count } from 'drizzle-orm';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db/database.js';
import {
  institutions,
  memberships,
  partnershipCoordinators,
  partnershipMembers,
  partnerships,
  users,
} from '../platform/db/tables.js';
import { hashPassword } from '../accounts/passwords.js';
import { seedDemoBasket } from './demo-basket.js';
import { seedDemoRegion } from './demo-region.js';
import { reservePublicationSlug } from '../basket/public-page/publication.store.js';
import { normalizeForSearch } from '../../../shared/src/text.js';
import type { CooperationArea, InstitutionKind, Role, Sector } from '../../../shared/src/contracts/common.js';
import type { MemberStatus } from '../../../shared/src/contracts/partnerships.js';

export const DEMO_PASSWORD = 'Wieliczka-demo-2026';

export type DemoLogin = { email: string; role: Role; institution: string };

type DemoInstitution = {
  key: string;
  name: string;
  shortName?: string;
  kind: InstitutionKind;
  sector: Sector;
  cooperationAreas: CooperationArea[];
  territoryCode: string;
  street: string;
  postalCode: string;
  city: string;
  email: string;
  phone: string;
};

const WIELICZKA = '1219053';

const demoInstitutions: DemoInstitution[] = [
  {
    key: 'ops',
    name: 'Ośrodek Pomocy Społecznej w Wieliczce',
    shortName: 'OPS Wieliczka',
    kind: 'ops',
    sector: 'public',
    cooperationAreas: ['socialAssistance'],
    territoryCode: WIELICZKA,
    street: 'ul. Powstania Warszawskiego 1',
    postalCode: '32-020',
    city: 'Wieliczka',
    email: 'sekretariat@ops.wieliczka.example',
    phone: '12 278 00 00',
  },
  {
    key: 'school',
    name: 'Szkoła Podstawowa nr 1 im. Mikołaja Kopernika w Wieliczce',
    shortName: 'SP 1 Wieliczka',
    kind: 'school',
    sector: 'public',
    cooperationAreas: ['education'],
    territoryCode: WIELICZKA,
    street: 'ul. Kościuszki 5',
    postalCode: '32-020',
    city: 'Wieliczka',
    email: 'sp1@wieliczka.example',
    phone: '12 278 11 11',
  },
  {
    key: 'police',
    name: 'Komisariat Policji w Wieliczce',
    kind: 'police',
    sector: 'public',
    cooperationAreas: ['police'],
    territoryCode: WIELICZKA,
    street: 'ul. Asnyka 2',
    postalCode: '32-020',
    city: 'Wieliczka',
    email: 'komisariat@policja.example',
    phone: '47 832 00 00',
  },
  {
    key: 'pcpr',
    name: 'Powiatowe Centrum Pomocy Rodzinie w Wieliczce',
    shortName: 'PCPR Wieliczka',
    kind: 'pcpr',
    sector: 'public',
    cooperationAreas: ['socialAssistance', 'health'],
    territoryCode: WIELICZKA,
    street: 'ul. Słowackiego 3',
    postalCode: '32-020',
    city: 'Wieliczka',
    email: 'pcpr@wieliczka.example',
    phone: '12 278 22 22',
  },
  {
    key: 'ngo',
    name: 'Stowarzyszenie „Razem dla Rodziny” w Wieliczce',
    kind: 'ngo',
    sector: 'ngo',
    cooperationAreas: ['socialAssistance', 'culture', 'civicActivity'],
    territoryCode: WIELICZKA,
    street: 'ul. Źródlana 7',
    postalCode: '32-020',
    city: 'Wieliczka',
    email: 'biuro@razemdlarodziny.example',
    phone: '600 100 200',
  },
  {
    key: 'rops',
    name: 'Regionalny Ośrodek Polityki Społecznej w Krakowie',
    shortName: 'ROPS Kraków',
    kind: 'rops',
    sector: 'public',
    cooperationAreas: ['socialAssistance'],
    territoryCode: '1261011',
    street: 'ul. Piastowska 32',
    postalCode: '30-070',
    city: 'Kraków',
    email: 'rops@rops.krakow.example',
    phone: '12 422 06 36',
  },
];

const demoUsers: Array<{ email: string; displayName: string; institution: string; role: Role }> = [
  { email: 'admin@kooperacja.demo', displayName: 'Anna Administratorska', institution: 'ops', role: 'admin' },
  { email: 'dyrektor@kooperacja.demo', displayName: 'Barbara Dąbrowska', institution: 'ops', role: 'director' },
  {
    email: 'koordynator@kooperacja.demo',
    displayName: 'Łukasz Żółkiewski',
    institution: 'ops',
    role: 'networkCoordinator',
  },
  { email: 'pracownik@kooperacja.demo', displayName: 'Małgorzata Wójcik', institution: 'ops', role: 'caseManager' },
  {
    email: 'szkola@kooperacja.demo',
    displayName: 'Grzegorz Nowak',
    institution: 'school',
    role: 'partnerRepresentative',
  },
  { email: 'specjalista@kooperacja.demo', displayName: 'Joanna Kowalczyk', institution: 'pcpr', role: 'specialist' },
  { email: 'pcpr@kooperacja.demo', displayName: 'Tomasz Wiśniewski', institution: 'pcpr', role: 'pcprAnimator' },
  { email: 'rops@kooperacja.demo', displayName: 'Ewa Lewandowska', institution: 'rops', role: 'ropsCoordinator' },
  { email: 'ewaluator@kooperacja.demo', displayName: 'Piotr Zieliński', institution: 'rops', role: 'evaluator' },
  { email: 'superwizor@kooperacja.demo', displayName: 'Katarzyna Szymańska', institution: 'rops', role: 'supervisor' },
];

/**
 * Whether the server loads the demo data into a database without users: as SEED_DEMO says, by default
 * on the embedded database in development. Never in production (the configuration refuses SEED_DEMO=true
 * there), where the first administrator comes from `npm run admin:create`.
 */
export function shouldSeedDemoData(config: Pick<Config, 'NODE_ENV' | 'SEED_DEMO' | 'databaseKind'>): boolean {
  if (config.NODE_ENV === 'production') return false;
  return config.SEED_DEMO ?? config.databaseKind === 'pglite';
}

/** Why `npm run db:seed` refuses, or null where demo data may be loaded. */
export function demoDataRefusal(config: Pick<Config, 'NODE_ENV'>): string | null {
  if (config.NODE_ENV !== 'production') return null;
  return (
    'refused with NODE_ENV=production: the demo accounts share a password published in the README. ' +
    'Create the first administrator with `npm run admin:create` instead.'
  );
}

export async function hasAnyUser(db: Database): Promise<boolean> {
  const [row] = await db.select({ value: count() }).from(users);
  return Number(row?.value ?? 0) > 0;
}

/** Inserts the demo data in one transaction and returns the logins to print. */
export async function seedDemoData(db: Database): Promise<DemoLogin[]> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return db.transaction(async (tx) => {
    const ids = new Map<string, string>();
    for (const institution of demoInstitutions) {
      const { key, ...fields } = institution;
      const [row] = await tx
        .insert(institutions)
        .values({
          ...fields,
          shortName: fields.shortName ?? null,
          nameSearch: normalizeForSearch(`${fields.name} ${fields.shortName ?? ''}`),
        })
        .returning({ id: institutions.id });
      ids.set(key, row!.id);
    }
    const userIds = new Map<string, string>();
    for (const user of demoUsers) {
      const [row] = await tx
        .insert(users)
        .values({ email: user.email, displayName: user.displayName, passwordHash })
        .returning({ id: users.id });
      userIds.set(user.email, row!.id);
      await tx
        .insert(memberships)
        .values({ userId: row!.id, institutionId: ids.get(user.institution)!, role: user.role });
    }
    const [partnership] = await tx
      .insert(partnerships)
      .values({
        name: 'Partnerski Zespół Kooperacyjny Gminy Wieliczka',
        territoryCode: WIELICZKA,
        modelVariant: 'urbanRural',
        leaderInstitutionId: ids.get('ops')!,
        stage: 'acting',
        establishedOn: '2026-03-02',
      })
      .returning({ id: partnerships.id });
    await tx.insert(partnershipCoordinators).values({
      partnershipId: partnership!.id,
      userId: userIds.get('koordynator@kooperacja.demo')!,
      since: '2026-03-02',
    });
    const members: Array<[string, MemberStatus, string | null, string | null]> = [
      ['ops', 'declared', '2026-03-02', 'Barbara Dąbrowska'],
      ['school', 'declared', '2026-03-02', 'Grzegorz Nowak'],
      ['police', 'participating', null, 'asp. sztab. Marek Kamiński'],
      ['pcpr', 'declared', '2026-04-15', 'Tomasz Wiśniewski'],
      ['ngo', 'invited', null, null],
    ];
    for (const [key, status, declarationDate, representativeName] of members) {
      await tx.insert(partnershipMembers).values({
        partnershipId: partnership!.id,
        institutionId: ids.get(key)!,
        status,
        declarationDate,
        representativeName,
      });
    }
    await reservePublicationSlug(tx, partnership!.id, 'Partnerski Zespół Kooperacyjny Gminy Wieliczka');
    await seedDemoBasket(tx, partnership!.id, ids, userIds);
    const regionLogins = await seedDemoRegion(tx, passwordHash, ids.get('pcpr')!);
    return [
      ...demoUsers.map((u) => ({
        email: u.email,
        role: u.role,
        institution:
          demoInstitutions.find((i) => i.key === u.institution)!.shortName ??
          demoInstitutions.find((i) => i.key === u.institution)!.name,
      })),
      ...regionLogins.map(({ email, role, institution }) => ({ email, role, institution })),
    ];
  });
}
