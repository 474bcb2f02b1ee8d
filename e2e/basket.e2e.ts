/**
 * The basket of services in the browser: a case manager finds a demo service by a query typed
 * without diacritics and with a typo and opens its page; the coordinator confirms a stale card.
 * axe-core runs on every page visited.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  checkAccessibility,
  describeWithChromium,
  expectHeading,
  launchBrowser,
  openFromNavigation,
  printAxeSummary,
  signIn,
  signOut,
} from './support/browser.js';
import { startServer, type RunningServer } from './support/server.js';

describeWithChromium('basket of services', () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    context = await browser.newContext({ locale: 'pl-PL' });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
  });

  afterAll(async () => {
    printAxeSummary();
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  it('lets a case manager find a service without diacritics and with a typo, and open it', async () => {
    await signIn(page, server.baseUrl, 'pracownik@kooperacja.demo');
    await openFromNavigation(page, 'Koszyk usług');
    await checkAccessibility(page, 'basket search');
    await page.getByLabel('Szukaj usługi').fill('poradnictwo rodzine dziecmi');
    await expect.poll(() => page.getByText(/^Znaleziono 1 usługę$/).count()).toBe(1);
    await page.getByRole('link', { name: 'Poradnictwo rodzinne dla rodzin z dziećmi' }).click();
    await expectHeading(page, 'Poradnictwo rodzinne dla rodzin z dziećmi');
    await expect.poll(() => page.getByText('Grzegorz Nowak').count()).toBeGreaterThan(0);
    // A case manager refers people; the card's workflow belongs to its keepers.
    expect(await page.getByRole('button', { name: 'Opublikuj' }).count()).toBe(0);
    await checkAccessibility(page, 'service page');
    await signOut(page);
  });

  it('lets the coordinator see stale services and confirm one as current', async () => {
    await signIn(page, server.baseUrl, 'koordynator@kooperacja.demo');
    await openFromNavigation(page, 'Koszyk usług');
    await page.getByLabel('Tylko niepotwierdzone od 12 miesięcy').check();
    await page.getByRole('link', { name: 'Dzielnicowy – dyżury i konsultacje' }).click();
    await expectHeading(page, 'Dzielnicowy – dyżury i konsultacje');
    await page.getByRole('alert').filter({ hasText: 'Do potwierdzenia' }).waitFor();
    await checkAccessibility(page, 'stale service page');
    await page.getByRole('button', { name: 'Potwierdź aktualność' }).click();
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'Do potwierdzenia' }).count()).toBe(0);
    await page.getByRole('heading', { name: 'Historia zmian' }).waitFor();
    await checkAccessibility(page, 'service page with history');
  });
});
