/**
 * Names of the languages a service is offered in, by ISO 639-1 code, in Polish and English: what a
 * card shows instead of "pl, uk" (issue 8 §5), in the app, on the public page and in open data.
 * An explicit map rather than Intl.DisplayNames: the same words on the server and in every browser,
 * whatever ICU data they carry. Isomorphic: no Node or DOM imports.
 */
export type LanguageName = { pl: string; en: string };

export const languageNames: Readonly<Record<string, LanguageName>> = {
  pl: { pl: 'polski', en: 'Polish' },
  uk: { pl: 'ukraiński', en: 'Ukrainian' },
  en: { pl: 'angielski', en: 'English' },
  de: { pl: 'niemiecki', en: 'German' },
  ru: { pl: 'rosyjski', en: 'Russian' },
  be: { pl: 'białoruski', en: 'Belarusian' },
  cs: { pl: 'czeski', en: 'Czech' },
  sk: { pl: 'słowacki', en: 'Slovak' },
  lt: { pl: 'litewski', en: 'Lithuanian' },
  lv: { pl: 'łotewski', en: 'Latvian' },
  et: { pl: 'estoński', en: 'Estonian' },
  fr: { pl: 'francuski', en: 'French' },
  es: { pl: 'hiszpański', en: 'Spanish' },
  it: { pl: 'włoski', en: 'Italian' },
  pt: { pl: 'portugalski', en: 'Portuguese' },
  nl: { pl: 'niderlandzki', en: 'Dutch' },
  sv: { pl: 'szwedzki', en: 'Swedish' },
  no: { pl: 'norweski', en: 'Norwegian' },
  da: { pl: 'duński', en: 'Danish' },
  fi: { pl: 'fiński', en: 'Finnish' },
  hu: { pl: 'węgierski', en: 'Hungarian' },
  ro: { pl: 'rumuński', en: 'Romanian' },
  bg: { pl: 'bułgarski', en: 'Bulgarian' },
  hr: { pl: 'chorwacki', en: 'Croatian' },
  sr: { pl: 'serbski', en: 'Serbian' },
  sl: { pl: 'słoweński', en: 'Slovenian' },
  el: { pl: 'grecki', en: 'Greek' },
  tr: { pl: 'turecki', en: 'Turkish' },
  ka: { pl: 'gruziński', en: 'Georgian' },
  hy: { pl: 'ormiański', en: 'Armenian' },
  kk: { pl: 'kazachski', en: 'Kazakh' },
  vi: { pl: 'wietnamski', en: 'Vietnamese' },
  zh: { pl: 'chiński', en: 'Chinese' },
  hi: { pl: 'hindi', en: 'Hindi' },
  ar: { pl: 'arabski', en: 'Arabic' },
  fa: { pl: 'perski', en: 'Persian' },
  ps: { pl: 'paszto', en: 'Pashto' },
  he: { pl: 'hebrajski', en: 'Hebrew' },
  yi: { pl: 'jidysz', en: 'Yiddish' },
  eo: { pl: 'esperanto', en: 'Esperanto' },
};

/** The name of a language in Polish or English; an unknown code is shown as it is. */
export function languageName(code: string, language: 'pl' | 'en' = 'pl'): string {
  return languageNames[code]?.[language] ?? code;
}

/** The languages of a card as words, in the card's order: "polski, ukraiński". */
export function languageList(codes: readonly string[], language: 'pl' | 'en' = 'pl'): string {
  return codes.map((code) => languageName(code, language)).join(', ');
}
