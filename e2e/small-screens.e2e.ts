/**
 * Phones and small screens (issue 8 item 4): every page of the app at 375 px and at 320 px, as the
 * demo roles who use it. On each page: no sideways scroll of the page, every visible button, link
 * and tab of the main content within the screen (nothing a person must press is off to the right),
 * and axe-core clean. On the way a case manager searches the basket on a phone (filters folded
 * behind "Filtry (n)", results first) and proposes a change; the coordinator reviews it from a card,
 * ends another session from the account page and previews a real .xlsx with refused rows.
 */
import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import {
  checkAccessibility,
  describeWithChromium,
  expectHeading,
  launchBrowser,
  printAxeSummary,
  screenshot,
  signIn,
  signOut,
} from './support/browser.js';
import { startServer, type RunningServer } from './support/server.js';

const WIDTHS = [375, 320] as const;
const PARTNERSHIP = 'Partnerski Zespół Kooperacyjny Gminy Wieliczka';
const SERVICE = 'Asystent rodziny';

describeWithChromium('phones and small screens', () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    context = await browser.newContext({
      locale: 'pl-PL',
      viewport: { width: 375, height: 740 },
      acceptDownloads: true,
    });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    page.on('pageerror', (error) => console.error('page error:', error.message));
  });

  // The steps build on each other: after a broken step (not a soft finding) the rest are skipped.
  let isBroken = false;
  beforeEach(({ skip, onTestFailed }) => {
    if (isBroken) skip();
    onTestFailed(({ task }) => {
      const errors = task.result?.errors ?? [];
      const isSoft = (message: string) => /^(axe violations|page width|off screen)/.test(message);
      if (errors.some((error) => !isSoft(String(error.message)))) isBroken = true;
    });
  });

  afterAll(async () => {
    printAxeSummary();
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  /** Waits until the page's data has arrived: an h1, no spinner in main, the network quiet. */
  async function settle(): Promise<void> {
    await page.getByRole('heading', { level: 1 }).first().waitFor({ state: 'visible' });
    await page.waitForLoadState('networkidle');
    await page.waitForFunction(() => !document.querySelector('main .mantine-Loader-root'));
  }

  /** The three checks of this file on the page as it is now. */
  async function checkScreen(label: string): Promise<void> {
    const width = page.viewportSize()?.width ?? 0;
    if (width === 375) await screenshot(page, `phones-${label.replace(/[^a-z0-9]+/gi, '-')}`);
    const { scrollWidth, innerWidth, offScreen, tooWide } = await page.evaluate(() => {
      const controls = document.querySelectorAll<HTMLElement>(
        'main a[href], main button, main [role="button"], main [role="tab"]',
      );
      const outside = [...controls]
        .filter((element) => {
          const box = element.getBoundingClientRect();
          const style = getComputedStyle(element);
          // Visually hidden helpers (1 px, clipped) are not something a person presses.
          return box.width > 1 && box.height > 1 && style.visibility !== 'hidden';
        })
        .filter((element) => {
          const box = element.getBoundingClientRect();
          return box.left < -0.5 || box.right > window.innerWidth + 0.5;
        })
        .map((element) => {
          const box = element.getBoundingClientRect();
          const name = (element.getAttribute('aria-label') ?? element.textContent ?? '').trim().slice(0, 60);
          return `${element.tagName.toLowerCase()} "${name}" at ${Math.round(box.left)}–${Math.round(box.right)} px`;
        });
      // What sticks out, when the page is too wide: the innermost elements past the right edge.
      const tooWide = [...document.querySelectorAll<HTMLElement>('body *')]
        .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 0.5)
        .filter(
          (element) =>
            ![...element.children].some((child) => child.getBoundingClientRect().right > window.innerWidth + 0.5),
        )
        .slice(0, 5)
        .map(
          (element) =>
            `${element.tagName.toLowerCase()}.${element.className} to ${Math.round(element.getBoundingClientRect().right)} px`,
        );
      return {
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
        offScreen: outside,
        tooWide,
      };
    });
    expect(innerWidth).toBe(width);
    expect
      .soft(scrollWidth, `page width at ${width} px on "${label}" (${tooWide.join('; ')})`)
      .toBeLessThanOrEqual(innerWidth);
    expect.soft(offScreen, `off screen at ${width} px on "${label}"`).toEqual([]);
    await checkAccessibility(page, `${label} (${width} px)`);
  }

  async function visit(label: string, pathname: string, ready?: () => Promise<unknown>): Promise<void> {
    await page.goto(`${server.baseUrl}${pathname}`);
    await settle();
    if (ready) await ready();
    await checkScreen(label);
  }

  /** The first link in main whose address starts with the prefix (and is not one of the excluded). */
  async function hrefOf(prefix: string, exclude: RegExp = /$^/): Promise<string> {
    const hrefs = await page
      .locator(`main a[href^="${prefix}"]`)
      .evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? ''));
    const found = hrefs.find((href) => href !== prefix && !exclude.test(href));
    if (!found) throw new Error(`No link to ${prefix}… on ${page.url()}`);
    return found;
  }

  it('shows the pages before sign-in on a phone', async () => {
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 740 });
      await visit('sign-in', '/logowanie');
      await visit('accessibility statement', '/deklaracja-dostepnosci');
      await visit('not found', '/nie-ma-takiej-strony', () =>
        page.getByRole('link', { name: 'Przejdź na stronę główną' }).waitFor(),
      );
    }
  });

  it('lets a case manager search the basket with the filters folded away and propose a change', async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    await signIn(page, server.baseUrl, 'pracownik@kooperacja.demo');
    await settle();
    await checkScreen('home (case manager)');

    await page.goto(`${server.baseUrl}/koszyk-uslug`);
    await settle();
    const toggle = page.getByRole('button', { name: /^Filtry \(\d+\)$/ });
    expect(await toggle.textContent()).toBe('Filtry (0)');
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await page.getByLabel('Obszar współpracy').isVisible()).toBe(false);
    // Results first: the first service is on the first screen, under the search box and the toggle.
    const results = page.getByRole('list', { name: 'Usługi w koszyku' });
    const firstResult = results.getByRole('link').first();
    await firstResult.waitFor();
    const box = await firstResult.boundingBox();
    expect(box && box.y + box.height).toBeLessThanOrEqual(740);
    await checkScreen('basket search (filters folded)');

    await toggle.click();
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    await page.getByLabel('Obszar współpracy').selectOption({ index: 1 });
    await page.getByLabel('Tylko niepotwierdzone od 12 miesięcy').check();
    await expect.poll(() => toggle.textContent()).toBe('Filtry (2)');
    await checkScreen('basket search (filters open)');
    await page.getByRole('button', { name: 'Wyczyść filtry' }).click();
    await expect.poll(() => toggle.textContent()).toBe('Filtry (0)');

    await page.getByLabel('Szukaj usługi').fill('asystent rodziny');
    // Click only once the search has answered: the unfiltered list is re-rendered under the pointer.
    await page.waitForURL(/[?&]q=asystent/);
    await settle();
    await results.getByRole('link', { name: SERVICE }).click();
    await expectHeading(page, SERVICE);
    await settle();
    await checkScreen('service page (case manager)');
    await page.getByRole('button', { name: 'Zaproponuj zmianę' }).click();
    const dialog = page.getByRole('dialog', { name: `Wniosek o zmianę: ${SERVICE}` });
    await dialog.getByLabel('Harmonogram').fill('pon.–pt. 8:00–18:00');
    await dialog.getByLabel(/^Uzasadnienie/).fill('Od stycznia asystenci pracują także popołudniami.');
    await checkAccessibility(page, 'change request dialog (375 px)');
    await dialog.getByRole('button', { name: 'Złóż wniosek' }).click();
    await dialog.getByText(/^Wniosek został złożony/).waitFor();
    await dialog.getByRole('button', { name: 'Zamknij' }).last().click();
    await visit('notifications (case manager)', '/powiadomienia');
    await signOut(page);
  });

  /** Addresses of the demo's records, found by the coordinator on the way in. */
  const found = {
    partnership: '',
    partnershipId: '',
    institution: '',
    member: '',
    service: '',
    sheet: Buffer.alloc(0) as Buffer<ArrayBufferLike>,
  };

  it('signs the coordinator in and finds the demo partnership, a member, a service and a sheet', async () => {
    // A second session of the coordinator, so the account page lists one to end.
    const other = await browser.newContext({ locale: 'pl-PL' });
    try {
      await signIn(await other.newPage(), server.baseUrl, 'koordynator@kooperacja.demo');
    } finally {
      await other.close();
    }
    await page.setViewportSize({ width: 375, height: 740 });
    await signIn(page, server.baseUrl, 'koordynator@kooperacja.demo');
    await page.goto(`${server.baseUrl}/partnerstwa`);
    await settle();
    found.partnership = await hrefOf('/partnerstwa/', /nowe$/);
    found.partnershipId = found.partnership.split('/')[2]!;
    await page.goto(`${server.baseUrl}${found.partnership}`);
    await expectHeading(page, PARTNERSHIP);
    await settle();
    found.institution = await hrefOf('/instytucje/', /nowa$/);
    found.member = await hrefOf(`${found.partnership}/czlonkowie/`);
    await page.goto(`${server.baseUrl}/koszyk-uslug?q=${encodeURIComponent('asystent rodziny')}`);
    await settle();
    await page.getByRole('list', { name: 'Usługi w koszyku' }).getByRole('link', { name: SERVICE }).waitFor();
    found.service = await hrefOf('/koszyk-uslug/', /nowa/);
    found.sheet = await sheetWithRefusedRows(found.partnership);
  });

  for (const width of WIDTHS) {
    it(`shows every page a coordinator uses within the screen at ${width} px`, { timeout: 600_000 }, async () => {
      const { partnership, partnershipId, institution, member, service, sheet } = found;
      await page.setViewportSize({ width, height: 740 });
      await visit('home (coordinator)', '/');
      await visit('territories', '/terytoria');
      await visit('territory', await hrefOf('/terytoria/'), () =>
        page.getByRole('heading', { name: 'Jednostki podrzędne' }).waitFor(),
      );
      await visit('institutions', '/instytucje');
      await visit('new institution', '/instytucje/nowa');
      await visit('institution', institution);
      await visit('institution edit', `${institution}/edycja`);
      await visit('partnerships', '/partnerstwa');
      await visit('new partnership', '/partnerstwa/nowe');
      await visit('partnership', partnership);
      await visit('partnership edit', `${partnership}/edycja`);
      await visit('add member', `${partnership}/dodaj-instytucje`);
      await visit('member status', member);
      await visit('basket search', '/koszyk-uslug');
      await visit('service page with history', service, () =>
        page.getByRole('heading', { name: 'Historia zmian' }).waitFor(),
      );
      await visit('service edit', `${service}/edycja`);
      await visit('new service', `/koszyk-uslug/nowa?partnershipId=${partnershipId}`);
      await visit('partnership basket', `${partnership}/koszyk`);
      await visit('change requests', `${partnership}/koszyk?widok=requests`, () =>
        page.getByRole('button', { name: `Przejrzyj wniosek: ${SERVICE}` }).waitFor(),
      );
      await visit('basket gaps', `${partnership}/koszyk?widok=gaps`, () =>
        page.locator('.recharts-surface').first().waitFor(),
      );
      await visit('basket files', `${partnership}/koszyk?widok=files`);
      await page.getByLabel('Plik arkusza (.xlsx)').setInputFiles({
        name: 'koszyk-ops.xlsx',
        mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        buffer: sheet,
      });
      await page.getByRole('button', { name: 'Wczytaj i pokaż podgląd' }).first().click();
      const preview = page.getByRole('region', { name: 'Podgląd importu – wiersz po wierszu' });
      await preview.waitFor();
      await preview
        .getByText(/np\. 32-020/)
        .first()
        .waitFor();
      await checkScreen('import preview with refused rows');
      // A reason is read as a line, not one letter per line: its list item is as wide as the card.
      const reasonWidth = await preview
        .getByText(/np\. 32-020/)
        .first()
        .evaluate((element) => element.getBoundingClientRect().width);
      expect(reasonWidth).toBeGreaterThan(width / 2);
      await page.getByRole('button', { name: 'Anuluj import' }).click();
      await visit('public page settings', `${partnership}/koszyk?widok=public`);
      await visit('notifications', '/powiadomienia');
      await visit('account with sessions', '/konto', () =>
        page.getByRole('button', { name: 'Zakończ' }).first().waitFor(),
      );
      await visit('password change', '/zmiana-hasla');
    });
  }

  it('lets the coordinator review a change request and end another session from their cards', async () => {
    const { partnership } = found;
    await page.setViewportSize({ width: 320, height: 740 });
    // The change request's buttons are in its card, on the screen: the review is done from there.
    await page.goto(`${server.baseUrl}${partnership}/koszyk?widok=requests`);
    await settle();
    await page.getByRole('button', { name: `Przejrzyj wniosek: ${SERVICE}` }).click();
    const review = page.getByRole('dialog', { name: `Wniosek o zmianę: ${SERVICE}` });
    await review.getByRole('columnheader', { name: 'Obecnie w karcie' }).waitFor();
    // Checked once the dialog has faded in: mid-transition colours are not what a person reads.
    await page.waitForFunction(() => document.getAnimations().length === 0);
    await checkScreen('change request decision dialog');
    await review.getByLabel('Uwagi koordynatora').fill('Zgodne z nowym harmonogramem OPS.');
    await review.getByRole('button', { name: 'Oznacz jako przejrzany' }).click();
    // Beside the demo's change already reviewed and waiting for the director, now this one.
    await expect.poll(() => page.getByText('Przejrzany, czeka na decyzję').count()).toBe(2);
    await review.waitFor({ state: 'detached' });
    await page.waitForFunction(() => document.getAnimations().length === 0);
    await checkScreen('change requests (reviewed)');

    // The other session is ended from its card.
    await page.goto(`${server.baseUrl}/konto`);
    await settle();
    const sessions = page.getByRole('region', { name: 'Twoje aktywne sesje' }).getByRole('listitem');
    const before = await sessions.count();
    await page.getByRole('button', { name: 'Zakończ' }).first().click();
    await expect.poll(() => sessions.count()).toBe(before - 1);
    await signOut(page);
  });

  it('shows the administrator pages within the screen at 375 and 320 px', { timeout: 600_000 }, async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    await signIn(page, server.baseUrl, 'admin@kooperacja.demo');
    await page.goto(`${server.baseUrl}/uzytkownicy`);
    await settle();
    const user = await hrefOf('/uzytkownicy/', /nowy$/);
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 740 });
      await visit('home (admin)', '/');
      await visit('users', '/uzytkownicy');
      await visit('new user', '/uzytkownicy/nowy');
      await visit('user', user, () => page.getByRole('button', { name: 'Zakończ wszystkie sesje' }).waitFor());
      await visit('audit log', '/dziennik-zdarzen');
    }
    await signOut(page);
  });

  it(
    'shows the home pages of a partner, a director and a ROPS coordinator within the screen',
    { timeout: 600_000 },
    async () => {
      for (const email of ['szkola@kooperacja.demo', 'dyrektor@kooperacja.demo', 'rops@kooperacja.demo']) {
        await page.setViewportSize({ width: 375, height: 740 });
        await signIn(page, server.baseUrl, email);
        for (const width of WIDTHS) {
          await page.setViewportSize({ width, height: 740 });
          await visit(`home (${email.split('@')[0]})`, '/');
          await visit(`basket search (${email.split('@')[0]})`, '/koszyk-uslug');
        }
        await page.setViewportSize({ width: 375, height: 740 });
        await signOut(page);
      }
    },
  );

  /**
   * The basket's own export with what an OPS's sheet carries: a postal code typed with a space and
   * a letter, an area the template does not know, an e-mail without "@". Read back with exceljs.
   */
  async function sheetWithRefusedRows(partnership: string): Promise<Buffer> {
    const bytes = await downloadExport(partnership);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    let headerRow = 0;
    const columnOf = new Map<string, number>();
    sheet.eachRow((row, number) => {
      if (headerRow) return;
      row.eachCell((cell, column) => {
        if (String(cell.value ?? '').trim() === 'Kod pocztowy') headerRow = number;
        columnOf.set(String(cell.value ?? '').trim(), column);
      });
      if (!headerRow) columnOf.clear();
    });
    expect(headerRow).toBeGreaterThan(0);
    const cell = (row: number, header: string) => sheet.getRow(row).getCell(columnOf.get(header)!);
    cell(headerRow + 1, 'Kod pocztowy').value = '32 020 W';
    cell(headerRow + 2, 'Obszary współpracy').value = 'sport i rekreacja; kultura';
    cell(headerRow + 3, 'E-mail').value = 'sekretariat-ops.wieliczka.example';
    return Buffer.from(await workbook.xlsx.writeBuffer());
  }

  async function downloadExport(partnership: string): Promise<Buffer> {
    await page.goto(`${server.baseUrl}${partnership}/koszyk?widok=files`);
    await settle();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Pobierz .xlsx' }).click(),
    ]);
    return readFile(await download.path());
  }
});
