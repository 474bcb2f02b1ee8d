/**
 * i18next with Polish first and English second. Polish plural forms (_one/_few/_many/_other) come
 * from Intl.PluralRules('pl'), which i18next uses. Only the language choice is remembered in
 * localStorage (no personal data in browser storage, docs/security.md §25).
 */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import pl from './pl.json';
import en from './en.json';

export const languages = ['pl', 'en'] as const;
export type Language = (typeof languages)[number];
const STORAGE_KEY = 'kooperacja.language';

function readStoredLanguage(): Language {
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    return stored === 'en' ? 'en' : 'pl';
  } catch {
    return 'pl';
  }
}

export function currentLanguage(): Language {
  return i18next.language === 'en' ? 'en' : 'pl';
}

/** Switches the language, remembers the choice and keeps <html lang> right for screen readers. */
export async function changeLanguage(language: Language): Promise<void> {
  await i18next.changeLanguage(language);
  try {
    window.localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // Storage may be disabled; the choice then lasts for this page only.
  }
}

i18next.on('languageChanged', (language) => {
  document.documentElement.lang = language;
});

void i18next.use(initReactI18next).init({
  resources: { pl: { translation: pl }, en: { translation: en } },
  lng: readStoredLanguage(),
  fallbackLng: 'pl',
  supportedLngs: languages,
  interpolation: { escapeValue: false },
  returnNull: false,
  showSupportNotice: false,
});
document.documentElement.lang = i18next.language;

export { i18next };
