/** Keyboard-only use: sign in and reach the institutions page with Tab and Enter only. */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_PASSWORD, describeWithChromium, expectHeading, launchBrowser } from './support/browser.js';
import { startServer, type RunningServer } from './support/server.js';

type Focused = { tag: string; label: string; text: string; outline: string; boxShadow: string };

async function focused(page: Page): Promise<Focused> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element) return { tag: '', label: '', text: '', outline: '', boxShadow: '' };
    const labelledBy = element.id ? (document.querySelector(`label[for="${element.id}"]`)?.textContent ?? '') : '';
    const style = getComputedStyle(element);
    return {
      tag: element.tagName.toLowerCase(),
      label: element.getAttribute('aria-label') ?? labelledBy,
      text: (element.textContent ?? '').trim(),
      outline: `${style.outlineStyle} ${style.outlineWidth}`,
      boxShadow: style.boxShadow,
    };
  });
}

/** Presses Tab until the focused element matches, at most `limit` times. */
async function tabTo(page: Page, matches: (element: Focused) => boolean, limit = 40): Promise<Focused> {
  for (let i = 0; i < limit; i += 1) {
    await page.keyboard.press('Tab');
    const element = await focused(page);
    if (matches(element)) return element;
  }
  throw new Error('The element was not reached with Tab');
}

describeWithChromium('keyboard only', () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    context = await browser.newContext({ locale: 'pl-PL' });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  it('signs in and opens the institutions page with Tab and Enter', async () => {
    await page.goto(`${server.baseUrl}/logowanie`);
    await expectHeading(page, 'Logowanie');

    const first = await tabTo(page, () => true, 1);
    expect(first.text).toBe('Przejdź do treści');
    expect(first.outline).not.toMatch(/^none/);

    const email = await tabTo(page, (element) => element.tag === 'input' && element.label.startsWith('Adres e-mail'));
    expect(email.outline === 'none 0px' && email.boxShadow === 'none').toBe(false);
    await page.keyboard.type('koordynator@kooperacja.demo');
    await tabTo(page, (element) => element.tag === 'input' && element.label.startsWith('Hasło'));
    await page.keyboard.type(DEMO_PASSWORD);
    await page.keyboard.press('Enter');
    await expectHeading(page, /^Dzień dobry/);

    const link = await tabTo(page, (element) => element.tag === 'a' && element.text === 'Instytucje');
    expect(link.outline).not.toMatch(/^none/);
    await page.keyboard.press('Enter');
    await expectHeading(page, 'Instytucje');
    expect(new URL(page.url()).pathname).toBe('/instytucje');
    // After navigation the page heading has focus, so screen readers announce the new page.
    expect((await focused(page)).tag).toBe('h1');
  });
});
