/**
 * SECURITY-RELEVANT. Renders a DocumentModel to PDF with pdfmake (A4, Roboto embedded). Text from
 * the model is only ever laid out as text; pdfmake may open no file and no URL (both access
 * policy refuses everything, the file policy allows only the four embedded font files), so no
 * content of a document can make the server read a local file or fetch a remote one.
 */
import pdfmake from 'pdfmake';
import type { Content, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import type { DocumentBlock, DocumentLanguage, DocumentModel } from './document-model.js';
import { DOCUMENT_FONT, embeddedFonts, isEmbeddedFontFile } from './pdf-fonts.js';

export type RenderedPdf = {
  bytes: Buffer;
  /** Pages of the laid-out document, so a caller that promised one page can check it kept its word. */
  pageCount: number;
};

const pageLabels: Record<DocumentLanguage, (page: number, pages: number) => string> = {
  pl: (page, pages) => `Strona ${page} z ${pages}`,
  en: (page, pages) => `Page ${page} of ${pages}`,
};

let isConfigured = false;

function configurePdfmake(): void {
  if (isConfigured) return;
  pdfmake.setFonts(embeddedFonts());
  pdfmake.setUrlAccessPolicy(() => false);
  pdfmake.setLocalAccessPolicy(isEmbeddedFontFile);
  isConfigured = true;
}

function blockContent(block: DocumentBlock): Content | null {
  switch (block.kind) {
    case 'paragraph':
      return {
        text: block.text,
        style: block.emphasis === 'strong' ? 'strong' : block.emphasis === 'small' ? 'small' : 'paragraph',
      };
    case 'list':
      return block.items.length === 0 ? null : { ul: block.items.map((item) => ({ text: item })), style: 'paragraph' };
    case 'keyValues': {
      const rows = block.items.filter((item): item is { label: string; value: string } => Boolean(item.value?.trim()));
      if (rows.length === 0) return null;
      return {
        table: {
          widths: [120, '*'],
          body: rows.map((row) => [
            { text: row.label, style: 'label' },
            { text: row.value, style: 'value' },
          ]),
        },
        layout: 'noBorders',
        margin: [0, 0, 0, 6],
      };
    }
  }
}

function definitionOf(model: DocumentModel, onPageCount: (pages: number) => void): TDocumentDefinitions {
  const body: Content[] = [{ text: model.title, style: 'title' }];
  if (model.subtitle) body.push({ text: model.subtitle, style: 'subtitle' });
  for (const section of model.sections) {
    const blocks = section.blocks.map(blockContent).filter((content): content is Content => content !== null);
    if (blocks.length === 0) continue;
    if (section.heading) body.push({ text: section.heading, style: 'heading' });
    body.push(...blocks);
  }
  const pageLabel = pageLabels[model.language];
  return {
    pageSize: 'A4',
    pageMargins: [48, 44, 48, 56],
    language: model.language,
    info: {
      title: model.title,
      author: model.author ?? undefined,
      subject: model.subject ?? undefined,
      creator: 'Kooperacja',
      producer: 'Kooperacja',
    },
    content: body,
    footer: (currentPage, pageCount) => {
      onPageCount(pageCount);
      return {
        columns: [
          { text: model.footer ?? '', style: 'footer' },
          { text: pageLabel(currentPage, pageCount), style: 'footer', alignment: 'right' },
        ],
        margin: [48, 16, 48, 0],
      };
    },
    defaultStyle: { font: DOCUMENT_FONT, fontSize: 10.5, lineHeight: 1.2 },
    styles: {
      title: { fontSize: 19, bold: true, margin: [0, 0, 0, 4] },
      subtitle: { fontSize: 11.5, color: '#333333', margin: [0, 0, 0, 8] },
      heading: { fontSize: 12.5, bold: true, margin: [0, 8, 0, 3] },
      paragraph: { margin: [0, 0, 0, 5] },
      strong: { bold: true, margin: [0, 0, 0, 5] },
      small: { fontSize: 9, color: '#333333', margin: [0, 0, 0, 4] },
      label: { bold: true, color: '#222222' },
      value: {},
      footer: { fontSize: 8.5, color: '#333333' },
    },
  };
}

/** Lays out and writes the document as PDF bytes. */
export async function renderPdf(model: DocumentModel): Promise<RenderedPdf> {
  configurePdfmake();
  let pageCount = 0;
  const bytes = await pdfmake
    .createPdf(
      definitionOf(model, (pages) => {
        pageCount = pages;
      }),
    )
    .getBuffer();
  return { bytes, pageCount };
}
