/**
 * The card store on a real database: reach expansion against TERYT, refused reaches, a version row
 * and an audit event per change, optimistic concurrency, folded search text.
 */
import { and, asc, eq } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, serviceVersions, services, territories } from '../../platform/db/tables.js';
import type { RequestContext } from '../../platform/auth/actor.js';
import { AppError } from '../../platform/http/problem.js';
import {
  buildInstitution,
  buildPartnership,
  buildServiceCard,
  buildUser,
  GMINA_LODZ,
} from '../../testing/factories.js';
import { createTestContext, type TestContext } from '../../testing/test-app.js';
import {
  insertServiceCard,
  insertServiceCards,
  isStaleCard,
  resolveReach,
  unsafeFindServiceRow,
  updateServiceCard,
  type ServiceCardData,
} from './cards.store.js';

let context: TestContext;
let ctx: RequestContext;
let partnershipId: string;
let providerId: string;

const cardData = (overrides: Partial<ServiceCardData> = {}): ServiceCardData =>
  buildServiceCard({
    name: 'Poradnictwo rodzinne dla rodzin z dziećmi',
    description: 'Konsultacje dla rodziców.',
    providerInstitutionId: providerId,
    cooperationAreas: ['socialAssistance'],
    targetGroups: ['families'],
    street: null,
    postalCode: null,
    contactName: null,
    contactPhone: null,
    contactEmail: null,
    ...overrides,
  });

/** Field error codes of an AppError('validation') thrown by `work`. */
async function fieldCodes(work: () => Promise<unknown>): Promise<string[]> {
  try {
    await work();
  } catch (error) {
    if (error instanceof AppError && error.code === 'validation') {
      return (error.errors ?? []).map((e) => `${e.field}:${e.code}`);
    }
    throw error;
  }
  throw new Error('expected a validation error');
}

beforeAll(async () => {
  context = await createTestContext();
  const db = context.database.db;
  const provider = await buildInstitution(db, { kind: 'ngo', name: 'Fundacja Ścieżka', shortName: 'FŚ' });
  providerId = provider.id;
  partnershipId = (await buildPartnership(db)).id;
  const user = await buildUser(db, { role: 'networkCoordinator', institutionId: provider.id });
  const membership = {
    id: user.membershipId,
    institutionId: provider.id,
    institutionName: provider.name,
    institutionKind: 'ngo' as const,
    institutionTerritoryCode: GMINA_LODZ,
    role: 'networkCoordinator' as const,
  };
  ctx = {
    requestId: 'store-test',
    ip: null,
    actor: {
      userId: user.id,
      displayName: user.displayName,
      email: user.email,
      sessionId: 'store-test',
      mustChangePassword: false,
      isTotpEnabled: false,
      membership,
      memberships: [membership],
    },
  };
});

afterAll(async () => {
  await context?.close();
});

describe('reach', () => {
  it('expands a powiat to each of its gminas and a voivodeship to each of its gminas', async () => {
    const db = context.database.db;
    const gminasOf = async (column: AnyPgColumn, code: string) =>
      (
        await db
          .select({ code: territories.code })
          .from(territories)
          .where(and(eq(column, code), eq(territories.level, 'gmina')))
          .orderBy(asc(territories.code))
      ).map((r) => r.code);
    const powiat = await resolveReach(db, 'powiat', ['1219']);
    expect(powiat.errors).toEqual([]);
    expect(powiat.gminaCodes).toEqual(await gminasOf(territories.powiatCode, '1219'));
    expect(powiat.gminaCodes).toEqual(expect.arrayContaining(['1219012', '1219053']));
    expect(powiat.gminaCodes.every((code) => code.startsWith('1219') && code.length === 7)).toBe(true);
    const voivodeship = await resolveReach(db, 'voivodeship', ['10']);
    expect(voivodeship.gminaCodes).toEqual(await gminasOf(territories.voivodeshipCode, '10'));
    expect(voivodeship.gminaCodes.length).toBeGreaterThan(150);
    expect(voivodeship.gminaCodes).toContain(GMINA_LODZ);
  });

  it('keeps listed gminas, once each, sorted', async () => {
    const reach = await resolveReach(context.database.db, 'gminas', ['1219053', GMINA_LODZ, '1219053']);
    expect(reach).toEqual({ gminaCodes: [GMINA_LODZ, '1219053'], errors: [] });
  });

  it.each([
    ['powiat', ['1219', '1261'], 'reachCodes:reachSingleUnit'],
    ['voivodeship', ['10', '12'], 'reachCodes:reachSingleUnit'],
    ['gminas', ['1219'], 'reachCodes:reachCodeLevel'],
    ['powiat', ['12'], 'reachCodes:reachCodeLevel'],
    ['voivodeship', ['1219'], 'reachCodes:reachCodeLevel'],
    ['gminas', ['1219999'], 'reachCodes:unknownTerritory'],
    ['powiat', ['1299'], 'reachCodes:unknownTerritory'],
    ['voivodeship', ['99'], 'reachCodes:unknownTerritory'],
  ])('refuses a %s reach of %j', async (kind, codes, code) => {
    const reach = await resolveReach(context.database.db, kind, codes);
    expect(reach.gminaCodes).toEqual([]);
    expect(reach.errors.map((e) => `${e.field}:${e.code}`)).toEqual([code]);
    const db = context.database.db;
    expect(
      await fieldCodes(() =>
        db.transaction((tx) =>
          insertServiceCard(tx, ctx, partnershipId, cardData({ reachKind: kind as 'powiat', reachCodes: codes })),
        ),
      ),
    ).toContain(code);
  });
});

describe('insert and update', () => {
  it('inserts a draft with its reach, folded search text, version 1 and an audit event', async () => {
    const db = context.database.db;
    const row = await db.transaction((tx) =>
      insertServiceCard(tx, ctx, partnershipId, cardData({ reachKind: 'powiat', reachCodes: ['1061'] })),
    );
    expect(row).toMatchObject({
      status: 'draft',
      version: 1,
      lastConfirmedAt: null,
      createdByUserId: ctx.actor!.userId,
    });
    expect(row.reachGminaCodes).toEqual([GMINA_LODZ]);
    expect(row.searchText).toBe(
      'poradnictwo rodzinne dla rodzin z dziecmi fundacja sciezka fs konsultacje dla rodzicow.',
    );
    const versions = await db.select().from(serviceVersions).where(eq(serviceVersions.serviceId, row.id));
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({ version: 1, event: 'created', changedByUserId: ctx.actor!.userId });
    expect(versions[0]!.snapshot).toMatchObject({ name: row.name, status: 'draft', reachCodes: ['1061'] });
    const [audit] = await db.select().from(auditEvents).where(eq(auditEvents.subjectId, row.id));
    expect(audit).toMatchObject({ action: 'service.create', subjectType: 'service', outcome: 'success' });
  });

  it('updates: re-derives reach and search text, writes a version with the changed fields, refuses a stale version (409)', async () => {
    const db = context.database.db;
    const created = await db.transaction((tx) => insertServiceCard(tx, ctx, partnershipId, cardData()));
    const updated = await db.transaction(async (tx) => {
      const current = (await unsafeFindServiceRow(tx, created.id, { forUpdate: true }))!;
      return updateServiceCard(
        tx,
        ctx,
        current,
        { name: 'Świetlica środowiskowa', reachKind: 'voivodeship', reachCodes: ['10'], city: 'Łódź' },
        { expectedVersion: 1 },
      );
    });
    expect(updated.version).toBe(2);
    expect(updated.searchText.startsWith('swietlica srodowiskowa ')).toBe(true);
    expect(updated.reachGminaCodes.length).toBeGreaterThan(150);
    const versions = await db
      .select()
      .from(serviceVersions)
      .where(eq(serviceVersions.serviceId, created.id))
      .orderBy(asc(serviceVersions.version));
    expect(versions.map((v) => [v.version, v.event, v.changedFields])).toEqual([
      [1, 'created', expect.arrayContaining(['name', 'reachCodes'])],
      [2, 'edited', ['name', 'reachKind', 'reachCodes']],
    ]);

    const stale = db.transaction(async (tx) => {
      const current = (await unsafeFindServiceRow(tx, created.id, { forUpdate: true }))!;
      return updateServiceCard(tx, ctx, current, { name: 'Za późno' }, { expectedVersion: 1 });
    });
    await expect(stale).rejects.toMatchObject({ code: 'conflict', status: 409 });
    const [row] = await db.select().from(services).where(eq(services.id, created.id));
    expect(row).toMatchObject({ name: 'Świetlica środowiskowa', version: 2 });
  });

  it('leaves the card alone for a patch that changes nothing, and rolls back an invalid one', async () => {
    const db = context.database.db;
    const created = await db.transaction((tx) => insertServiceCard(tx, ctx, partnershipId, cardData()));
    const same = await db.transaction(async (tx) =>
      updateServiceCard(tx, ctx, created, { name: created.name, city: 'Łódź' }, { expectedVersion: 1 }),
    );
    expect(same.version).toBe(1);
    expect(
      await fieldCodes(() =>
        db.transaction((tx) => updateServiceCard(tx, ctx, created, { reachKind: 'powiat' }, { expectedVersion: 1 })),
      ),
    ).toEqual(['reachCodes:reachCodeLevel']);
    const versions = await db.select().from(serviceVersions).where(eq(serviceVersions.serviceId, created.id));
    expect(versions).toHaveLength(1);
  });

  it('stamps confirmation on publishing and on confirm; records a reason in the audit details', async () => {
    const db = context.database.db;
    const created = await db.transaction((tx) =>
      insertServiceCard(tx, ctx, partnershipId, cardData({ contactPhone: '42 600 00 00' })),
    );
    const published = await db.transaction((tx) =>
      updateServiceCard(tx, ctx, created, {}, { status: 'published', event: 'published' }),
    );
    expect(published.lastConfirmedAt).toBeInstanceOf(Date);
    const suspended = await db.transaction((tx) =>
      updateServiceCard(tx, ctx, published, {}, { status: 'suspended', event: 'suspended', reason: 'Remont lokalu' }),
    );
    expect(suspended).toMatchObject({ status: 'suspended', version: 3 });
    const [audit] = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectId, created.id), eq(auditEvents.action, 'service.suspended')));
    expect(audit!.details).toMatchObject({ reason: 'Remont lokalu', fromStatus: 'published', toStatus: 'suspended' });
  });
});

describe('publishing needs a contact (the one rule every write path meets: form, transition, change request, import)', () => {
  const contactFields = ['contactPhone:contactRequired', 'contactEmail:contactRequired', 'contactName:contactRequired'];
  async function contactCodes(work: () => Promise<unknown>): Promise<string[]> {
    try {
      await work();
    } catch (error) {
      if (error instanceof AppError && error.code === 'serviceContactRequired') {
        expect(error.status).toBe(422);
        return (error.errors ?? []).map((e) => `${e.field}:${e.code}`);
      }
      throw error;
    }
    throw new Error('expected serviceContactRequired');
  }

  it('refuses to insert or bulk-insert a published card without phone, e-mail and contact person', async () => {
    const db = context.database.db;
    expect(
      await contactCodes(() =>
        db.transaction((tx) => insertServiceCard(tx, ctx, partnershipId, cardData(), { status: 'published' })),
      ),
    ).toEqual(contactFields);
    expect(
      await contactCodes(() =>
        db.transaction((tx) =>
          insertServiceCards(tx, ctx, partnershipId, [
            { card: cardData({ name: 'Bez kontaktu' }), status: 'published' },
          ]),
        ),
      ),
    ).toEqual(contactFields);
    // A draft without contact is fine; any one of the three is enough to publish.
    const draft = await db.transaction((tx) => insertServiceCard(tx, ctx, partnershipId, cardData()));
    expect(draft.status).toBe('draft');
    expect(
      await contactCodes(() =>
        db.transaction((tx) => updateServiceCard(tx, ctx, draft, {}, { status: 'published', event: 'published' })),
      ),
    ).toEqual(contactFields);
    const published = await db.transaction((tx) =>
      updateServiceCard(tx, ctx, draft, { contactName: 'Ewa Żak' }, { status: 'published', event: 'published' }),
    );
    expect(published.status).toBe('published');
    expect(
      await contactCodes(() => db.transaction((tx) => updateServiceCard(tx, ctx, published, { contactName: null }))),
    ).toEqual(contactFields);
  });

  it('states the stale rule in code as the search does', () => {
    const now = new Date('2026-12-04T12:00:00Z');
    expect(isStaleCard({ status: 'published', lastConfirmedAt: new Date('2025-11-30T12:00:00Z') }, 12, now)).toBe(true);
    expect(isStaleCard({ status: 'published', lastConfirmedAt: new Date('2026-01-10T12:00:00Z') }, 12, now)).toBe(
      false,
    );
    expect(isStaleCard({ status: 'published', lastConfirmedAt: null }, 12, now)).toBe(true);
    expect(isStaleCard({ status: 'draft', lastConfirmedAt: null }, 12, now)).toBe(false);
  });
});
