/**
 * The public address reserved for every partnership: the suffix on a taken address, and the backfill
 * in migration 0006 for partnerships created before reservations existed (run again here on rows
 * that have none, on PGlite and PostgreSQL alike).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basketPublications, partnerships } from '../../platform/db/tables.js';
import { buildInstitution } from '../../testing/factories.js';
import { createTestContext, type TestContext } from '../../testing/test-app.js';
import { reservePublicationSlug, suggestSlug } from './publication.store.js';

const MIGRATION = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../migrations/0006_reserve_partnership_public_slugs.sql',
);

let context: TestContext;
const db = () => context.database.db;

beforeAll(async () => {
  context = await createTestContext();
});
afterAll(async () => {
  await context?.close();
});

/** A partnership row as it was before reservations: no basket_publications row. */
async function insertBarePartnership(name: string, createdAt: Date): Promise<string> {
  const leader = await buildInstitution(db());
  const [row] = await db()
    .insert(partnerships)
    .values({
      name,
      territoryCode: leader.territoryCode,
      modelVariant: 'urban3d',
      leaderInstitutionId: leader.id,
      createdAt,
    })
    .returning({ id: partnerships.id });
  return row!.id;
}

async function slugsOf(ids: string[]): Promise<Map<string, string>> {
  const rows = await db()
    .select({
      partnershipId: basketPublications.partnershipId,
      slug: basketPublications.slug,
      isPublic: basketPublications.isPublic,
    })
    .from(basketPublications)
    .where(inArray(basketPublications.partnershipId, ids));
  for (const row of rows) expect(row.isPublic).toBe(false);
  return new Map(rows.map((row) => [row.partnershipId, row.slug]));
}

describe('reservePublicationSlug', () => {
  it('reserves the suggested address, the next free suffix when taken, and keeps an existing one', async () => {
    const first = await insertBarePartnership('PZK Osiedle Żabieniec', new Date());
    const second = await insertBarePartnership('PZK Osiedle Żabieniec', new Date());
    expect(await reservePublicationSlug(db(), first, 'PZK Osiedle Żabieniec')).toBe('pzk-osiedle-zabieniec');
    expect(await reservePublicationSlug(db(), second, 'PZK Osiedle Żabieniec')).toBe('pzk-osiedle-zabieniec-2');
    expect(await reservePublicationSlug(db(), first, 'Nowa nazwa')).toBe('pzk-osiedle-zabieniec');
  });

  it('keeps a suffixed address within 80 characters', async () => {
    const name = `PZK ${'Długa nazwa osiedla '.repeat(6)}`;
    const first = await insertBarePartnership(name, new Date());
    const second = await insertBarePartnership(name, new Date());
    await reservePublicationSlug(db(), first, name);
    const suffixed = await reservePublicationSlug(db(), second, name);
    expect(suffixed.length).toBeLessThanOrEqual(80);
    expect(suffixed).toMatch(/^[a-z0-9][a-z0-9-]*[a-z0-9]-2$/);
    expect(suffixed.startsWith(suggestSlug(name).slice(0, 60))).toBe(true);
  });
});

describe('migration 0006: addresses for partnerships created before reservations', () => {
  it('reserves the folded name, suffixes duplicates and taken addresses, and leaves saved pages alone', async () => {
    const older = await insertBarePartnership('PZK Gminy Łącko', new Date('2026-01-02T10:00:00Z'));
    const newer = await insertBarePartnership('PZK Gminy Łącko', new Date('2026-02-02T10:00:00Z'));
    const blocked = await insertBarePartnership('PZK Śródmieście', new Date('2026-01-02T10:00:00Z'));
    const published = await insertBarePartnership('PZK Opublikowane', new Date('2026-01-02T10:00:00Z'));
    await db()
      .insert(basketPublications)
      .values({ partnershipId: published, slug: 'pzk-srodmiescie', isPublic: false });
    const tiny = await insertBarePartnership('Ż', new Date('2026-01-02T10:00:00Z'));

    // The migration file itself (trusted, from the repository), as the migrator runs it.
    // eslint-disable-next-line no-restricted-properties -- runs a committed migration file, no input
    await db().execute(sql.raw(readFileSync(MIGRATION, 'utf8')));

    const slugs = await slugsOf([older, newer, blocked, published, tiny]);
    expect(slugs.get(older)).toBe('pzk-gminy-lacko');
    expect(slugs.get(newer)).toBe(`pzk-gminy-lacko-${newer.replace(/-/g, '').slice(0, 8)}`);
    expect(slugs.get(blocked)).toBe(`pzk-srodmiescie-${blocked.replace(/-/g, '').slice(0, 8)}`);
    expect(slugs.get(published)).toBe('pzk-srodmiescie');
    expect(slugs.get(tiny)).toBe('koszyk-z');
    const [all] = await db()
      .select({ missing: sql<number>`count(*)::int` })
      .from(partnerships)
      .where(
        sql`not exists (select 1 from ${basketPublications} where ${basketPublications.partnershipId} = ${partnerships.id})`,
      );
    expect(Number(all!.missing)).toBe(0);
  });
});
