/**
 * The one model of a document the app prints or sends (a card for a client today; a family's plan
 * and its reports later): a title, sections of paragraphs, label-value lists and bullet lists, and a
 * footer line. Domains build it from what they may show; each format (PDF now, DOCX next) renders it
 * the same way, so a document's content is written once and reviewed once.
 */

export type DocumentLanguage = 'pl' | 'en';

/** A run of plain text. No markup: whatever a user typed is printed as text, never interpreted. */
export type DocumentBlock =
  | { kind: 'paragraph'; text: string; emphasis?: 'strong' | 'small' }
  /** Label-value pairs ("Gdzie": "ul. Piotrkowska 12, 90-001 Łódź"); empty values are left out. */
  | { kind: 'keyValues'; items: Array<{ label: string; value: string | null | undefined }> }
  | { kind: 'list'; items: string[] };

export type DocumentSection = {
  heading?: string | null;
  blocks: DocumentBlock[];
};

export type DocumentModel = {
  title: string;
  /** A line under the title (e.g. who provides the service). */
  subtitle?: string | null;
  /** The document's language: page labels and the file's language tag follow it. */
  language: DocumentLanguage;
  sections: DocumentSection[];
  /** Printed at the bottom of every page beside "page n of m", e.g. "Stan na 03.12.2026". */
  footer?: string | null;
  /** File metadata (not printed): who issued it, what it is about. */
  author?: string | null;
  subject?: string | null;
};

/**
 * Shortens text to at most `maxCharacters`, at a word boundary when one is near, ending with "…".
 * Line breaks become spaces when `isSingleLine` (for label-value lists).
 */
export function truncateText(text: string, maxCharacters: number, isSingleLine = false): string {
  const cleaned = (isSingleLine ? text.replace(/\s+/g, ' ') : text.replace(/[ \t]+/g, ' ')).trim();
  const characters = Array.from(cleaned);
  if (characters.length <= maxCharacters) return cleaned;
  const cut = characters.slice(0, Math.max(1, maxCharacters - 1)).join('');
  const lastSpace = cut.search(/\s\S*$/);
  const atWord = lastSpace > maxCharacters * 0.7 ? cut.slice(0, lastSpace) : cut;
  return `${atWord.replace(/[\s,;:.-]+$/, '')}…`;
}
