/**
 * Password strength (docs/security.md §13): at least 10 characters, no composition rules, refused when it
 * is a common or breached password or an early guess built from a local word or the person's name.
 */
import { describe, expect, it } from 'vitest';
import { checkPasswordStrength } from './passwords.js';
import { commonPasswords, localWords } from './common-passwords.js';

describe('password strength', () => {
  it('knows tens of thousands of breached passwords and every Polish place name', () => {
    expect(commonPasswords.size).toBeGreaterThan(40_000);
    for (const word of ['boleslawiec', 'lodz', 'warszawa', 'szczebrzeszyn', 'kooperacja']) {
      expect(localWords.has(word), word).toBe(true);
    }
  });

  it.each([
    ['short', 'Krótkie1', 'passwordTooShort'],
    ['a breached password', 'iloveyou1234', 'passwordTooCommon'],
    ['a breached word with digits and symbols', 'Dragon-2025!!', 'passwordTooCommon'],
    ['a long entry of the breach list', 'Password1234', 'passwordTooCommon'],
    ['a place name with the year', 'Bolesławiec2025', 'passwordTooCommon'],
    ['a place name typed twice', 'WarszawaWarszawa1', 'passwordTooCommon'],
    ['the system’s name', 'Kooperacja2026!', 'passwordTooCommon'],
    ['a short vocabulary word with digits', 'mops1234567', 'passwordTooCommon'],
    ['one repeated character', 'aaaaaaaaaaaa', 'passwordTooCommon'],
    ['a run of digits', '1234567890', 'passwordTooCommon'],
  ])('refuses %s (%s)', (_label, password, expected) => {
    expect(checkPasswordStrength(password)).toBe(expected);
  });

  it('refuses the person’s own name with digits, case and diacritics aside', () => {
    expect(checkPasswordStrength('Źrebięcka1987!', ['Zofia Źrebięcka', 'zofia@gops.example.pl'])).toBe(
      'passwordTooCommon',
    );
    expect(checkPasswordStrength('ZofiaZrebiecka1', ['Zofia Źrebięcka'])).toBe('passwordTooCommon');
  });

  it('accepts a long passphrase without any composition rule', () => {
    expect(checkPasswordStrength('kolorowa łódka na jeziorze')).toBeNull();
    expect(checkPasswordStrength('Źdźbło trawy na łące 42')).toBeNull();
    expect(checkPasswordStrength('wiśniowy sad w maju', ['Zofia Źrebięcka'])).toBeNull();
  });
});
