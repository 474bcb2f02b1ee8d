/**
 * The shared error map as a person meets it: each zod problem of the shared contracts in the words
 * the forms and the API show, with the limit, an example, or "required" only where a value is due.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CreateServiceInput } from './contracts/basket.js';
import { IsoDate, Email, OptionalText, Text } from './contracts/common.js';
import { describeIssue, installZodErrorMap } from './field-messages.js';

installZodErrorMap();

function messagesOf(schema: z.ZodType, value: unknown) {
  const result = schema.safeParse(value);
  if (result.success) return null;
  return result.error.issues.map((issue) => ({
    path: issue.path.join('.'),
    ...describeIssue(issue as Parameters<typeof describeIssue>[0]),
  }));
}

function polishOf(schema: z.ZodType, value: unknown): string | undefined {
  return messagesOf(schema, value)?.[0]?.messages.pl;
}

describe('the shared Polish error map', () => {
  it('asks for at least one choice when a list is empty', () => {
    const schema = z.object({ targetGroups: z.array(z.string()).min(1) });
    expect(polishOf(schema, { targetGroups: [] })).toBe('Wybierz co najmniej jedną pozycję.');
    expect(messagesOf(schema, { targetGroups: [] })?.[0]?.messages.en).toBe('Choose at least one item.');
  });

  it('names the limit with the right Polish plural', () => {
    expect(polishOf(z.array(z.string()).min(2), [])).toBe('Wybierz co najmniej 2 pozycje.');
    expect(polishOf(z.array(z.string()).max(5), ['a', 'b', 'c', 'd', 'e', 'f'])).toBe('Wybierz najwyżej 5 pozycji.');
    expect(polishOf(Text(200), 'x'.repeat(201))).toBe('Tekst jest za długi: najwyżej 200 znaków.');
    expect(polishOf(Text(22), 'x'.repeat(23))).toBe('Tekst jest za długi: najwyżej 22 znaki.');
    expect(polishOf(z.string().min(10), 'krótkie')).toBe('Wpisz co najmniej 10 znaków.');
    expect(polishOf(z.number().int().min(0).max(3650), 4000)).toBe('Wpisz liczbę nie większą niż 3650.');
    expect(polishOf(z.number().int().min(0), -1)).toBe('Wpisz liczbę nie mniejszą niż 0.');
  });

  it('says "Wpisz liczbę" for text where a number is due, and not "required"', () => {
    const described = messagesOf(z.object({ days: z.number().nullable().optional() }), { days: 'dwa' });
    expect(described?.[0]).toMatchObject({ path: 'days', code: 'invalid_type' });
    expect(described?.[0]?.messages).toEqual({ pl: 'Wpisz liczbę.', en: 'Enter a number.' });
    expect(polishOf(z.number().int(), 2.5)).toBe('Wpisz liczbę całkowitą.');
  });

  it('tells an impossible date from a badly written one, with a real date as the example', () => {
    expect(polishOf(IsoDate, '2026-02-31')).toBe('Taka data nie istnieje; np. 28.02.2026.');
    expect(polishOf(IsoDate, '2028-02-30')).toBe('Taka data nie istnieje; np. 29.02.2028.');
    expect(polishOf(IsoDate, '2026-04-31')).toBe('Taka data nie istnieje; np. 30.04.2026.');
    expect(polishOf(IsoDate, 'jutro')).toBe('Wpisz datę jako dd.mm.rrrr, np. 28.02.2026.');
    expect(polishOf(IsoDate, '2026-13-01')).toBe('Wpisz datę jako dd.mm.rrrr, np. 28.02.2026.');
  });

  it('shows an example of a good e-mail address', () => {
    expect(polishOf(Email, 'jan.kowalski@')).toBe('Wpisz poprawny adres e-mail, np. jan.kowalski@ops.pl.');
  });

  it('says "required" only where a value is due, never for an optional field left empty', () => {
    const schema = z.object({ name: Text(200), note: OptionalText(100) });
    expect(messagesOf(schema, { note: null })).toEqual([
      { path: 'name', code: 'required', messages: { pl: 'To pole jest wymagane.', en: 'This field is required.' } },
    ]);
    expect(messagesOf(schema, { name: 'Punkt', note: '' })).toBeNull();
    expect(messagesOf(schema, { name: 'Punkt', note: null })).toBeNull();
    expect(messagesOf(schema, { name: 'Punkt' })).toBeNull();
    // A required text of spaces only is empty, not missing.
    expect(polishOf(schema, { name: '   ' })).toBe('To pole nie może być puste.');
  });

  it('keeps the key a schema names (postal code, control characters)', () => {
    const postal = CreateServiceInput.shape.postalCode;
    expect(messagesOf(postal, '32020')?.[0]).toMatchObject({
      code: 'postalCode',
      messages: { pl: 'Kod pocztowy w formacie 00-000.' },
    });
    expect(messagesOf(Text(50), 'a\u0000b')?.[0]?.code).toBe('controlCharacter');
  });

  it('reads a final issue without the map installed from its code and parameters', () => {
    expect(describeIssue({ code: 'too_big', origin: 'string', maximum: 120, message: 'Too big' }).messages.pl).toBe(
      'Tekst jest za długi: najwyżej 120 znaków.',
    );
    expect(
      describeIssue({
        code: 'invalid_type',
        expected: 'string',
        message: 'Invalid input: expected string, received undefined',
      }),
    ).toMatchObject({ code: 'required' });
    expect(describeIssue({ code: 'invalid_value', message: 'Invalid option' }).messages.pl).toBe(
      'Wybierz wartość z listy.',
    );
  });
});
