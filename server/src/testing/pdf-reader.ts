/**
 * Reads a PDF back with a real parser (Mozilla's pdf.js) for tests: its pages' text, the fonts each
 * page uses and whether their programs are embedded in the file, and the document information.
 */
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';

export type ReadPdf = {
  pageCount: number;
  /** Text of each page, its runs joined by spaces and line ends by newlines. */
  pages: string[];
  /** Fonts drawn with on any page: name (subset prefix included) and whether the file embeds it. */
  fonts: Array<{ name: string; isEmbedded: boolean }>;
  info: Record<string, unknown>;
};

export async function readPdf(bytes: Uint8Array): Promise<ReadPdf> {
  const document = await getDocument({
    data: new Uint8Array(bytes),
    disableFontFace: true,
    useSystemFonts: false,
    isEvalSupported: false,
    verbosity: 0,
  }).promise;
  try {
    const pages: string[] = [];
    const fonts = new Map<string, boolean>();
    for (let number = 1; number <= document.numPages; number += 1) {
      const page = await document.getPage(number);
      const content = await page.getTextContent();
      pages.push(
        content.items
          .map((item) => ('str' in item ? `${item.str}${item.hasEOL ? '\n' : ' '}` : ''))
          .join('')
          .replace(/ +/g, ' '),
      );
      const operators = await page.getOperatorList();
      operators.fnArray.forEach((operator, index) => {
        if (operator !== OPS.setFont) return;
        const font = page.commonObjs.get(operators.argsArray[index][0]) as { name?: string; missingFile?: boolean };
        fonts.set(font.name ?? '?', font.missingFile !== true);
      });
    }
    const metadata = await document.getMetadata();
    return {
      pageCount: document.numPages,
      pages,
      fonts: [...fonts].map(([name, isEmbedded]) => ({ name, isEmbedded })),
      info: metadata.info as Record<string, unknown>,
    };
  } finally {
    await document.destroy();
  }
}
