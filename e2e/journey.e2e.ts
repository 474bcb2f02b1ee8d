/**
 * The critical journey in the browser: a network coordinator registers an institution, finds it
 * without typing Polish letters, adds it to the demo partnership; the administrator sees those
 * actions in the audit log and verifies the chain; signing out closes the protected pages.
 * axe-core runs on every page visited.
 */
import { authenticator } from 'otplib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import {
  chooseInSelect,
  checkAccessibility,
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

const NEW_INSTITUTION = 'Poradnia Psychologiczno-Pedagogiczna w Wieliczce';
const PARTNERSHIP = 'Partnerski Zespół Kooperacyjny Gminy Wieliczka';

describeWithChromium('journey: institution -> partnership -> audit', () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    context = await browser.newContext({ locale: 'pl-PL', viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    page.on('pageerror', (error) => console.error('page error:', error.message));
  });

  // The steps build on each other: after a broken step (not a soft axe finding) the rest are skipped.
  let isBroken = false;
  beforeEach(({ skip, onTestFailed }) => {
    if (isBroken) skip();
    onTestFailed(({ task }) => {
      const errors = task.result?.errors ?? [];
      if (
        errors.some(
          (error) =>
            !String(error.message).startsWith('axe violations') && !String(error.message).startsWith('page width'),
        )
      ) {
        isBroken = true;
      }
    });
  });

  afterAll(async () => {
    printAxeSummary();
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  it('sends a visitor of a protected page to sign-in', async () => {
    await page.goto(`${server.baseUrl}/instytucje`);
    await expectHeading(page, 'Logowanie');
    expect(await page.title()).toBe('Logowanie – Kooperacja');
    expect(await page.getAttribute('html', 'lang')).toBe('pl');
    await checkAccessibility(page, 'sign-in');
    await screenshot(page, '01-sign-in');
  });

  it('refuses a wrong password with the message in Polish', async () => {
    await page.getByLabel('Adres e-mail').fill('koordynator@kooperacja.demo');
    await page.getByLabel(/^Hasło/).fill('nie-to-haslo-123');
    await page.getByRole('button', { name: 'Zaloguj się' }).click();
    await page.getByText('Nieprawidłowy e-mail lub hasło.').waitFor();
    await checkAccessibility(page, 'sign-in with error');
  });

  it('signs the coordinator in to the home page', async () => {
    await signIn(page, server.baseUrl, 'koordynator@kooperacja.demo');
    expect(new URL(page.url()).pathname, 'back to the page asked for before sign-in').toBe('/instytucje');
    await openFromNavigation(page, 'Strona główna');
    await page.getByText(/Działasz jako: Pracownik ds\. sieci/).waitFor();
    await page
      .getByText(/\d+ partnerstw/)
      .first()
      .waitFor();
    await checkAccessibility(page, 'home');
    await screenshot(page, '02-home');
  });

  it('finds Łódź by typing "lodz" and shows its units', async () => {
    await page.getByRole('navigation', { name: 'Nawigacja główna' }).getByRole('link', { name: 'Terytoria' }).click();
    await expectHeading(page, 'Terytoria');
    await page.getByLabel('Nazwa jednostki').fill('lodz');
    const lodz = page.getByRole('link', { name: 'Łódź', exact: true }).first();
    await lodz.waitFor();
    await checkAccessibility(page, 'territories');
    await lodz.click();
    await expectHeading(page, 'Łódź');
    await page.getByRole('heading', { name: 'Jednostki podrzędne' }).waitFor();
    await checkAccessibility(page, 'territory detail');
  });

  it('creates an institution', async () => {
    await page.getByRole('navigation', { name: 'Nawigacja główna' }).getByRole('link', { name: 'Instytucje' }).click();
    await expectHeading(page, 'Instytucje');
    await page.getByRole('table').waitFor();
    await checkAccessibility(page, 'institutions list');
    await page.getByRole('link', { name: 'Nowa instytucja' }).click();
    await expectHeading(page, 'Nowa instytucja');
    await checkAccessibility(page, 'institution form (empty)');

    // Submitting empty shows field errors tied to the inputs.
    await page.getByRole('button', { name: 'Dodaj instytucję' }).click();
    const nameInput = page.getByRole('textbox', { name: 'Nazwa', exact: true });
    await expect.poll(() => nameInput.getAttribute('aria-invalid')).toBe('true');
    await checkAccessibility(page, 'institution form (errors)');
    await screenshot(page, '03-institution-form-errors');

    await nameInput.fill(NEW_INSTITUTION);
    await page.getByLabel('Nazwa skrócona').fill('PPP Wieliczka');
    await page.getByLabel('Rodzaj').selectOption('psychologicalPedagogicalClinic');
    await page.getByLabel('Sektor').selectOption('public');
    await page.getByRole('checkbox', { name: 'Edukacja i wychowanie' }).check();
    await page.getByRole('checkbox', { name: 'Zdrowie' }).check();
    await chooseInSelect(page, 'Gmina', 'Wieliczka', /^Wieliczka – gmina miejsko-wiejska/);
    await page.getByLabel('Ulica i numer').fill('ul. Jedynaka 2');
    await page.getByLabel('Kod pocztowy').fill('32-020');
    await page.getByLabel('Miejscowość').fill('Wieliczka');
    await page.getByRole('textbox', { name: 'E-mail' }).fill('sekretariat@ppp.wieliczka.example');
    await page.getByRole('textbox', { name: 'Telefon' }).fill('12 278 33 33');
    await page.getByRole('button', { name: 'Dodaj osobę do kontaktu' }).click();
    await page.getByLabel('Imię i nazwisko').fill('Zofia Łęcka');
    await page.getByLabel('Stanowisko lub funkcja').fill('dyrektorka poradni');
    await checkAccessibility(page, 'institution form (filled)');
    await screenshot(page, '04-institution-form-filled');
    await page.getByRole('button', { name: 'Dodaj instytucję' }).click();

    await expectHeading(page, NEW_INSTITUTION);
    await page.getByRole('cell', { name: 'dyrektorka poradni' }).waitFor();
    await checkAccessibility(page, 'institution detail');
    await screenshot(page, '05-institution-detail');
  });

  it('finds the new institution by a search typed without diacritics', async () => {
    await page.getByRole('link', { name: 'Wróć do listy instytucji' }).click();
    await expectHeading(page, 'Instytucje');
    await page.getByLabel('Szukaj po nazwie').fill('poradnia psychologiczno wieliczce');
    const row = page.getByRole('link', { name: NEW_INSTITUTION });
    await row.waitFor();
    await expect.poll(() => page.getByRole('table').getByRole('link').count()).toBe(1);
    await checkAccessibility(page, 'institutions list (search)');
    await screenshot(page, '06-institutions-search');
  });

  it('adds the institution to the demo partnership and changes its status', async () => {
    await page.getByRole('navigation', { name: 'Nawigacja główna' }).getByRole('link', { name: 'Partnerstwa' }).click();
    await expectHeading(page, 'Partnerstwa');
    await page.getByRole('link', { name: PARTNERSHIP }).waitFor();
    await checkAccessibility(page, 'partnerships list');
    await page.getByRole('link', { name: PARTNERSHIP }).click();
    await expectHeading(page, PARTNERSHIP);
    await checkAccessibility(page, 'partnership detail');

    await page.getByRole('link', { name: 'Dodaj instytucję' }).click();
    await expectHeading(page, /^Dodaj instytucję/);
    await checkAccessibility(page, 'add member form');
    await chooseInSelect(page, 'Instytucja', 'poradnia psychologiczno', new RegExp(`^${NEW_INSTITUTION}`));
    await page.getByLabel('Status').selectOption('participating');
    await page.getByLabel('Imię i nazwisko przedstawiciela').fill('Zofia Łęcka');
    await page.getByRole('button', { name: 'Dodaj instytucję' }).click();

    await expectHeading(page, PARTNERSHIP);
    const memberRow = page.getByRole('row').filter({ hasText: NEW_INSTITUTION });
    await memberRow.getByText('Uczestniczy').waitFor();
    await screenshot(page, '07-partnership-detail');

    await memberRow.getByRole('link', { name: /Zmień status/ }).click();
    await expectHeading(page, /^Członek partnerstwa/);
    await checkAccessibility(page, 'member status form');
    // "Declared" needs a date: the server's field error lands on the date input.
    await page.getByLabel('Status').selectOption('declared');
    await page.getByRole('button', { name: 'Zapisz' }).click();
    const dateInput = page.getByRole('textbox', { name: /^Data deklaracji przystąpienia/ });
    await page.getByText('Podaj datę złożenia deklaracji.').first().waitFor();
    await expect.poll(() => dateInput.getAttribute('aria-invalid')).toBe('true');
    await checkAccessibility(page, 'member status form (server error)');
    await screenshot(page, '07b-member-server-error');
    await dateInput.fill('20.11.2026');
    await page.getByRole('button', { name: 'Zapisz' }).click();
    await expectHeading(page, PARTNERSHIP);
    const updatedRow = page.getByRole('row').filter({ hasText: NEW_INSTITUTION });
    await updatedRow.getByText('Złożyła deklarację').waitFor();
    await updatedRow.getByText('20.11.2026').waitFor();
  });

  it('shows the account page', async () => {
    await page.getByRole('button', { name: /^Menu użytkownika/ }).click();
    await page.getByRole('menuitem', { name: 'Moje konto' }).click();
    await expectHeading(page, 'Moje konto');
    await page.getByRole('button', { name: 'Wyloguj z innych urządzeń' }).waitFor();
    await page.getByText('ta sesja').waitFor();
    await checkAccessibility(page, 'account');
  });

  it('signs out; going back to a protected page lands on sign-in', async () => {
    await signOut(page);
    await page.goBack();
    await expectHeading(page, 'Logowanie');
    await page.goto(`${server.baseUrl}/partnerstwa`);
    await expectHeading(page, 'Logowanie');
  });

  it('lets the administrator see those actions in the audit log and verify the chain', async () => {
    await signIn(page, server.baseUrl, 'admin@kooperacja.demo');
    await openFromNavigation(page, 'Strona główna');
    await checkAccessibility(page, 'home (admin)');
    await page
      .getByRole('navigation', { name: 'Nawigacja główna' })
      .getByRole('link', { name: 'Dziennik zdarzeń' })
      .click();
    await expectHeading(page, 'Dziennik zdarzeń');
    const table = page.getByRole('table');
    await table.waitFor();
    for (const action of ['institution.create', 'partnership.member.add', 'partnership.member.update']) {
      await table.getByText(action, { exact: true }).first().waitFor();
    }
    await checkAccessibility(page, 'audit log');
    // The action filter speaks Polish: typed words find the action, chosen from the list.
    await page.getByRole('textbox', { name: 'Działanie' }).fill('dodanie instytucji');
    await page.getByRole('option', { name: 'Dodanie instytucji do rejestru' }).click();
    expect(await page.getByRole('textbox', { name: 'Działanie' }).inputValue()).toBe('Dodanie instytucji do rejestru');
    await page.getByRole('button', { name: 'Filtruj' }).click();
    await expect.poll(async () => (await table.getByText('partnership.member.add').count()) === 0).toBe(true);
    await table.getByText('Łukasz Żółkiewski').first().waitFor();
    await page.getByRole('button', { name: 'Sprawdź integralność' }).click();
    await page.getByText('Dziennik jest nienaruszony').waitFor();
    await checkAccessibility(page, 'audit log (verified)');
    await screenshot(page, '08-audit');
  });

  it('lets the administrator manage users', async () => {
    await page.getByRole('navigation', { name: 'Nawigacja główna' }).getByRole('link', { name: 'Użytkownicy' }).click();
    await expectHeading(page, 'Użytkownicy');
    await page.getByRole('link', { name: 'Łukasz Żółkiewski' }).waitFor();
    await checkAccessibility(page, 'users list');
    await page.getByRole('link', { name: 'Łukasz Żółkiewski' }).click();
    await expectHeading(page, 'Łukasz Żółkiewski');
    await page.getByRole('button', { name: 'Zakończ wszystkie sesje' }).waitFor();
    await checkAccessibility(page, 'user detail');
    await screenshot(page, '09-user-detail');
    await page.getByRole('link', { name: 'Wróć do listy użytkowników' }).click();
    await page.getByRole('link', { name: 'Nowy użytkownik' }).click();
    await expectHeading(page, 'Nowy użytkownik');
    await checkAccessibility(page, 'user form');
    await page.getByLabel(/^Imię i nazwisko/).fill('Jadwiga Ścibor');
    await page.getByRole('textbox', { name: /^Adres e-mail/ }).fill('jadwiga.scibor@ppp.wieliczka.example');
    await page.getByLabel(/^Hasło tymczasowe/).fill('Tymczasowe-haslo-2026');
    await chooseInSelect(page, 'Instytucja', 'poradnia', new RegExp(`^${NEW_INSTITUTION}`));
    await page.getByLabel(/^Rola/).selectOption('partnerRepresentative');
    await page.getByRole('button', { name: 'Utwórz konto' }).click();
    await expectHeading(page, 'Jadwiga Ścibor');
    await page.getByRole('cell', { name: 'Przedstawiciel partnera', exact: true }).waitFor();
  });

  it('lets the administrator found a partnership with two coordinators', async () => {
    await openFromNavigation(page, 'Partnerstwa');
    await page.getByRole('link', { name: 'Nowe partnerstwo' }).click();
    await expectHeading(page, 'Nowe partnerstwo');
    await checkAccessibility(page, 'partnership form');
    const name = 'Partnerski Zespół Kooperacyjny Osiedla Krzyszkowice';
    await page.getByRole('textbox', { name: /^Nazwa/ }).fill(name);
    await chooseInSelect(page, 'Gmina', 'wieliczka', /^Wieliczka – gmina miejsko-wiejska/);
    await page.getByLabel('Obszar działania').fill('Osiedle Krzyszkowice');
    await page.getByLabel('Wariant modelu').selectOption('urban3d');
    await page.getByRole('textbox', { name: /^Data utworzenia/ }).fill('01.12.2026');
    await page.getByRole('textbox', { name: /^Koordynatorzy/ }).click();
    await page.getByRole('option', { name: /^Łukasz Żółkiewski/ }).click();
    await page.keyboard.press('Escape');
    await checkAccessibility(page, 'partnership form (filled)');
    await page.getByRole('button', { name: 'Utwórz partnerstwo' }).click();
    await expectHeading(page, name);
    await page.getByText('Łukasz Żółkiewski (od').waitFor();
    await page.getByText('Anna Administratorska (od').waitFor();
    await page.getByText('01.12.2026').first().waitFor();
    await screenshot(page, '09b-new-partnership');
  });

  it('shows the accessibility statement from the footer, also in English', async () => {
    await page.getByRole('contentinfo').getByRole('link', { name: 'Deklaracja dostępności' }).click();
    await expectHeading(page, 'Deklaracja dostępności');
    await checkAccessibility(page, 'accessibility statement');
    await screenshot(page, '10-accessibility-statement');
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await expectHeading(page, 'Accessibility statement');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await checkAccessibility(page, 'accessibility statement (en)');
    await page.getByRole('button', { name: 'Przełącz na język polski' }).click();
    await expectHeading(page, 'Deklaracja dostępności');
  });

  it('makes a new user set their own password at first sign-in', async () => {
    await signOut(page);
    await page.getByLabel('Adres e-mail').fill('jadwiga.scibor@ppp.wieliczka.example');
    await page.getByLabel(/^Hasło/).fill('Tymczasowe-haslo-2026');
    await page.getByRole('button', { name: 'Zaloguj się' }).click();
    await expectHeading(page, 'Zmiana hasła');
    await checkAccessibility(page, 'forced password change');
    await page.getByLabel(/^Obecne hasło/).fill('Tymczasowe-haslo-2026');
    await page.getByLabel(/^Nowe hasło/).fill('krótkie');
    await page.getByRole('button', { name: 'Zmień hasło' }).click();
    await page.getByText('Hasło musi mieć co najmniej 10 znaków.').waitFor();
    await page.getByLabel(/^Nowe hasło/).fill('Solna Góra nad Wieliczką');
    await page.getByRole('button', { name: 'Zmień hasło' }).click();
    await expectHeading(page, 'Dzień dobry, Jadwiga Ścibor');
    await page.getByText(/Działasz jako: Przedstawiciel partnera/).waitFor();
  });

  it('enrols a second factor and signs in with a recovery code', async () => {
    await page.getByRole('button', { name: /^Menu użytkownika/ }).click();
    await page.getByRole('menuitem', { name: 'Moje konto' }).click();
    await expectHeading(page, 'Moje konto');
    await page.getByRole('button', { name: 'Włącz drugi składnik' }).click();
    const secret = (
      await page
        .getByText(/^[A-Z2-7]{16,}$/)
        .first()
        .innerText()
    ).trim();
    await page.getByText(/^otpauth:\/\//).waitFor();
    await checkAccessibility(page, 'account (TOTP enrolment)');
    await page.getByLabel(/^Kod z aplikacji/).fill(authenticator.generate(secret));
    await page.getByRole('button', { name: 'Potwierdź i włącz' }).click();
    const codes = page.getByRole('status').filter({ hasText: 'Drugi składnik jest włączony' }).getByRole('listitem');
    await codes.first().waitFor();
    const recoveryCode = (await codes.first().innerText()).trim();
    await page.getByRole('button', { name: 'Wyłącz drugi składnik' }).waitFor();
    await checkAccessibility(page, 'account (recovery codes)');
    await screenshot(page, '12-recovery-codes');

    await signOut(page);
    await page.getByLabel('Adres e-mail').fill('jadwiga.scibor@ppp.wieliczka.example');
    await page.getByLabel(/^Hasło/).fill('Solna Góra nad Wieliczką');
    await page.getByRole('button', { name: 'Zaloguj się' }).click();
    await expectHeading(page, 'Potwierdź logowanie');
    await checkAccessibility(page, 'sign-in second factor');
    await page.getByRole('button', { name: /użyj kodu zapasowego/ }).click();
    await page.getByLabel(/^Kod zapasowy/).fill(recoveryCode);
    await page.getByRole('button', { name: 'Potwierdź' }).click();
    // After an explicit sign-out the next sign-in starts at home, not on the previous user's page.
    await expectHeading(page, 'Dzień dobry, Jadwiga Ścibor');
    await signOut(page);
    await signIn(page, server.baseUrl, 'admin@kooperacja.demo');
  });

  it('reflows at 320 px without horizontal scrolling', async () => {
    await page.setViewportSize({ width: 320, height: 700 });
    for (const [name, pathname] of [
      ['home', '/'],
      ['institutions', '/instytucje'],
      ['audit', '/dziennik-zdarzen'],
    ]) {
      await page.goto(`${server.baseUrl}${pathname}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page
        .getByRole('status')
        .waitFor({ state: 'detached' })
        .catch(() => undefined);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect.soft(width, `page width at 320 px on ${pathname}`).toBeLessThanOrEqual(320);
      await page.screenshot({ path: `.tmp/screenshots/11-${name}-320px.png` });
      await checkAccessibility(page, `${name} (320 px)`);
    }
    await signOut(page);
  });
});
