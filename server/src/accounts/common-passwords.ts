/**
 * A short list of the most common and breached passwords (folded: lower case, no diacritics) and of
 * local words an attacker would try first against a Polish social-services system.
 */
export const commonPasswords = new Set([
  '123456', '1234567890', '12345678910', '0123456789', '1111111111', '0000000000', '1234512345', '9876543210',
  'qwertyuiop', 'qwerty123456', 'qwerty1234', 'asdfghjkl', 'zxcvbnm123', '1q2w3e4r5t', '1qaz2wsx3edc',
  'password', 'password1', 'password12', 'password123', 'password1234', 'passw0rd123', 'iloveyou12',
  'haslo12345', 'haslo123456', 'haslo1234567', 'mojehaslo1', 'mojehaslo123', 'tajnehaslo', 'superhaslo',
  'zaq12wsxcde', 'zaq1@wsx3edc', 'polska1234', 'polska12345', 'kochamcie1', 'kochamcie123', 'marcin1234',
  'agnieszka1', 'katarzyna1', 'aleksandra', 'malgorzata', 'magdalena1', 'mateusz123', 'michal12345',
  'football12', 'baseball12', 'welcome123', 'welcome1234', 'letmein123', 'monkey1234', 'dragon1234',
  'sunshine12', 'princess12', 'abc1234567', 'abcdefghij', 'administrator', 'admin12345', 'admin123456',
  'changeme123', 'zmienhaslo', 'zmien12345', 'test123456', 'testtest12', 'uzytkownik', 'uzytkownik1',
]);

export const localWords = [
  'kooperacja', 'kooperacje', 'haslo', 'password', 'admin', 'administrator', 'polska', 'mops', 'gops', 'ops',
  'pcpr', 'rops', 'cus', 'pomoc', 'pomocspoleczna', 'spoleczna', 'gmina', 'powiat', 'wojewodztwo', 'rodzina',
  'partnerstwo', 'koordynator', 'pracownik', 'dyrektor', 'qwerty', 'zaq', 'zaqwsx', 'asdf',
];
