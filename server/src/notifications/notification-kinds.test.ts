/**
 * The personal-data rule of notifications, checked over every kind the app's modules declare: no
 * free-text parameter, strict parameters, links that hold ids only, an e-mail of fixed text and a
 * link, and an in-app message in both languages that uses declared parameters only.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
// The harness builds whole apps, so importing it loads every module and thereby every kind.
import '../testing/test-app.js';
import {
  composeNotificationEmail,
  notificationParamTypes,
  presentNotificationParams,
  registeredNotificationKinds,
  type NotificationKindDefinition,
} from './notification-kinds.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const serverSource = path.resolve(here, '..');
const messages = (language: 'pl' | 'en') =>
  JSON.parse(readFileSync(path.resolve(here, `../../../web/src/i18n/${language}.json`), 'utf8')) as object;

/** Words that would name a person or carry case content; no parameter may be called so. */
const personalWords =
  /name|mail|phone|address|pesel|birth|note|reason|comment|description|text|message|family|person|child|case|client|detail/i;
/** The only names a public-name parameter may have: services, partnerships and institutions. */
const publicNameFields = /^(service|partnership|institution|[a-z]+Institution)Name$/;
const freeText = 'Rodzina Kowalskich, ul. Lipowa 5: przemoc domowa, dzieci pod nadzorem kuratora';

function typeOf(schema: unknown): string | undefined {
  return notificationParamTypes.get(schema as z.ZodType)?.notificationParam;
}

function sampleParams(definition: NotificationKindDefinition): Record<string, unknown> {
  const sample: Record<string, unknown> = {};
  for (const [field, schema] of Object.entries(definition.params.shape)) {
    const type = typeOf(schema);
    if (type === 'recordId') sample[field] = randomUUID();
    else if (type === 'count') sample[field] = 7;
    else if (type === 'publicName') sample[field] = `Klub „${field}” ŻĄĆ`;
    else if (type === 'choice') sample[field] = (schema as z.ZodEnum).options[0];
  }
  return sample;
}

function lookUp(tree: object, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], tree);
}

const kinds = registeredNotificationKinds();

describe('notification kinds', () => {
  it('are declared by the domains, each under its own folder name', () => {
    // Not vacuous: the basket and accounts declare six kinds today.
    expect(kinds.length).toBeGreaterThanOrEqual(6);
    const domains = new Set(readdirSync(serverSource));
    for (const definition of kinds) {
      const [domain] = definition.kind.split('.');
      expect(domains, definition.kind).toContain(domain);
      expect(domain, definition.kind).not.toBe('notifications');
    }
  });

  describe.each(kinds.map((definition) => [definition.kind, definition] as const))('%s', (_kind, definition) => {
    it('has parameters from the vocabulary only: ids, counts, fixed choices, public names', () => {
      for (const [field, schema] of Object.entries(definition.params.shape)) {
        const type = typeOf(schema);
        expect(type, `${field} is not built by notificationParam`).toBeDefined();
        if (type === 'publicName') expect(field).toMatch(publicNameFields);
        else expect(field, `${field} sounds like personal data`).not.toMatch(personalWords);
      }
    });

    it('refuses an extra parameter and free text in any parameter but a public name', () => {
      const sample = sampleParams(definition);
      expect(definition.params.safeParse(sample).success).toBe(true);
      expect(definition.params.safeParse({ ...sample, familyName: 'Kowalska' }).success).toBe(false);
      for (const [field, schema] of Object.entries(definition.params.shape)) {
        if (typeOf(schema) === 'publicName') continue;
        expect(definition.params.safeParse({ ...sample, [field]: freeText }).success, field).toBe(false);
      }
      // The list answers only declared parameters, whatever a stored row holds.
      expect(presentNotificationParams(definition.kind, { ...sample, familyName: 'Kowalska' })).toEqual(sample);
    });

    it('links inside the app by ids, never by a name', () => {
      const sample = sampleParams(definition);
      const link = definition.link(definition.params.parse(sample));
      expect(link).toMatch(/^\/[^/]/);
      for (const [field, value] of Object.entries(sample)) {
        if (typeOf(definition.params.shape[field]) === 'publicName') expect(link).not.toContain(String(value));
      }
    });

    it('e-mails its fixed text and the link, nothing else', () => {
      const link = 'https://kooperacja.example.gov.pl/powiadomienia';
      const { subject, text } = composeNotificationEmail(definition, link);
      expect(subject).toBe(definition.email.subject);
      expect(text.split('\n')).toEqual([
        'Dzień dobry,',
        '',
        definition.email.lead,
        '',
        `Szczegóły (po zalogowaniu): ${link}`,
        '',
        'Wiadomość wysłana automatycznie przez Kooperację. Nie odpowiadaj na nią.',
      ]);
      expect(`${definition.email.subject}${definition.email.lead}`).not.toMatch(/\{|\}|„/);
    });

    it('has an in-app message in Polish and English that uses declared parameters only', () => {
      for (const language of ['pl', 'en'] as const) {
        const message = lookUp(messages(language), definition.messageKey);
        expect(typeof message, `${language}: ${definition.messageKey}`).toBe('string');
        const used = [...String(message).matchAll(/\{\{\s*(\w+)/g)].map((match) => match[1]);
        for (const name of used) expect(Object.keys(definition.params.shape), `${language}: ${name}`).toContain(name);
      }
    });
  });
});
