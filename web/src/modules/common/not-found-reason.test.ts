/**
 * Bad addresses answer with a page that has a way back: which failures count as "nothing here",
 * and which list "back" leads to.
 */
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/client';
import { paths } from '../../paths';
import { isDetailAddress, listOfAddress, notFoundReason } from './not-found-reason';

const problem = (status: number, code: string) =>
  new ApiError(status, {
    type: 'about:blank',
    title: code,
    status,
    code,
    messages: { pl: 'Błąd', en: 'Error' },
    requestId: 'req-1',
  });

const SERVICE_ID = '0b6f4c8e-2d1a-4f3b-9c7e-5a4d3b2c1e0f';

describe('notFoundReason', () => {
  it('a record that does not exist or is not the viewer’s (404) is not found', () => {
    expect(notFoundReason(problem(404, 'notFound'), { id: SERVICE_ID })).toBe('record');
  });

  it('an id that is not an id (/koszyk-uslug/not-a-uuid: the API answers 400) is a bad address', () => {
    expect(notFoundReason(problem(400, 'validation'), { id: 'not-a-uuid' })).toBe('badAddress');
    expect(notFoundReason(problem(400, 'validation'), { id: SERVICE_ID, memberId: '12' })).toBe('badAddress');
  });

  it('other failures stay problems: a 400 on a good id, a 403, a 500, a network error', () => {
    expect(notFoundReason(problem(400, 'validation'), { id: SERVICE_ID })).toBeNull();
    expect(notFoundReason(problem(400, 'validation'), {})).toBeNull();
    expect(notFoundReason(problem(403, 'forbidden'), { id: SERVICE_ID })).toBeNull();
    expect(notFoundReason(problem(500, 'internal'), { id: SERVICE_ID })).toBeNull();
    expect(notFoundReason(problem(0, 'network'), { id: SERVICE_ID })).toBeNull();
    expect(notFoundReason(new Error('boom'), { id: 'not-a-uuid' })).toBeNull();
  });
});

describe('the way back', () => {
  it.each([
    [`/koszyk-uslug/${SERVICE_ID}`, paths.basket, 'nav.basket'],
    ['/koszyk-uslug/not-a-uuid/edycja', paths.basket, 'nav.basket'],
    ['/instytucje/abc', paths.institutions, 'nav.institutions'],
    ['/partnerstwa/abc/koszyk', paths.partnerships, 'nav.partnerships'],
    ['/uzytkownicy/abc', paths.users, 'nav.users'],
    ['/terytoria/9999999', paths.territories, 'nav.territories'],
  ])('%s leads back to its list', (pathname, to, labelKey) => {
    expect(listOfAddress(pathname)).toEqual({ to, labelKey });
  });

  it('an unknown address has no list (the home page is offered)', () => {
    expect(listOfAddress('/nie-ma-takiej-strony')).toBeNull();
    expect(listOfAddress(paths.basket)).toBeNull();
  });

  it('takes the h1 on a detail page only', () => {
    expect(isDetailAddress({ id: 'x' })).toBe(true);
    expect(isDetailAddress({ code: '1061011' })).toBe(true);
    expect(isDetailAddress({})).toBe(false);
  });
});
