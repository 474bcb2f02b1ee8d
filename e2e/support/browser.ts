/**
 * Debian Chromium through playwright-core (nothing is downloaded), axe-core checks with a readable
 * report, screenshots into .tmp/screenshots/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from './server.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const DEMO_PASSWORD = 'Wieliczka-demo-2026';
const screenshotDir = path.join(repositoryRoot, '.tmp', 'screenshots');

/**
 * describe() when Chromium is installed. Without it: on CI a failing test with the reason; locally a
 * loud warning and a skipped suite (reported as skipped, never as passed).
 */
export function describeWithChromium(name: string, body: () => void): void {
  if (existsSync(CHROMIUM_PATH)) {
    describe(name, body);
    return;
  }
  const message = `E2E SKIPPED: Chromium not installed at ${CHROMIUM_PATH}; install with apt-get install chromium`;
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('needs Chromium', () => {
        throw new Error(`Chromium is required on CI: not found at ${CHROMIUM_PATH} (apt-get install chromium)`);
      });
    });
    return;
  }
  console.warn(`\n${'!'.repeat(100)}\n!!! ${message}\n${'!'.repeat(100)}\n`);
  describe.skip(name, body);
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Violations per page label, printed at the end of the run. */
export const axeSummary = new Map<string, number>();

/**
 * Waits for the page's finite animations and transitions (a dialog fading in, a menu sliding open) to
 * end, so that a check sees the colours the user ends up seeing, not a half-faded frame. Endless
 * animations (a spinner) are not waited for.
 */
export async function waitForAnimations(page: Page): Promise<void> {
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((animation) => Number.isFinite(animation.effect?.getComputedTiming().endTime ?? Infinity))
        .map((animation) => animation.finished.catch(() => undefined)),
    ),
  );
}

/** Runs axe (WCAG 2.1 A/AA) on the page once it is still, and fails softly with a readable list. */
export async function checkAccessibility(page: Page, label: string): Promise<void> {
  await waitForAnimations(page);
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  axeSummary.set(label, results.violations.length);
  const report = results.violations
    .map(
      (violation) =>
        `  [${violation.impact ?? '?'}] ${violation.id}: ${violation.help}\n` +
        violation.nodes
          .slice(0, 5)
          .map(
            (node) =>
              `      ${node.target.join(' ')}\n        ${node.failureSummary?.replace(/\n/g, '\n        ') ?? ''}`,
          )
          .join('\n'),
    )
    .join('\n');
  if (results.violations.length > 0) console.error(`axe violations on "${label}" (${page.url()}):\n${report}`);
  expect.soft(results.violations.length, `axe violations on "${label}":\n${report}`).toBe(0);
}

export function printAxeSummary(): void {
  const lines = [...axeSummary.entries()].map(([label, count]) => `  ${String(count).padStart(3)}  ${label}`);
  console.log(`axe-core (wcag2a, wcag2aa, wcag21a, wcag21aa) violations per page:\n${lines.join('\n')}`);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}

/** The page's one h1 has this text (waits for it). */
export async function expectHeading(page: Page, text: string | RegExp): Promise<void> {
  await page.getByRole('heading', { level: 1, name: text }).waitFor({ state: 'visible', timeout: 15_000 });
}

export async function signIn(page: Page, baseUrl: string, email: string): Promise<void> {
  await page.goto(`${baseUrl}/logowanie`);
  await expectHeading(page, 'Logowanie');
  await page.getByLabel('Adres e-mail').fill(email);
  await page.getByLabel(/^Hasło/).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Zaloguj się' }).click();
  // Lands on the page the visitor asked for before signing in, else home.
  await page.getByRole('navigation', { name: 'Nawigacja główna' }).waitFor();
}

export async function openFromNavigation(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Nawigacja główna' }).getByRole('link', { name, exact: true }).click();
  await expectHeading(page, name === 'Strona główna' ? /^Dzień dobry/ : name);
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: /^Menu użytkownika/ }).click();
  await page.getByRole('menuitem', { name: 'Wyloguj' }).click();
  await expectHeading(page, 'Logowanie');
}

/** Picks an option in a Mantine searchable select by typing and clicking the matching option. */
export async function chooseInSelect(
  page: Page,
  label: string,
  search: string,
  option: string | RegExp,
): Promise<void> {
  const input = page
    .getByRole('textbox', { name: label })
    .or(page.getByRole('combobox', { name: label }))
    .first();
  await input.click();
  await input.fill(search);
  await page.getByRole('option', { name: option }).first().click({ timeout: 15_000 });
}
