/**
 * Polish plural forms (one / few / many, plus "other" for fractions): every counted text has all of
 * them in Polish, the English file has the same keys, and the forms read right for the counts where
 * Polish changes the noun (1 wynik, 2 wyniki, 5 wyników, 12 wyników, 22 wyniki).
 */
import { createInstance } from 'i18next';
import { describe, expect, it } from 'vitest';
import pl from './pl.json';
import en from './en.json';

type Tree = { [key: string]: string | string[] | Tree };
const flatten = (tree: Tree, prefix = ''): Record<string, string> =>
  Object.fromEntries(
    Object.entries(tree).flatMap(([key, value]) =>
      typeof value === 'string' || Array.isArray(value)
        ? [[`${prefix}${key}`, String(value)]]
        : Object.entries(flatten(value, `${prefix}${key}.`)),
    ),
  );
const plKeys = flatten(pl as unknown as Tree);
const enKeys = flatten(en as unknown as Tree);
const pluralBases = [
  ...new Set(
    Object.keys(plKeys)
      .filter((k) => k.endsWith('_one'))
      .map((k) => k.slice(0, -4)),
  ),
];

async function translator(language: 'pl' | 'en') {
  const i18n = createInstance();
  await i18n.init({ lng: language, resources: { pl: { translation: pl }, en: { translation: en } } });
  return i18n.t.bind(i18n);
}

describe('plural forms', () => {
  it('has one, few, many and other in Polish for every counted text, and the same keys in English', () => {
    expect(pluralBases.length).toBeGreaterThan(10);
    for (const base of pluralBases) {
      for (const form of ['one', 'few', 'many', 'other'])
        expect(plKeys[`${base}_${form}`], `${base}_${form}`).toBeTruthy();
    }
    expect(
      Object.keys(enKeys)
        .filter((k) => !/_(few|many)$/.test(k))
        .sort(),
    ).toEqual(
      Object.keys(plKeys)
        .filter((k) => !/_(few|many)$/.test(k))
        .sort(),
    );
  });

  it('uses a different word for "few" and "many" wherever Polish does', () => {
    // "dni" is the same for 2 and 5 days; every other counted noun here changes.
    for (const base of pluralBases.filter((b) => !b.endsWith('.days'))) {
      expect(plKeys[`${base}_few`], base).not.toBe(plKeys[`${base}_many`]);
    }
  });

  it('picks the right form for 1, 2, 5, 12, 22 and 25', async () => {
    const t = await translator('pl');
    const base = pluralBases.find((b) => b.endsWith('results'))!;
    expect([1, 2, 5, 12, 22, 25].map((count) => t(base, { count }))).toEqual([
      '1 wynik',
      '2 wyniki',
      '5 wyników',
      '12 wyników',
      '22 wyniki',
      '25 wyników',
    ]);
    const english = await translator('en');
    expect([1, 2].map((count) => english(base, { count }))).toEqual(['1 result', '2 results']);
  });
});
