/**
 * Passwords and words an attacker tries first (docs/security.md §13), all folded (lower case, no
 * diacritics): the 49,000 most common passwords of public breaches (zxcvbn-ts's list, MIT), Polish
 * ones of our own, and local words: the system's and social assistance's vocabulary and the name of
 * every Polish voivodeship, powiat and gmina (TERYT), since "Bolesławiec2025" is an early guess
 * against a social-assistance centre in Bolesławiec.
 */
import { readFileSync } from 'node:fs';
import { dictionary } from '@zxcvbn-ts/language-common';
import { normalizeForSearch } from '../../../shared/src/text.js';
import { parseTerc, tercPath } from '../territories/index.js';

const polishPasswords = [
  '123456',
  '1234567890',
  '12345678910',
  '0123456789',
  '1111111111',
  '0000000000',
  '1234512345',
  '9876543210',
  'qwertyuiop',
  'qwerty123456',
  'qwerty1234',
  'asdfghjkl',
  'zxcvbnm123',
  '1q2w3e4r5t',
  '1qaz2wsx3edc',
  'password',
  'password1',
  'password12',
  'password123',
  'password1234',
  'passw0rd123',
  'iloveyou12',
  'haslo12345',
  'haslo123456',
  'haslo1234567',
  'mojehaslo1',
  'mojehaslo123',
  'tajnehaslo',
  'superhaslo',
  'zaq12wsxcde',
  'zaq1@wsx3edc',
  'polska1234',
  'polska12345',
  'kochamcie1',
  'kochamcie123',
  'marcin1234',
  'agnieszka1',
  'katarzyna1',
  'aleksandra',
  'malgorzata',
  'magdalena1',
  'mateusz123',
  'michal12345',
  'football12',
  'baseball12',
  'welcome123',
  'welcome1234',
  'letmein123',
  'monkey1234',
  'dragon1234',
  'sunshine12',
  'princess12',
  'abc1234567',
  'abcdefghij',
  'administrator',
  'admin12345',
  'admin123456',
  'changeme123',
  'zmienhaslo',
  'zmien12345',
  'test123456',
  'testtest12',
  'uzytkownik',
  'uzytkownik1',
];

export const commonPasswords: ReadonlySet<string> = new Set(
  [...dictionary['passwords-common'], ...polishPasswords].map((p) => normalizeForSearch(p).replace(/\s+/g, '')),
);

const vocabulary = [
  'kooperacja',
  'kooperacje',
  'haslo',
  'password',
  'admin',
  'administrator',
  'polska',
  'mops',
  'gops',
  'ops',
  'pcpr',
  'rops',
  'cus',
  'pomoc',
  'pomocspoleczna',
  'spoleczna',
  'gmina',
  'powiat',
  'wojewodztwo',
  'rodzina',
  'partnerstwo',
  'koordynator',
  'pracownik',
  'dyrektor',
  'qwerty',
  'zaq',
  'zaqwsx',
  'asdf',
];

/** Place names as a password body: letters only, at least four of them ("Ząb" is no guess worth refusing). */
const placeNames = parseTerc(readFileSync(tercPath, 'utf8'))
  .map((row) => normalizeForSearch(row.name).replace(/[^a-z]/g, ''))
  .filter((name) => name.length >= 4);

export const localWords: ReadonlySet<string> = new Set([...vocabulary, ...placeNames]);
