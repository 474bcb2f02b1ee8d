/**
 * The public basket page and its open data: no login, no personal data, so anonymous reads are
 * not audited. A slug that is unknown, or whose page is not public, is one and the same "not found".
 */
import type { Executor } from '../../platform/db/database.js';
import { cooperationAreas, type CooperationArea } from '../../../../shared/src/contracts/common.js';
import { targetGroups, type TargetGroup } from '../../../../shared/src/contracts/basket.js';
import type { HsdsDocument } from '../exchange/hsds.mapping.js';
import { exportPublicBasketHsds } from '../exchange/hsds.service.js';
import { findPublicBasket, findPublicServicePage, findTerritoryNameMap } from './public-page.queries.js';
import type { PublicPageModel } from './public-page.render.js';
import { renderAddressQrSvg } from './public-page.qr.js';

export const PUBLIC_PAGE_SIZE = 20;
const MAX_PAGE = 10_000;
const SLUG = /^[a-z0-9](?:[a-z0-9-]{1,78}[a-z0-9])$/;
const MAX_SEARCH_LENGTH = 100;

/**
 * The page's query string, read leniently: a filter value that is not in the vocabulary is ignored
 * rather than refused, since links to a public page are typed and shortened by hand.
 */
export function readPublicQuery(query: Record<string, unknown>) {
  const first = (value: unknown) => (Array.isArray(value) ? value[0] : value);
  const area = first(query.obszar);
  const group = first(query.grupa);
  const page = Number.parseInt(String(first(query.strona) ?? '1'), 10);
  const text = first(query.q);
  // One line of at most 100 characters: control characters become spaces, the rest is cut.
  const q =
    typeof text === 'string'
      ? text
          .replace(/\p{Cc}/gu, ' ')
          .replace(/\s+/g, ' ')
          .trim()
          .slice(0, MAX_SEARCH_LENGTH)
      : '';
  return {
    q: q || undefined,
    area: (cooperationAreas as readonly string[]).includes(String(area)) ? (area as CooperationArea) : undefined,
    targetGroup: (targetGroups as readonly string[]).includes(String(group)) ? (group as TargetGroup) : undefined,
    page: Number.isFinite(page) && page >= 1 ? Math.min(page, MAX_PAGE) : 1,
  };
}

/** The model of the page, or null when the slug has no public page. */
export async function loadPublicBasketPage(
  db: Executor,
  slug: string,
  query: ReturnType<typeof readPublicQuery>,
  origin: string,
  staleMonths: number,
  now: Date = new Date(),
): Promise<PublicPageModel | null> {
  if (!SLUG.test(slug)) return null;
  const basket = await findPublicBasket(db, slug);
  if (!basket) return null;
  const { rows, total } = await findPublicServicePage(db, basket.partnershipId, {
    area: query.area,
    targetGroup: query.targetGroup,
    q: query.q,
    page: query.page,
    pageSize: PUBLIC_PAGE_SIZE,
    staleMonths,
  });
  const territoryNames = await findTerritoryNameMap(
    db,
    rows.flatMap((r) => r.reachCodes),
  );
  const pageUrl = `${origin}/koszyk/${basket.slug}`;
  const filter = { area: query.area, targetGroup: query.targetGroup, q: query.q };
  const printUrl = addressOfSelection(pageUrl, filter);
  return {
    basket,
    rows,
    total,
    page: query.page,
    pageSize: PUBLIC_PAGE_SIZE,
    filter,
    territoryNames,
    pageUrl,
    printUrl,
    printQrSvg: await renderAddressQrSvg(printUrl),
    renderedAt: now,
  };
}

/**
 * The address a printout names and its QR code encodes: the page with the chosen filters and
 * search, without the page number (a poster of "usługi dla seniorów" leads to all of them).
 */
export function addressOfSelection(pageUrl: string, filter: PublicPageModel['filter']): string {
  const params = new URLSearchParams();
  if (filter.area) params.set('obszar', filter.area);
  if (filter.targetGroup) params.set('grupa', filter.targetGroup);
  if (filter.q) params.set('q', filter.q);
  const query = params.toString();
  return query ? `${pageUrl}?${query}` : pageUrl;
}

/** Open data of a public page: its published services as HSDS, without contact persons. */
export async function loadPublicBasketHsds(db: Executor, slug: string, origin: string): Promise<HsdsDocument | null> {
  if (!SLUG.test(slug)) return null;
  const basket = await findPublicBasket(db, slug);
  if (!basket) return null;
  return exportPublicBasketHsds(db, basket.partnershipId, `${origin}/koszyk/${basket.slug}`);
}
