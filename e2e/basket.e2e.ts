/**
 * The basket of services in the browser. A partner's representative fills in a service card for
 * their school and submits it; the coordinator publishes it; a case manager finds it by a query typed
 * without diacritics and with a typo; the coordinator exports the basket to .xlsx (and previews it
 * back through the import wizard), sees the gap chart and publishes the public page, which a visitor
 * opens without signing in. The basket search is reachable with the keyboard alone. axe-core runs on
 * every page visited.
 */
import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import {
  checkAccessibility,
  chooseInSelect,
  describeWithChromium,
  expectHeading,
  launchBrowser,
  openFromNavigation,
  printAxeSummary,
  screenshot,
  signIn,
  signOut,
} from './support/browser.js';
import { startServer, type RunningServer } from './support/server.js';

const PARTNERSHIP = 'Partnerski Zespół Kooperacyjny Gminy Wieliczka';
const NEW_SERVICE = 'Zajęcia logopedyczne dla dzieci z klas 1–3';
const SLUG = 'koszyk-wieliczka-e2e';

describeWithChromium('basket of services', () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    context = await browser.newContext({
      locale: 'pl-PL',
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    page.on('pageerror', (error) => console.error('page error:', error.message));
  });

  // The steps build on each other: after a broken step (not a soft axe finding) the rest are skipped.
  let isBroken = false;
  beforeEach(({ skip, onTestFailed }) => {
    if (isBroken) skip();
    onTestFailed(({ task }) => {
      const errors = task.result?.errors ?? [];
      if (errors.some((error) => !String(error.message).startsWith('axe violations'))) isBroken = true;
    });
  });

  afterAll(async () => {
    printAxeSummary();
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  const partnershipSections = () => page.getByRole('navigation', { name: 'Sekcje partnerstwa' });

  async function openPartnershipBasket(): Promise<void> {
    await openFromNavigation(page, 'Partnerstwa');
    await page.getByRole('link', { name: PARTNERSHIP }).click();
    await expectHeading(page, PARTNERSHIP);
    await partnershipSections().getByRole('link', { name: 'Koszyk usług' }).click();
    await page.getByRole('tab', { name: 'Usługi' }).waitFor();
  }

  it('lets a case manager find a service without diacritics and with a typo, and open it', async () => {
    await signIn(page, server.baseUrl, 'pracownik@kooperacja.demo');
    await openFromNavigation(page, 'Koszyk usług');
    await checkAccessibility(page, 'basket search');
    await page.getByLabel('Szukaj usługi').fill('poradnictwo rodzine dziecmi');
    await expect.poll(() => page.getByText(/^Znaleziono 1 usługę$/).count()).toBe(1);
    // The query is in the address (service filters only), so the result can be shared and reloaded.
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe('poradnictwo rodzine dziecmi');
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
    await signOut(page);
  });

  it('lets a partner representative fill in a service card for their school and submit it', async () => {
    await signIn(page, server.baseUrl, 'szkola@kooperacja.demo');
    await openPartnershipBasket();
    await checkAccessibility(page, 'partnership basket (partner)');
    await page.getByRole('link', { name: 'Dodaj usługę' }).click();
    await expectHeading(page, 'Nowa karta usługi');
    // Required fields are checked before anything is sent.
    await page.getByRole('button', { name: 'Zapisz kartę' }).click();
    await expect.poll(() => page.getByText('To pole jest wymagane.').count()).toBeGreaterThan(0);
    await checkAccessibility(page, 'service form with errors');

    await page.getByLabel('Nazwa usługi').fill(NEW_SERVICE);
    await page
      .getByLabel('Opis usługi')
      .fill('Indywidualne zajęcia z logopedą szkolnym: diagnoza, ćwiczenia artykulacyjne, wskazówki dla rodziców.');
    await page.getByRole('checkbox', { name: 'Edukacja i wychowanie' }).check();
    await page.getByRole('checkbox', { name: 'Dzieci', exact: true }).check();
    await page.getByLabel('Kto może skorzystać').fill('Uczniowie klas 1–3 szkół z gminy Wieliczka.');
    await page.getByLabel(/^Odpłatność/).selectOption('free');
    await page.getByLabel('Ulica i numer').fill('ul. Szkolna 2');
    await page.getByLabel('Kod pocztowy').fill('32-020');
    await page.getByLabel('Miejscowość').fill('Wieliczka');
    await chooseInSelect(page, 'Dodaj gminę do zasięgu', 'Wieliczka', /^Wieliczka – gmina/);
    await page.getByRole('list', { name: 'Wybrane gminy' }).getByText('Wieliczka').waitFor();
    await page.getByLabel('Harmonogram').fill('wtorki i czwartki 12:00–15:00');
    await page.getByLabel('Typowy czas oczekiwania (dni)').fill('14');
    await page.getByLabel('Osoba kontaktowa').fill('Agnieszka Logopeda');
    await page.getByLabel('Telefon').fill('12 278 10 10');
    await screenshot(page, 'basket-01-service-form');
    await page.getByRole('button', { name: 'Zapisz kartę' }).click();
    await expectHeading(page, NEW_SERVICE);
    await page.getByText('Szkic', { exact: true }).waitFor();
    await checkAccessibility(page, 'draft service page');

    await page.getByRole('button', { name: 'Zgłoś do koszyka' }).click();
    await page.getByText('Zgłoszona', { exact: true }).waitFor();
    // Publishing is the leader's, not the partner's.
    expect(await page.getByRole('button', { name: 'Opublikuj' }).count()).toBe(0);
    await signOut(page);
  });

  it('lets the coordinator publish the submitted card, which the notification leads to', async () => {
    await signIn(page, server.baseUrl, 'koordynator@kooperacja.demo');
    // Those who may publish it hear of the submitted card (issue 8 item 2).
    await page.getByRole('link', { name: 'Powiadomienia: 1 nieprzeczytane' }).click();
    await page.getByRole('link', { name: new RegExp(`^Karta usługi czeka na publikację.*${NEW_SERVICE}`) }).click();
    await expectHeading(page, NEW_SERVICE);
    await page.getByRole('button', { name: 'Opublikuj' }).click();
    await page.getByText('Opublikowana', { exact: true }).waitFor();
    await page.getByRole('heading', { name: 'Historia zmian' }).waitFor();
    await screenshot(page, 'basket-02-service-page');
    await checkAccessibility(page, 'published service page (coordinator)');
    await signOut(page);
  });

  it('lets a case manager find the new service without diacritics and with one typo', async () => {
    await signIn(page, server.baseUrl, 'pracownik@kooperacja.demo');
    await openFromNavigation(page, 'Koszyk usług');
    await page.getByLabel('Szukaj usługi').fill('zajecia logopedycne');
    const results = page.getByRole('list', { name: 'Usługi w koszyku' });
    await expect.poll(() => results.getByRole('link').first().textContent()).toBe(NEW_SERVICE);
    await screenshot(page, 'basket-03-search');
    await checkAccessibility(page, 'basket search with results');
    await results.getByRole('link', { name: NEW_SERVICE }).click();
    await expectHeading(page, NEW_SERVICE);
    await page.getByText('Agnieszka Logopeda').waitFor();
    await page.getByText('14 dni').waitFor();
    await checkAccessibility(page, 'new service page (case manager)');
    await signOut(page);
  });

  it('lets the coordinator export the basket to .xlsx, preview it back and see the gaps', async () => {
    await signIn(page, server.baseUrl, 'koordynator@kooperacja.demo');
    await openPartnershipBasket();
    await page.getByRole('tab', { name: 'Excel i HSDS' }).click();
    await checkAccessibility(page, 'basket files');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Pobierz .xlsx' }).click(),
    ]);
    const file = await download.path();
    const bytes = await readFile(file);
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);

    // The exported sheet goes back through the import wizard: every row is unchanged, nothing is written.
    await page.getByLabel('Plik arkusza (.xlsx)').setInputFiles({
      name: 'koszyk.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: bytes,
    });
    await page.getByRole('button', { name: 'Wczytaj i pokaż podgląd' }).first().click();
    await page.getByRole('region', { name: 'Podgląd importu – wiersz po wierszu' }).waitFor();
    await page.getByText(/^Podgląd: do dodania 0, do zmiany 0, bez zmian \d+, odrzucone 0\.$/).waitFor();
    await screenshot(page, 'basket-04-import-preview');
    await checkAccessibility(page, 'import preview');
    await page.getByRole('button', { name: 'Anuluj import' }).click();

    await page.getByRole('tab', { name: 'Luki' }).click();
    await page.getByRole('img', { name: /^Wykres słupkowy: Usługi według obszaru współpracy/ }).waitFor();
    await page.locator('.recharts-surface').first().waitFor();
    await page.getByRole('region', { name: /obszar współpracy × grupa docelowa/ }).waitFor();
    await screenshot(page, 'basket-05-gaps');
    await checkAccessibility(page, 'basket gaps');
  });

  it('lets the coordinator map an OPS column, see a duplicate and download the rejected rows', async () => {
    await page.getByRole('tab', { name: 'Excel i HSDS' }).click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Pobierz .xlsx' }).click(),
    ]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await readFile(await download.path())) as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const headers = (sheet.getRow(1).values as unknown[]).map(String);
    // The OPS calls the phone column its own way; one card is entered again as new, one row is wrong.
    sheet.getRow(1).getCell(headers.indexOf('Telefon')).value = 'Numer kontaktowy';
    const copy = (sheet.getRow(2).values as unknown[]).slice(1);
    copy[0] = null;
    sheet.addRow(copy);
    const wrong = [...copy];
    wrong[headers.indexOf('Nazwa usługi') - 1] = 'Punkt porad';
    wrong[headers.indexOf('Kod pocztowy') - 1] = '32 020';
    sheet.addRow(wrong);
    await page.getByLabel('Plik arkusza (.xlsx)').setInputFiles({
      name: 'koszyk-ops.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: Buffer.from(await workbook.xlsx.writeBuffer()),
    });
    await page.getByRole('button', { name: 'Wczytaj i pokaż podgląd' }).first().click();
    await page.getByRole('region', { name: 'Podgląd importu – wiersz po wierszu' }).waitFor();

    await page.getByText('Dopasowanie kolumn arkusza').waitFor();
    await page.getByLabel(/„Numer kontaktowy”/).selectOption('Telefon');
    await page.getByRole('button', { name: 'Zapisz dopasowanie i wczytaj plik ponownie' }).click();
    await page.getByText('zapamiętane').waitFor();
    await page.getByText(/^Duplikaty \(domyślnie pominięte\): 1\.$/).waitFor();
    await page.getByRole('radio', { name: 'utwórz mimo to' }).waitFor({ state: 'attached' });
    const [errors] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /Pobierz odrzucone wiersze z powodami/ }).click(),
    ]);
    const errorsBook = new ExcelJS.Workbook();
    await errorsBook.xlsx.load((await readFile(await errors.path())) as unknown as ArrayBuffer);
    expect(errorsBook.worksheets[0]!.getRow(1).getCell(1).value).toBe('Powód');
    expect(String(errorsBook.worksheets[0]!.getRow(2).getCell(1).value)).toContain('np. 32-020');
    await page.getByRole('radio', { name: /Wyślij do przeglądu/ }).waitFor({ state: 'attached' });
    await checkAccessibility(page, 'import preview with a mapping and a duplicate');
    // The same preview on a phone: the mapping, the choices and the rows stay within the screen.
    const desktop = page.viewportSize()!;
    await page.setViewportSize({ width: 375, height: 740 });
    await page.getByRole('button', { name: 'Anuluj import' }).waitFor();
    await screenshot(page, 'basket-04b-import-preview-375');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await checkAccessibility(page, 'import preview with a mapping and a duplicate (375 px)');
    await page.setViewportSize(desktop);
    await page.getByRole('button', { name: 'Anuluj import' }).click();
  });

  it('lets the coordinator publish the public page, which a visitor opens without signing in', async () => {
    await page.getByRole('tab', { name: 'Strona publiczna' }).click();
    await page.getByRole('switch', { name: 'Publikuj stronę koszyka' }).check();
    await page.getByLabel('Adres strony').fill(SLUG);
    await page.getByLabel('Wstęp na stronie').fill('Usługi instytucji współpracujących z OPS w Wieliczce.');
    await page.getByRole('button', { name: 'Zapisz' }).click();
    await page.getByText('Zapisano.').waitFor();
    await page.getByRole('link', { name: new RegExp(`/koszyk/${SLUG}`) }).waitFor();
    await checkAccessibility(page, 'public page settings');
    await signOut(page);

    const visitor = await browser.newContext({ locale: 'pl-PL' });
    try {
      const anonymous = await visitor.newPage();
      const response = await anonymous.goto(`${server.baseUrl}/koszyk/${SLUG}`);
      expect(response?.status()).toBe(200);
      await anonymous.getByRole('heading', { level: 1 }).waitFor();
      await anonymous.getByText(NEW_SERVICE).first().waitFor();
      // No contact persons on the public page.
      expect(await anonymous.getByText('Agnieszka Logopeda').count()).toBe(0);
      await screenshot(anonymous, 'basket-06-public-page');
      await checkAccessibility(anonymous, 'public basket page');
    } finally {
      await visitor.close();
    }
  });

  it('carries a change request from a case manager through review and decision, with notifications', async () => {
    await signIn(page, server.baseUrl, 'pracownik@kooperacja.demo');
    await openFromNavigation(page, 'Koszyk usług');
    await page.getByLabel('Szukaj usługi').fill('asystent rodziny');
    await page.getByRole('link', { name: 'Asystent rodziny' }).click();
    await expectHeading(page, 'Asystent rodziny');
    await page.getByRole('button', { name: 'Zaproponuj zmianę' }).click();
    const dialog = page.getByRole('dialog', { name: 'Wniosek o zmianę: Asystent rodziny' });
    await dialog.getByLabel('Harmonogram').fill('pon.–pt. 8:00–18:00');
    await dialog.getByRole('button', { name: 'Złóż wniosek' }).click();
    // The justification is required.
    await dialog.getByText('To pole jest wymagane.').waitFor();
    await dialog.getByLabel(/^Uzasadnienie/).fill('Od stycznia asystenci pracują także popołudniami.');
    await dialog.getByRole('button', { name: 'Złóż wniosek' }).click();
    await dialog.getByText(/^Wniosek został złożony/).waitFor();
    await checkAccessibility(page, 'change request dialog');
    await dialog.getByRole('button', { name: 'Zamknij' }).last().click();
    await signOut(page);

    await signIn(page, server.baseUrl, 'koordynator@kooperacja.demo');
    await page.getByRole('link', { name: 'Powiadomienia: 1 nieprzeczytane' }).click();
    await expectHeading(page, 'Powiadomienia');
    await checkAccessibility(page, 'notifications');
    await page.getByRole('link', { name: /^Nowy wniosek o zmianę w koszyku/ }).click();
    await page.getByRole('tab', { name: 'Wnioski o zmiany', selected: true }).waitFor();
    await page.getByRole('button', { name: 'Przejrzyj wniosek: Asystent rodziny' }).click();
    const review = page.getByRole('dialog', { name: 'Wniosek o zmianę: Asystent rodziny' });
    // The card's current value beside the proposed one.
    await review.getByRole('columnheader', { name: 'Obecnie w karcie' }).waitFor();
    await review.getByRole('cell', { name: 'pon.–pt. 8:00–18:00' }).waitFor();
    await checkAccessibility(page, 'change request decision dialog');
    await review.getByLabel('Uwagi koordynatora').fill('Zgodne z nowym harmonogramem OPS.');
    await review.getByRole('button', { name: 'Oznacz jako przejrzany' }).click();
    // Beside the demo's change already reviewed and waiting for the director, now this one.
    await expect.poll(() => page.getByText('Przejrzany, czeka na decyzję').count()).toBe(2);
    await screenshot(page, 'basket-07-change-requests');
    await checkAccessibility(page, 'change requests');
    // The leader's director decides, not the coordinator.
    expect(await page.getByRole('button', { name: /^Rozstrzygnij wniosek/ }).count()).toBe(0);
    await signOut(page);

    await signIn(page, server.baseUrl, 'dyrektor@kooperacja.demo');
    // The card submitted earlier (the director may publish it too) and the reviewed request.
    await page.getByRole('link', { name: 'Powiadomienia: 2 nieprzeczytane' }).click();
    await page.getByRole('link', { name: /^Wniosek przejrzany przez koordynatora/ }).click();
    await page.getByRole('button', { name: 'Rozstrzygnij wniosek: Asystent rodziny' }).click();
    const decision = page.getByRole('dialog', { name: 'Wniosek o zmianę: Asystent rodziny' });
    await decision.getByText('Zgodne z nowym harmonogramem OPS.', { exact: false }).waitFor();
    await screenshot(page, 'basket-08-decision');
    await decision.getByRole('button', { name: 'Zastosuj zmianę' }).click();
    // The card is published: a second, explicit confirmation before it changes.
    await decision.getByText('Opublikowana karta zmieni się od razu. Zastosować?').waitFor();
    await checkAccessibility(page, 'change request apply confirmation');
    await decision.getByRole('button', { name: 'Tak, zastosuj zmianę' }).click();
    await expect
      .poll(() => page.getByRole('button', { name: 'Rozstrzygnij wniosek: Asystent rodziny' }).count())
      .toBe(0);
    await page.getByLabel('Pokaż wnioski').selectOption('decided');
    await page.getByText('Uwzględniony', { exact: true }).waitFor();
    await page.getByRole('link', { name: 'Asystent rodziny' }).click();
    await expectHeading(page, 'Asystent rodziny');
    await page.getByText('pon.–pt. 8:00–18:00').waitFor();
    await signOut(page);

    await signIn(page, server.baseUrl, 'pracownik@kooperacja.demo');
    await page.getByRole('link', { name: /^Powiadomienia: 1/ }).click();
    await page.getByText(/^Twój wniosek został uwzględniony/).waitFor();
    await page.getByRole('button', { name: 'Oznacz wszystkie jako przeczytane' }).click();
    await page.getByRole('link', { name: 'Powiadomienia', exact: true }).waitFor();
    await signOut(page);
  });

  it('lets the coordinator edit the card, suspend it with a reason and publish it again', async () => {
    await signIn(page, server.baseUrl, 'koordynator@kooperacja.demo');
    await openFromNavigation(page, 'Koszyk usług');
    await page.getByLabel('Szukaj usługi').fill('logopedyczne');
    await page.getByRole('link', { name: NEW_SERVICE }).click();
    await expectHeading(page, NEW_SERVICE);
    await page.getByRole('link', { name: 'Edytuj' }).click();
    await expectHeading(page, `Edycja karty: ${NEW_SERVICE}`);
    await page.getByLabel('Liczba miejsc').fill('6 dzieci w tygodniu');
    // A wrong postal code is refused on its field, in Polish.
    await page.getByLabel('Kod pocztowy').fill('32020');
    await page.getByRole('button', { name: 'Zapisz' }).click();
    await page.getByText('Kod pocztowy w formacie 00-000.').waitFor();
    await checkAccessibility(page, 'service form (edit, errors)');
    await page.getByLabel('Kod pocztowy').fill('32-020');
    await page.getByRole('button', { name: 'Zapisz' }).click();
    await expectHeading(page, NEW_SERVICE);
    await page.getByText('6 dzieci w tygodniu').waitFor();

    await page.getByRole('button', { name: 'Zawieś' }).click();
    const dialog = page.getByRole('dialog', { name: 'Zawieś' });
    await dialog.getByRole('button', { name: 'Zawieś' }).click();
    await dialog.getByText('To pole jest wymagane.').waitFor();
    await dialog.getByLabel(/^Powód/).fill('Logopeda na zwolnieniu do końca miesiąca.');
    await checkAccessibility(page, 'suspend dialog');
    await dialog.getByRole('button', { name: 'Zawieś' }).click();
    await page.getByText('Zawieszona', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Opublikuj' }).click();
    await page.getByText('Opublikowana', { exact: true }).waitFor();
    await page.getByRole('cell', { name: 'zawieszenie' }).waitFor();
    await signOut(page);
  });

  it('reaches the basket search and a service with the keyboard alone', async () => {
    await signIn(page, server.baseUrl, 'pracownik@kooperacja.demo');
    const focused = () =>
      page.evaluate(() => {
        const element = document.activeElement as HTMLElement | null;
        const label = element?.id ? (document.querySelector(`label[for="${element.id}"]`)?.textContent ?? '') : '';
        return { tag: element?.tagName.toLowerCase() ?? '', text: (element?.textContent ?? '').trim(), label };
      });
    const tabTo = async (matches: (element: { tag: string; text: string; label: string }) => boolean) => {
      for (let i = 0; i < 60; i += 1) {
        await page.keyboard.press('Tab');
        if (matches(await focused())) return;
      }
      throw new Error('The element was not reached with Tab');
    };
    await tabTo((element) => element.tag === 'a' && element.text === 'Koszyk usług');
    await page.keyboard.press('Enter');
    await expectHeading(page, 'Koszyk usług');
    await tabTo((element) => element.tag === 'input' && element.label.startsWith('Szukaj usługi'));
    await page.keyboard.type('logopedyczne');
    // Tab on only once the search for the typed word has answered: the unfiltered list is on the
    // page before, and a list re-rendered under the focused link swallows the Enter.
    await page.waitForURL(/[?&]q=logopedyczne/);
    const results = page.getByRole('list', { name: 'Usługi w koszyku' });
    await expect
      .poll(async () => {
        const names = await results.getByRole('link').allTextContents();
        return names.length > 0 && names.every((name) => /logopedyczne/i.test(name));
      })
      .toBe(true);
    await tabTo((element) => element.tag === 'a' && element.text === NEW_SERVICE);
    await page.keyboard.press('Enter');
    await expectHeading(page, NEW_SERVICE);
    await signOut(page);
  });
});
