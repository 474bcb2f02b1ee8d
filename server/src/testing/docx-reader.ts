/**
 * Reads a DOCX back for tests with real parsers: the ZIP with jszip, each XML part with saxes (a
 * strict, namespace-aware XML 1.0 parser that refuses a malformed part or a character XML cannot
 * hold). Gives each paragraph's text in document order (table cells included), the field
 * instructions (PAGE, NUMPAGES, …) and hyperlinks found, the language tags, and the core properties.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { SaxesParser } from 'saxes';

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';

export type ReadDocxPart = {
  /** Text of each paragraph: runs joined, a tab as \t, a line break as \n; fields as {PAGE}. */
  paragraphs: string[];
  /** Each paragraph's style id (w:pStyle), null for the default: Title, Heading1, ListParagraph. */
  paragraphStyles: Array<string | null>;
  /** Every field instruction in the part (complex fields and simple fields). */
  fields: string[];
  hyperlinks: number;
  /** Values of every w:lang w:val in the part. */
  languages: string[];
};

export type ReadDocx = {
  parts: string[];
  body: ReadDocxPart;
  footers: ReadDocxPart[];
  styles: ReadDocxPart;
  core: Record<string, string>;
  /** Relationship targets of the main document that leave the package (TargetMode="External"). */
  externalTargets: string[];
};

function parseXml(
  xml: string,
  onOpen: (name: { uri: string; local: string }, attributes: Record<string, string>) => void,
  onText: (text: string) => void,
  onClose: (name: { uri: string; local: string }) => void,
): void {
  const parser = new SaxesParser({ xmlns: true });
  parser.on('error', (error) => {
    throw error;
  });
  parser.on('opentag', (tag) => {
    const attributes: Record<string, string> = {};
    for (const attribute of Object.values(tag.attributes)) {
      const { local, value } = attribute as { local: string; value: string };
      attributes[local] = value;
    }
    onOpen({ uri: tag.uri, local: tag.local }, attributes);
  });
  parser.on('text', onText);
  parser.on('closetag', (tag) => onClose({ uri: tag.uri, local: tag.local }));
  parser.write(xml).close();
}

function readPart(xml: string): ReadDocxPart {
  const part: ReadDocxPart = { paragraphs: [], paragraphStyles: [], fields: [], hyperlinks: 0, languages: [] };
  let style: string | null = null;
  let paragraph: string | null = null;
  let inText = false;
  let inInstruction = false;
  let instruction = '';
  parseXml(
    xml,
    (name, attributes) => {
      if (name.uri !== W) return;
      switch (name.local) {
        case 'p':
          paragraph = '';
          style = null;
          break;
        case 'pStyle':
          if (paragraph !== null) style = attributes.val ?? null;
          break;
        case 't':
          inText = true;
          break;
        case 'tab':
          if (paragraph !== null && attributes.val === undefined) paragraph += '\t';
          break;
        case 'br':
          if (paragraph !== null) paragraph += '\n';
          break;
        case 'instrText':
          inInstruction = true;
          break;
        case 'fldChar':
          if (attributes.fldCharType === 'begin') instruction = '';
          else if (attributes.fldCharType === 'separate' || attributes.fldCharType === 'end') {
            if (instruction) {
              part.fields.push(instruction.trim());
              if (paragraph !== null) paragraph += `{${instruction.trim()}}`;
              instruction = '';
            }
          }
          break;
        case 'fldSimple':
          part.fields.push((attributes.instr ?? '').trim());
          break;
        case 'hyperlink':
          part.hyperlinks += 1;
          break;
        case 'lang':
          if (attributes.val) part.languages.push(attributes.val);
          break;
      }
    },
    (text) => {
      if (inInstruction) instruction += text;
      else if (inText && paragraph !== null) paragraph += text;
    },
    (name) => {
      if (name.uri !== W) return;
      if (name.local === 'p' && paragraph !== null) {
        part.paragraphs.push(paragraph);
        part.paragraphStyles.push(style);
        paragraph = null;
      } else if (name.local === 't') inText = false;
      else if (name.local === 'instrText') inInstruction = false;
    },
  );
  return part;
}

function readCore(xml: string): Record<string, string> {
  const core: Record<string, string> = {};
  let current: string | null = null;
  parseXml(
    xml,
    (name) => {
      current = name.local;
      core[current] = core[current] ?? '';
    },
    (text) => {
      if (current) core[current] += text;
    },
    () => {
      current = null;
    },
  );
  return core;
}

export async function readDocx(bytes: Uint8Array): Promise<ReadDocx> {
  const zip = await JSZip.loadAsync(bytes);
  const text = async (path: string) => {
    const file = zip.file(path);
    if (!file) throw new Error(`The DOCX has no ${path}`);
    return file.async('string');
  };
  const parts = Object.keys(zip.files).filter((path) => !zip.files[path]!.dir);
  // Every XML part must parse, whether or not the test reads it.
  for (const path of parts.filter((name) => name.endsWith('.xml') || name.endsWith('.rels')))
    readPart(await text(path));
  const relationships = await text('word/_rels/document.xml.rels');
  const externalTargets: string[] = [];
  parseXml(
    relationships,
    (name, attributes) => {
      if (name.local === 'Relationship' && attributes.TargetMode === 'External')
        externalTargets.push(attributes.Target ?? '');
    },
    () => undefined,
    () => undefined,
  );
  const footers: ReadDocxPart[] = [];
  for (const path of parts.filter((name) => /^word\/footer\d+\.xml$/.test(name)).sort())
    footers.push(readPart(await text(path)));
  return {
    parts,
    body: readPart(await text('word/document.xml')),
    footers,
    styles: readPart(await text('word/styles.xml')),
    core: readCore(await text('docProps/core.xml')),
    externalTargets,
  };
}

/**
 * Whether the office-file tests run: outside CI a machine without LibreOffice skips them (the
 * caller says so loudly); in CI (which installs it) they must run and fail without it.
 */
export const hasSoffice = spawnSync('which', ['soffice']).status === 0 || process.env.CI === 'true';
if (!hasSoffice) {
  console.warn('SKIPPED: LibreOffice (soffice) is not installed, so no DOCX is opened in office software here.');
}

/**
 * Opens a file in LibreOffice (headless, with a profile of its own so parallel runs do not collide)
 * and converts it, e.g. a .docx to 'pdf': the bytes LibreOffice wrote.
 */
export function convertWithLibreOffice(bytes: Uint8Array, fileName: string, to: string): Buffer {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kooperacja-office-'));
  try {
    const file = path.join(dir, fileName);
    writeFileSync(file, bytes);
    execFileSync(
      'soffice',
      [
        `-env:UserInstallation=file://${path.join(dir, 'profile')}`,
        '--headless',
        '--convert-to',
        to,
        '--outdir',
        dir,
        file,
      ],
      { timeout: 120_000, stdio: 'pipe' },
    );
    const extension = to.split(':')[0]!;
    return readFileSync(path.join(dir, `${path.parse(fileName).name}.${extension}`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
