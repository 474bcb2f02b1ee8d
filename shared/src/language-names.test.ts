import { describe, expect, it } from 'vitest';
import { languageList, languageName } from './language-names.js';

describe('language names instead of ISO codes', () => {
  it('names a card’s languages in Polish and English, in the card’s order', () => {
    expect(languageList(['pl', 'uk', 'en'])).toBe('polski, ukraiński, angielski');
    expect(languageList(['pl', 'uk'], 'en')).toBe('Polish, Ukrainian');
    expect(languageName('be')).toBe('białoruski');
  });

  it('shows a code it does not know as it is', () => {
    expect(languageName('xx')).toBe('xx');
  });
});
