/**
 * The fonts embedded in every PDF: Roboto, as shipped inside the pdfmake package in node_modules
 * (never downloaded). The PDF standard fonts (Helvetica) have no Polish letters, so a document
 * always embeds a TrueType font: pdfkit writes the subset it used into the file.
 */
import { createRequire } from 'node:module';
import type { TFontDictionary } from 'pdfmake/interfaces.js';

const require = createRequire(import.meta.url);

const fontFiles = {
  normal: require.resolve('pdfmake/fonts/Roboto/Roboto-Regular.ttf'),
  bold: require.resolve('pdfmake/fonts/Roboto/Roboto-Medium.ttf'),
  italics: require.resolve('pdfmake/fonts/Roboto/Roboto-Italic.ttf'),
  bolditalics: require.resolve('pdfmake/fonts/Roboto/Roboto-MediumItalic.ttf'),
};

export const DOCUMENT_FONT = 'Roboto';

/** The font family `Roboto` (regular, medium as bold, italics) by absolute file path. */
export function embeddedFonts(): TFontDictionary {
  return { [DOCUMENT_FONT]: { ...fontFiles } };
}

/** The only local files a document may open: these four font files. */
export function isEmbeddedFontFile(path: string): boolean {
  return Object.values(fontFiles).includes(path);
}
