/**
 * The PDF renderer as a reader meets its output: each document is written, then read back with a
 * real PDF parser (pdf.js) for its Polish text, its pages and its embedded font.
 */
import { describe, expect, it } from 'vitest';
import { readPdf } from '../../testing/pdf-reader.js';
import { truncateText, type DocumentModel } from './document-model.js';
import { renderPdf } from './pdf-renderer.js';

const polishLetters = 'ąęłńóśźż ĄĘŁŃÓŚŹŻ';

const model: DocumentModel = {
  title: `Zażółć gęślą jaźń: ${polishLetters}`,
  subtitle: 'Prowadzi: Stowarzyszenie „Źródło” w Łodzi',
  language: 'pl',
  footer: 'Stan na 03.12.2026',
  author: 'PZK Łódź Bałuty',
  sections: [
    { heading: 'Co oferujemy', blocks: [{ kind: 'paragraph', text: 'Świetlica dla dzieci i młodzieży.' }] },
    {
      heading: 'Gdzie',
      blocks: [
        {
          kind: 'keyValues',
          items: [
            { label: 'Adres', value: 'ul. Łąkowa 5, 90-001 Łódź' },
            { label: 'Pominięte', value: '  ' },
          ],
        },
        { kind: 'list', items: ['Wejście od podwórza', 'Winda'] },
      ],
    },
  ],
};

describe('renderPdf', () => {
  it('writes Polish letters in an embedded font that a parser reads back, on one A4 page', async () => {
    const { bytes, pageCount } = await renderPdf(model);
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const pdf = await readPdf(bytes);
    expect(pageCount).toBe(1);
    expect(pdf.pageCount).toBe(1);
    const text = pdf.pages[0]!;
    expect(text).toContain(polishLetters);
    expect(text).toContain('ul. Łąkowa 5, 90-001 Łódź');
    expect(text).toContain('Prowadzi: Stowarzyszenie „Źródło” w Łodzi');
    expect(text).toContain('Wejście od podwórza');
    expect(text).toContain('Stan na 03.12.2026');
    expect(text).toContain('Strona 1 z 1');
    // An empty value leaves its label out.
    expect(text).not.toContain('Pominięte');
    expect(pdf.fonts.length).toBeGreaterThan(0);
    for (const font of pdf.fonts) {
      expect(font.name).toMatch(/^[A-Z]{6}\+Roboto/);
      expect(font.isEmbedded).toBe(true);
    }
    expect(pdf.info).toMatchObject({ Title: model.title, Language: 'pl', Author: 'PZK Łódź Bałuty' });
  });

  it('counts the pages it laid out, as the parser finds them, with the page numbers in English too', async () => {
    const long: DocumentModel = {
      ...model,
      language: 'en',
      sections: Array.from({ length: 4 }, (_, index) => ({
        heading: `Section ${index + 1}`,
        blocks: [{ kind: 'paragraph' as const, text: 'Lorem ipsum dolor sit amet. '.repeat(90) }],
      })),
    };
    const { bytes, pageCount } = await renderPdf(long);
    const pdf = await readPdf(bytes);
    expect(pageCount).toBeGreaterThan(1);
    expect(pdf.pageCount).toBe(pageCount);
    expect(pdf.pages.at(-1)).toContain(`Page ${pageCount} of ${pageCount}`);
  });

  it('prints text as text: a URL or a file path in the content opens nothing', async () => {
    const { bytes } = await renderPdf({
      ...model,
      sections: [{ blocks: [{ kind: 'paragraph', text: 'file:///etc/passwd http://127.0.0.1:1/x /etc/hostname' }] }],
    });
    expect((await readPdf(bytes)).pages[0]).toContain('file:///etc/passwd http://127.0.0.1:1/x /etc/hostname');
  });
});

describe('truncateText', () => {
  it('keeps short text, cuts long text at a word with an ellipsis, and counts letters, not bytes', () => {
    expect(truncateText('Świetlica „Promyk”', 40)).toBe('Świetlica „Promyk”');
    const cut = truncateText('Zajęcia pozalekcyjne dla dzieci i młodzieży ze szkół podstawowych w Łodzi', 40);
    expect(cut.endsWith('…')).toBe(true);
    expect(Array.from(cut).length).toBeLessThanOrEqual(40);
    expect(cut).toBe('Zajęcia pozalekcyjne dla dzieci i…');
    expect(truncateText('ąęłńóśźż'.repeat(10), 20)).toHaveLength(20);
    expect(truncateText('pierwsza\n\nlinia', 100, true)).toBe('pierwsza linia');
  });
});
