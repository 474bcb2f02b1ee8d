/**
 * The DOCX renderer as a reader meets its output: each document is written, unzipped and parsed
 * with a strict XML parser for its text in order, its language and its footer's page fields, then
 * opened in LibreOffice (converted to PDF and read back with pdf.js) as a user would open it.
 */
import { describe, expect, it } from 'vitest';
import { convertWithLibreOffice, hasSoffice, readDocx } from '../../testing/docx-reader.js';
import { readPdf } from '../../testing/pdf-reader.js';
import type { DocumentModel } from './document-model.js';
import { docxText, DOCX_FONT, renderDocx } from './docx-renderer.js';

const polishLetters = 'ąćęłńóśźż ĄĆĘŁŃÓŚŹŻ';

const model: DocumentModel = {
  title: `Zażółć gęślą jaźń: ${polishLetters}`,
  subtitle: 'Prowadzi: Stowarzyszenie „Źródło” w Łodzi',
  language: 'pl',
  footer: 'Stan na 03.12.2026',
  author: 'PZK Łódź Bałuty',
  subject: 'Karta usługi dla klienta',
  sections: [
    {
      heading: 'Co oferujemy',
      blocks: [
        { kind: 'paragraph', text: 'Świetlica dla dzieci i młodzieży.' },
        { kind: 'paragraph', text: 'Bezpłatnie.', emphasis: 'strong' },
        { kind: 'paragraph', text: 'Stan informacji: październik.', emphasis: 'small' },
      ],
    },
    {
      heading: 'Gdzie',
      blocks: [
        {
          kind: 'keyValues',
          items: [
            { label: 'Adres', value: 'ul. Łąkowa 5, 90-001 Łódź' },
            { label: 'Pominięte', value: '  ' },
            { label: 'Telefon', value: '42 123 45 67' },
          ],
        },
        { kind: 'list', items: ['Wejście od podwórza', 'Winda'] },
      ],
    },
    // A section with nothing to show leaves its heading out.
    { heading: 'Pusta sekcja', blocks: [{ kind: 'list', items: [] }] },
  ],
};

/** The text of the model in reading order, as each renderer lays it out. */
const expectedParagraphs = [
  model.title,
  model.subtitle,
  'Co oferujemy',
  'Świetlica dla dzieci i młodzieży.',
  'Bezpłatnie.',
  'Stan informacji: październik.',
  'Gdzie',
  'Adres',
  'ul. Łąkowa 5, 90-001 Łódź',
  'Telefon',
  '42 123 45 67',
  'Wejście od podwórza',
  'Winda',
];

const hostile =
  '=cmd|\' /C calc\'!A0 +SUM(A1) @x { PAGE } {NUMPAGES} <w:t>&amp;</w:t> <>&"\' ]]> HYPERLINK "http://evil.example" file:///etc/passwd';
const hostileModel: DocumentModel = {
  title: `Tytuł ${hostile}`,
  subtitle: 'z\u0000e\u0007r\u001Fo\u000B\u000C\uFFFF\uD800 znaków sterujących',
  language: 'en',
  footer: '{ PAGE } of { NUMPAGES }',
  author: '<script>&',
  sections: [
    {
      heading: '<w:fldSimple w:instr="PAGE"/>',
      blocks: [
        { kind: 'paragraph', text: hostile },
        { kind: 'paragraph', text: 'pierwsza linia\ndruga linia\r\ntrzecia' },
        { kind: 'keyValues', items: [{ label: '=HYPERLINK("x")', value: '{ DATE }' }] },
        { kind: 'list', items: ['-2+3', '<b>pogrubione?</b>'] },
      ],
    },
  ],
};

describe('renderDocx', () => {
  it("writes every paragraph of the model in order with Polish letters, the document's language, its font and core properties", async () => {
    const { bytes } = await renderDocx(model);
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    const docx = await readDocx(bytes);
    expect(docx.body.paragraphs.filter((text) => text !== '')).toEqual(expectedParagraphs);
    expect(docx.body.paragraphs.join('\n')).toContain(polishLetters);
    // The title and the headings are Word's own styles (navigation pane, screen readers); lists are lists.
    const styleOf = (text: string) => docx.body.paragraphStyles[docx.body.paragraphs.indexOf(text)];
    expect(styleOf(model.title)).toBe('Title');
    expect(styleOf('Co oferujemy')).toBe('Heading1');
    expect(styleOf('Gdzie')).toBe('Heading1');
    expect(styleOf('Winda')).toBe('ListParagraph');
    expect(styleOf('Świetlica dla dzieci i młodzieży.')).toBeNull();
    // An empty value leaves its label out, an empty section its heading.
    expect(docx.body.paragraphs).not.toContain('Pominięte');
    expect(docx.body.paragraphs).not.toContain('Pusta sekcja');
    // The only fields are the footer's page numbers; no hyperlink, no external target.
    expect(docx.body.fields).toEqual([]);
    expect(docx.body.hyperlinks).toBe(0);
    expect(docx.externalTargets).toEqual([]);
    expect(docx.footers).toHaveLength(1);
    expect(docx.footers[0]!.paragraphs).toEqual(['Stan na 03.12.2026\tStrona {PAGE} z {NUMPAGES}']);
    expect(docx.footers[0]!.fields).toEqual(['PAGE', 'NUMPAGES']);
    expect(docx.styles.languages).toEqual(['pl-PL']);
    const styles = await (
      await import('jszip')
    ).default
      .loadAsync(bytes)
      .then((zip) => zip.file('word/styles.xml')!.async('string'));
    expect(styles).toContain(`w:ascii="${DOCX_FONT}"`);
    expect(docx.core).toMatchObject({
      title: model.title,
      creator: 'PZK Łódź Bałuty',
      subject: 'Karta usługi dla klienta',
    });
  });

  it('writes English page labels and the en-GB language tag for an English document', async () => {
    const docx = await readDocx((await renderDocx({ ...model, language: 'en', footer: null })).bytes);
    expect(docx.footers[0]!.paragraphs).toEqual(['\tPage {PAGE} of {NUMPAGES}']);
    expect(docx.styles.languages).toEqual(['en-GB']);
  });

  it('writes hostile text as the same literal text: no field, no hyperlink, no markup, control characters dropped', async () => {
    const docx = await readDocx((await renderDocx(hostileModel)).bytes);
    expect(docx.body.paragraphs.filter((text) => text !== '')).toEqual([
      `Tytuł ${hostile}`,
      'zero znaków sterujących',
      '<w:fldSimple w:instr="PAGE"/>',
      hostile,
      'pierwsza linia\ndruga linia\ntrzecia',
      '=HYPERLINK("x")',
      '{ DATE }',
      '-2+3',
      '<b>pogrubione?</b>',
    ]);
    expect(docx.body.fields).toEqual([]);
    expect(docx.body.hyperlinks).toBe(0);
    expect(docx.externalTargets).toEqual([]);
    expect(docx.footers[0]!.fields).toEqual(['PAGE', 'NUMPAGES']);
    expect(docx.footers[0]!.paragraphs).toEqual(['{ PAGE } of { NUMPAGES }\tPage {PAGE} of {NUMPAGES}']);
    expect(docx.core).toMatchObject({ title: `Tytuł ${hostile}`, creator: '<script>&' });
  });

  it('keeps tab and line breaks and drops only what XML cannot hold', () => {
    expect(docxText('a\tb\nc\r\nd')).toBe('a\tb\nc\r\nd');
    expect(docxText('a\u0000\u0008\u000B\u001F\u007F\u0085\uFFFE\uD83Db')).toBe('ab');
    expect(docxText('ąćęłńóśźż 😀')).toBe('ąćęłńóśźż 😀');
  });

  it.skipIf(!hasSoffice)(
    'opens in LibreOffice: the text, Polish letters and "Strona 1 z 1" come back from its PDF',
    async () => {
      const pdf = await readPdf(convertWithLibreOffice((await renderDocx(model)).bytes, 'karta.docx', 'pdf'));
      expect(pdf.pageCount).toBe(1);
      const text = pdf.pages[0]!.replace(/\s+/g, ' ');
      for (const paragraph of expectedParagraphs) expect(text).toContain(paragraph!.replace(/\s+/g, ' '));
      expect(text).toContain(polishLetters);
      expect(text).toContain('Stan na 03.12.2026');
      expect(text).toContain('Strona 1 z 1');
      expect(pdf.info).toMatchObject({ Title: model.title });
    },
    180_000,
  );

  it.skipIf(!hasSoffice)(
    'opens hostile text in LibreOffice as the literal text, page numbers counted over several pages',
    async () => {
      const long: DocumentModel = {
        ...hostileModel,
        sections: [
          ...hostileModel.sections,
          ...Array.from({ length: 3 }, (_, index) => ({
            heading: `Section ${index + 1}`,
            blocks: [{ kind: 'paragraph' as const, text: 'Lorem ipsum dolor sit amet. '.repeat(120) }],
          })),
        ],
      };
      const pdf = await readPdf(convertWithLibreOffice((await renderDocx(long)).bytes, 'hostile.docx', 'pdf'));
      expect(pdf.pageCount).toBeGreaterThan(1);
      const first = pdf.pages[0]!.replace(/\s+/g, ' ');
      expect(first).toContain('{ PAGE } {NUMPAGES}');
      expect(first).toContain('=cmd|');
      expect(first).toContain('<>&"');
      expect(first).toContain('zero znaków sterujących');
      expect(first).toContain(`Page 1 of ${pdf.pageCount}`);
      expect(pdf.pages.at(-1)).toContain(`Page ${pdf.pageCount} of ${pdf.pageCount}`);
    },
    180_000,
  );
});
