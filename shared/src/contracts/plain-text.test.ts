/**
 * docs/security.md §20: every string a request carries refuses NUL, the other control characters and
 * lone surrogates at the edge (PostgreSQL cannot store them; before, they reached the database
 * and came back as a 500). The walk below visits every field of every exported request schema
 * (names ending in Input, Query or Params), nested objects and arrays included, so a new field
 * declared with a bare z.string() fails here.
 */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import * as contracts from './index.js';
import { CreateServiceInput } from './basket.js';
import { CreateInstitutionInput } from './institutions.js';
import { MultiLineText, OptionalText, Text, isPlainText } from './common.js';

/** What the walk reads of a zod 4 schema: its definition and safeParse. */
type AnySchema = { _zod: { def: { type: string; [key: string]: unknown } }; safeParse: z.ZodType['safeParse'] };

const wrapperTypes = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);

/** The object schemas reachable from a field without passing through another object's fields. */
function objectsInside(schema: AnySchema): AnySchema[] {
  const def = schema._zod.def;
  if (def.type === 'object') return [schema];
  if (wrapperTypes.has(def.type)) return objectsInside(def.innerType as AnySchema);
  if (def.type === 'pipe') return objectsInside(def.in as AnySchema);
  if (def.type === 'array') return objectsInside(def.element as AnySchema);
  if (def.type === 'union') return (def.options as AnySchema[]).flatMap(objectsInside);
  return [];
}

/** Every field of the object schemas inside `schema`, by dotted path. */
function fieldsOf(schema: AnySchema, path: string): Array<{ path: string; schema: AnySchema }> {
  return objectsInside(schema).flatMap((object) =>
    Object.entries(object._zod.def.shape as Record<string, AnySchema>).flatMap(([key, field]) => [
      { path: `${path}.${key}`, schema: field },
      ...fieldsOf(field, `${path}.${key}`),
    ]),
  );
}

const requestSchemas = Object.entries(contracts)
  .filter(([name, value]) => /(Input|Query|Params)$/.test(name) && typeof value === 'object' && '_zod' in value)
  .map(([name, value]) => [name, value as unknown as AnySchema] as const);
const fields = requestSchemas.flatMap(([name, schema]) => fieldsOf(schema, name));

const hostileValues = ['Łódź\u0000', 'a\u0000b', '\u0000', 'MOPS \ud800', 'a\u0001b', 'a\u007fb', 'a\u0085b'];

describe('every string field of every request schema', () => {
  it('walks the request schemas, nested contacts and search words included', () => {
    expect(requestSchemas.length).toBeGreaterThan(25);
    const paths = fields.map((f) => f.path);
    expect(paths).toContain('CreateInstitutionInput.contacts.name');
    expect(paths).toContain('UserSearchInput.q');
    expect(paths).toContain('CreateChangeRequestInput.proposal.description');
    expect(paths).toContain('LoginInput.password');
  });

  it.each(fields.map((f) => [f.path, f.schema] as const))(
    '%s refuses NUL and other control characters',
    (_, schema) => {
      for (const value of hostileValues) {
        expect(schema.safeParse(value).success, JSON.stringify(value)).toBe(false);
        expect(schema.safeParse([value]).success, JSON.stringify([value])).toBe(false);
      }
    },
  );
});

describe('the text primitive', () => {
  it('names the field and the reason', () => {
    const result = CreateInstitutionInput.safeParse({
      name: 'Gminny Ośrodek\u0000 Pomocy',
      kind: 'gops',
      sector: 'public',
      cooperationAreas: [],
      territoryCode: '1061011',
      contacts: [{ name: 'Anna\u0000 Nowak' }],
    });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['name', 'controlCharacter'],
      ['contacts.0.name', 'controlCharacter'],
    ]);
  });

  it('allows tab and line breaks only in multi-line fields', () => {
    expect(MultiLineText(100).safeParse('Poniedziałek 8–16\r\nWtorek\t10–18').success).toBe(true);
    expect(Text(100).safeParse('Poniedziałek\nWtorek').success).toBe(false);
    expect(Text(100).safeParse('Pomoc\tprawna').success).toBe(false);
    expect(CreateServiceInput.shape.description.safeParse('Pierwsza linia\nDruga linia').success).toBe(true);
    expect(CreateServiceInput.shape.name.safeParse('Pierwsza linia\nDruga linia').success).toBe(false);
  });

  it('keeps ordinary Polish text, emoji and surrounding whitespace trimming', () => {
    expect(Text(100).parse('  Ośrodek Pomocy Społecznej w Łodzi 😀 ')).toBe('Ośrodek Pomocy Społecznej w Łodzi 😀');
    expect(OptionalText(100).parse(' \n ')).toBeNull();
    expect(isPlainText('Zażółć gęślą jaźń')).toBe(true);
    expect(isPlainText('a\u009fb')).toBe(false);
    expect(isPlainText('\udc00')).toBe(false);
    expect(isPlainText('a\nb', { isMultiLine: true })).toBe(true);
    expect(isPlainText('a\u0000b', { isMultiLine: true })).toBe(false);
  });
});
