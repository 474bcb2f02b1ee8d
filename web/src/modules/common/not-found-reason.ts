import { ApiError } from '../../api/client';
import { paths } from '../../paths';

export type NotFoundReason = 'page' | 'record' | 'badAddress';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type RouteParams = Readonly<Record<string, string | undefined>>;

/**
 * Whether a failed load means "nothing at this address": the record does not exist or is not the
 * viewer's (404, one answer for both by design), or an id in the address is not an id at all (the
 * server refuses it with 400 before looking). Any other failure is a problem to show as it is.
 */
export function notFoundReason(error: unknown, params: RouteParams): Exclude<NotFoundReason, 'page'> | null {
  if (!(error instanceof ApiError)) return null;
  if (error.status === 404) return 'record';
  const ids = [params.id, params.memberId].filter((value): value is string => value !== undefined);
  if (error.status === 400 && ids.some((id) => !UUID.test(id))) return 'badAddress';
  return null;
}

/** A detail page (its h1 is the record's name): the not-found answer then takes the page's h1. */
export function isDetailAddress(params: RouteParams): boolean {
  return params.id !== undefined || params.memberId !== undefined || params.code !== undefined;
}

/** The list a detail address belongs to, by its first segment: where "back" leads. */
const listsByPrefix: ReadonlyArray<{ prefix: string; to: string; labelKey: string }> = [
  { prefix: '/koszyk-uslug', to: paths.basket, labelKey: 'nav.basket' },
  { prefix: '/instytucje', to: paths.institutions, labelKey: 'nav.institutions' },
  { prefix: '/partnerstwa', to: paths.partnerships, labelKey: 'nav.partnerships' },
  { prefix: '/uzytkownicy', to: paths.users, labelKey: 'nav.users' },
  { prefix: '/terytoria', to: paths.territories, labelKey: 'nav.territories' },
];

/** The list to go back to from `pathname`, or null (the home page is always offered besides). */
export function listOfAddress(pathname: string): { to: string; labelKey: string } | null {
  const list = listsByPrefix.find((item) => pathname.startsWith(`${item.prefix}/`));
  return list ? { to: list.to, labelKey: list.labelKey } : null;
}
