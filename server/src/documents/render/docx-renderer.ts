/**
 * SECURITY-RELEVANT. Renders a DocumentModel to DOCX (Office Open XML, A4) with the `docx` package,
 * from the same model as the PDF. Text from the model only ever becomes the text of a run (`w:t`,
 * XML-escaped by the package): no field codes, no hyperlinks, no images, no external relations are
 * made from it, so "{ PAGE }", "=cmd|…" or a URL typed by a user is printed as typed. The only
 * fields in the file are the footer's PAGE and NUMPAGES, written here. Characters XML 1.0 cannot
 * hold (C0 controls other than tab and line breaks) are dropped; a line break becomes a break.
 *
 * Label-value lists are a borderless two-column table, as in the PDF: a long value wraps in its own
 * column instead of under its label, and Word, LibreOffice and screen readers read each row as
 * label, then value.
 *
 * The font is Arial: every Word has it with all Polish letters, and LibreOffice opens it as the
 * metric-compatible Liberation Sans (also with Polish letters), so the layout holds on both.
 */
import {
  BorderStyle,
  Document,
  Footer,
  HeadingLevel,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  Tab,
  TabStopType,
  TextRun,
  WidthType,
  type ParagraphChild,
} from 'docx';
import type { DocumentBlock, DocumentLanguage, DocumentModel } from './document-model.js';

export type RenderedDocx = { bytes: Buffer };

export const DOCX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

export const DOCX_FONT = 'Arial';

const languageTags: Record<DocumentLanguage, string> = { pl: 'pl-PL', en: 'en-GB' };

const pageLabels: Record<DocumentLanguage, { page: string; of: string }> = {
  pl: { page: 'Strona ', of: ' z ' },
  en: { page: 'Page ', of: ' of ' },
};

/** Twentieths of a point: the PDF's 48 pt side margins, 120 pt label column. */
const TWIPS_PER_POINT = 20;
const A4 = { width: 11906, height: 16838 };
const margins = { top: 44 * TWIPS_PER_POINT, bottom: 56 * TWIPS_PER_POINT, side: 48 * TWIPS_PER_POINT };
const contentWidth = A4.width - 2 * margins.side;
const labelWidth = 120 * TWIPS_PER_POINT;

/** Half-points. */
const sizes = { body: 21, title: 38, subtitle: 23, heading: 25, small: 18, footer: 17 };

/**
 * What XML 1.0 can hold of a user's text: tab and line breaks stay, other C0 controls, DEL-range
 * C1 controls, lone surrogates and U+FFFE/U+FFFF are dropped (the package would write them raw and
 * the file would not open).
 */
export function docxText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]/g, '').replace(/\p{Cs}/gu, '');
}

/** One run per line; the lines are joined by line breaks (\r\n, \r and \n alike). */
function runs(text: string, style: { bold?: boolean; size?: number; color?: string } = {}): TextRun[] {
  return docxText(text)
    .split(/\r\n|\r|\n/)
    .map((line, index) => new TextRun({ text: line, break: index === 0 ? undefined : 1, ...style }));
}

function paragraph(
  text: string,
  style: { bold?: boolean; size?: number; color?: string; after?: number; before?: number } = {},
): Paragraph {
  const { after = 100, before = 0, ...run } = style;
  return new Paragraph({ children: runs(text, run), spacing: { after, before } });
}

/** Title and section headings are Word's own Title and Heading 1 styles: the navigation pane and screen readers see them. */
const headingStyles = {
  title: {
    run: { font: DOCX_FONT, size: sizes.title, bold: true, color: '000000' },
    paragraph: { spacing: { before: 0, after: 80 } },
  },
  heading1: {
    run: { font: DOCX_FONT, size: sizes.heading, bold: true, color: '000000' },
    paragraph: { spacing: { before: 160, after: 60 }, keepNext: true },
  },
};

const noBorder = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' } as const;
const noBorders = { top: noBorder, bottom: noBorder, left: noBorder, right: noBorder };

function blockContent(block: DocumentBlock): Array<Paragraph | Table> {
  switch (block.kind) {
    case 'paragraph':
      return [
        block.emphasis === 'strong'
          ? paragraph(block.text, { bold: true })
          : block.emphasis === 'small'
            ? paragraph(block.text, { size: sizes.small, color: '333333', after: 80 })
            : paragraph(block.text),
      ];
    case 'list':
      return block.items.map(
        (item) => new Paragraph({ children: runs(item), bullet: { level: 0 }, spacing: { after: 40 } }),
      );
    case 'keyValues': {
      const rows = block.items.filter((item): item is { label: string; value: string } => Boolean(item.value?.trim()));
      if (rows.length === 0) return [];
      const cell = (text: string, width: number, bold: boolean) =>
        new TableCell({
          width: { size: width, type: WidthType.DXA },
          borders: noBorders,
          children: [paragraph(text, { bold, color: bold ? '222222' : undefined, after: 40 })],
        });
      return [
        new Table({
          layout: TableLayoutType.FIXED,
          width: { size: contentWidth, type: WidthType.DXA },
          columnWidths: [labelWidth, contentWidth - labelWidth],
          borders: { ...noBorders, insideHorizontal: noBorder, insideVertical: noBorder },
          rows: rows.map(
            (row) =>
              new TableRow({
                children: [cell(row.label, labelWidth, true), cell(row.value, contentWidth - labelWidth, false)],
              }),
          ),
        }),
        new Paragraph({ children: [], spacing: { after: 60 } }),
      ];
    }
  }
}

function footerOf(model: DocumentModel): Footer {
  const label = pageLabels[model.language];
  const children: ParagraphChild[] = [
    ...(model.footer ? runs(model.footer, { size: sizes.footer, color: '333333' }) : []),
    new TextRun({
      size: sizes.footer,
      color: '333333',
      children: [new Tab(), label.page, PageNumber.CURRENT, label.of, PageNumber.TOTAL_PAGES],
    }),
  ];
  return new Footer({
    children: [new Paragraph({ children, tabStops: [{ type: TabStopType.RIGHT, position: contentWidth }] })],
  });
}

/** Writes the document as DOCX bytes (a ZIP of Office Open XML parts). */
export async function renderDocx(model: DocumentModel): Promise<RenderedDocx> {
  const body: Array<Paragraph | Table> = [new Paragraph({ children: runs(model.title), heading: HeadingLevel.TITLE })];
  if (model.subtitle) body.push(paragraph(model.subtitle, { size: sizes.subtitle, color: '333333', after: 160 }));
  for (const section of model.sections) {
    const blocks = section.blocks.flatMap(blockContent);
    if (blocks.length === 0) continue;
    if (section.heading) body.push(new Paragraph({ children: runs(section.heading), heading: HeadingLevel.HEADING_1 }));
    body.push(...blocks);
  }
  const language = languageTags[model.language];
  const document = new Document({
    title: docxText(model.title),
    subject: model.subject ? docxText(model.subject) : undefined,
    creator: model.author ? docxText(model.author) : 'Kooperacja',
    lastModifiedBy: 'Kooperacja',
    styles: {
      default: {
        document: { run: { font: DOCX_FONT, size: sizes.body, language: { value: language } } },
        ...headingStyles,
      },
    },
    sections: [
      {
        properties: {
          page: {
            size: { width: A4.width, height: A4.height },
            margin: { top: margins.top, bottom: margins.bottom, left: margins.side, right: margins.side, footer: 500 },
          },
        },
        footers: { default: footerOf(model) },
        children: body,
      },
    ],
  });
  return { bytes: await Packer.toBuffer(document) };
}
