/**
 * A partnership's public address (/koszyk/<slug>) is reserved for it from its creation: a
 * basket_publications row with the page not public. So the address the app suggests cannot be taken
 * by another partnership first, and the owner's own publish at it always succeeds.
 */
import { eq } from 'drizzle-orm';
import type { Executor } from '../../platform/db/database.js';
import { basketPublications, partnerships } from '../../platform/db/tables.js';
import { normalizeForSearch } from '../../../../shared/src/text.js';

const SLUG_MAX_LENGTH = 80;

/** A slug proposed from the partnership's name: folded letters, digits and hyphens. */
export function suggestSlug(name: string): string {
  const slug = normalizeForSearch(name)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, SLUG_MAX_LENGTH)
    .replace(/-+$/, '');
  return slug.length >= 3 ? slug : `koszyk-${slug || 'uslug'}`;
}

/** The n-th candidate: the slug itself, then `<slug>-2`, `<slug>-3`... trimmed to stay within 80 characters. */
function candidateSlug(base: string, attempt: number): string {
  if (attempt === 1) return base;
  const suffix = `-${attempt}`;
  return `${base.slice(0, SLUG_MAX_LENGTH - suffix.length).replace(/-+$/, '')}${suffix}`;
}

/**
 * Reserves the suggested address for a new partnership (not public yet) and returns it; a taken one
 * gets a numeric suffix. ON CONFLICT DO NOTHING keeps the transaction usable when a concurrent
 * creation takes the same candidate first.
 */
export async function reservePublicationSlug(tx: Executor, partnershipId: string, name: string): Promise<string> {
  const base = suggestSlug(name);
  for (let attempt = 1; ; attempt += 1) {
    const slug = candidateSlug(base, attempt);
    const inserted = await tx
      .insert(basketPublications)
      .values({ partnershipId, slug, isPublic: false })
      .onConflictDoNothing()
      .returning({ slug: basketPublications.slug });
    if (inserted.length > 0) return slug;
    // The partnership already has its address (a repeated call): keep it.
    const [own] = await tx
      .select({ slug: basketPublications.slug })
      .from(basketPublications)
      .where(eq(basketPublications.partnershipId, partnershipId));
    if (own) return own.slug;
  }
}

/** The page setting of a partnership, or undefined when its row is missing. */
export async function findPublication(db: Executor, partnershipId: string) {
  const [row] = await db.select().from(basketPublications).where(eq(basketPublications.partnershipId, partnershipId));
  return row;
}

export async function findPartnershipName(db: Executor, partnershipId: string): Promise<string | undefined> {
  const [row] = await db
    .select({ name: partnerships.name })
    .from(partnerships)
    .where(eq(partnerships.id, partnershipId));
  return row?.name;
}

/** The partnership that uses or has reserved a slug, if any. */
export async function findSlugOwner(db: Executor, slug: string): Promise<string | undefined> {
  const [row] = await db
    .select({ partnershipId: basketPublications.partnershipId })
    .from(basketPublications)
    .where(eq(basketPublications.slug, slug));
  return row?.partnershipId;
}

export async function savePublication(
  tx: Executor,
  partnershipId: string,
  values: { slug: string; isPublic: boolean; introduction: string | null; updatedAt: Date },
): Promise<void> {
  await tx
    .insert(basketPublications)
    .values({ partnershipId, ...values })
    .onConflictDoUpdate({ target: basketPublications.partnershipId, set: values });
}
