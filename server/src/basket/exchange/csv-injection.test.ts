/**
 * Issue 6, item 11: `x,=3+3` was written unquoted, so a program that opened the `;`-separated
 * export with a comma as the separator got a cell starting with `=`. Whatever separator a reader
 * picks, no cell of the export may start a formula.
 */
import { describe, expect, it } from 'vitest';
import { csvField } from './spreadsheet.columns.js';

/** An RFC 4180 reader with a chosen separator, as spreadsheet programs offer on opening a CSV. */
function readCsvLine(line: string, separator: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let isQuoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i]!;
    if (isQuoted) {
      if (char === '"' && line[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (char === '"') isQuoted = false;
      else cell += char;
    } else if (char === '"' && cell === '') isQuoted = true;
    else if (char === separator) {
      cells.push(cell);
      cell = '';
    } else cell += char;
  }
  cells.push(cell);
  return cells;
}

const HOSTILE = [
  'x,=3+3',
  'x;=3+3',
  'x\t=3+3',
  'x|=3+3',
  'a, +1',
  '=HYPERLINK("http://zly.example")',
  ' =1+1',
  '"=1+1',
  '@SUM(A1)',
  '-2+3',
  '\t=1',
  'Pomoc, "=cmd|\' /C calc\'!A0"',
];

describe('CSV export cells', () => {
  it.each([',', ';', '\t', '|'])('start no formula when read with the separator %j', (separator) => {
    const line = ['Zwykła usługa', ...HOSTILE].map(csvField).join(';');
    for (const cell of readCsvLine(line, separator)) {
      expect(cell, `${JSON.stringify(cell)} in ${JSON.stringify(line)}`).not.toMatch(/^[\s"]*[=+\-@]/);
    }
  });

  it('keeps the value readable: plain text as is, an apostrophe before each formula character', () => {
    expect(csvField('Poradnia rodzinna')).toBe('Poradnia rodzinna');
    expect(readCsvLine(csvField('x,=3+3'), ';')).toEqual(["x,'=3+3"]);
    expect(readCsvLine(csvField('=1+1'), ';')).toEqual(["'=1+1"]);
  });
});
