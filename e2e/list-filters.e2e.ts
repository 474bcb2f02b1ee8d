/**
 * List filters live in the address: a coordinator filters the institutions by kind and by a typed
 * name, opens a row, goes Back and finds the same filtered list; the same for partnerships.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithChromium, expectHeading, launchBrowser, openFromNavigation, signIn } from './support/browser.js';
import { startServer, type RunningServer } from './support/server.js';

const SCHOOL = 'Szkoła Podstawowa nr 1 im. Mikołaja Kopernika w Wieliczce';
const POLICE = 'Komisariat Policji w Wieliczce';
const PARTNERSHIP = 'Partnerski Zespół Kooperacyjny Gminy Wieliczka';

describeWithChromium('list filters kept in the address', () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    context = await browser.newContext({ locale: 'pl-PL', viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    page.on('pageerror', (error) => console.error('page error:', error.message));
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  const table = () => page.getByRole('table', { name: 'Instytucje' });

  it('keeps the institutions filters after opening a row and going Back', async () => {
    await signIn(page, server.baseUrl, 'koordynator@kooperacja.demo');
    await openFromNavigation(page, 'Instytucje');
    await expect.poll(() => table().getByRole('link', { name: POLICE }).count()).toBe(1);

    await page.getByLabel('Rodzaj').selectOption('school');
    await page.getByLabel('Szukaj po nazwie').fill('kopernika');
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe('kopernika');
    expect(new URL(page.url()).searchParams.get('kind')).toBe('school');
    await expect.poll(() => table().getByRole('link', { name: POLICE }).count()).toBe(0);

    await table().getByRole('link', { name: SCHOOL }).click();
    await expectHeading(page, SCHOOL);
    await page.goBack();

    await expectHeading(page, 'Instytucje');
    await expect.poll(() => page.getByLabel('Rodzaj').inputValue()).toBe('school');
    await expect.poll(() => page.getByLabel('Szukaj po nazwie').inputValue()).toBe('kopernika');
    await expect.poll(() => table().getByRole('link', { name: SCHOOL }).count()).toBe(1);
    expect(await table().getByRole('link', { name: POLICE }).count()).toBe(0);
  });

  it('keeps the partnerships filter after opening a row and going Back', async () => {
    await openFromNavigation(page, 'Partnerstwa');
    await page.getByLabel('Szukaj po nazwie').fill('wieliczka');
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe('wieliczka');
    await page.getByRole('link', { name: PARTNERSHIP }).click();
    await expectHeading(page, PARTNERSHIP);
    await page.goBack();
    await expectHeading(page, 'Partnerstwa');
    await expect.poll(() => page.getByLabel('Szukaj po nazwie').inputValue()).toBe('wieliczka');
    await expect.poll(() => page.getByRole('link', { name: PARTNERSHIP }).count()).toBe(1);
  });
});
