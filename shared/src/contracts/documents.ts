/**
 * Documents (server/src/documents): the model a document is rendered from (PDF and DOCX) and the
 * metadata of a stored version of it (docs/security.md §28). A version's model is what a domain
 * built from its records and a user edited; it is checked here before it is stored, and again when
 * it is read back.
 */
import { z } from 'zod';
import { IsoDateTime, Uuid } from './common.js';

/** What a stored document is: a family's protocol, plan or consent form, or a card for a client. */
export const documentKinds = ['protocol', 'plan', 'consentForm', 'leaflet'] as const;
export const DocumentKind = z.enum(documentKinds).describe('What the document is');
export type DocumentKind = z.infer<typeof DocumentKind>;

export const documentVersionStates = ['draft', 'approved'] as const;
export const DocumentVersionState = z
  .enum(documentVersionStates)
  .describe('draft: may still change; approved: locked, never changes again');

const DocumentString = (max: number) => z.string().max(max);
const OptionalDocumentString = (max: number) => DocumentString(max).nullable().optional();

export const DocumentBlock = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('paragraph'),
      text: DocumentString(20_000),
      emphasis: z.enum(['strong', 'small']).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('keyValues'),
      items: z
        .array(z.object({ label: DocumentString(500), value: DocumentString(5_000).nullable().default(null) }).strict())
        .max(200),
    })
    .strict(),
  z.object({ kind: z.literal('list'), items: z.array(DocumentString(5_000)).max(500) }).strict(),
]);

export const DocumentModel = z
  .object({
    title: DocumentString(500),
    subtitle: OptionalDocumentString(1_000),
    language: z.enum(['pl', 'en']),
    sections: z
      .array(z.object({ heading: OptionalDocumentString(500), blocks: z.array(DocumentBlock).max(500) }).strict())
      .max(500),
    footer: OptionalDocumentString(500),
    author: OptionalDocumentString(500),
    subject: OptionalDocumentString(500),
  })
  .strict();

/** A stored version without its model (lists never load the models). */
export const DocumentVersion = z.object({
  id: Uuid,
  kind: DocumentKind,
  version: z.number().int().positive().describe('1, 2, … per host record and kind'),
  state: DocumentVersionState,
  sha256: z.string().describe('SHA-256 (hex) of the canonical JSON of the model'),
  createdByUserId: Uuid,
  createdAt: IsoDateTime,
  approvedByUserId: Uuid.nullable(),
  approvedAt: IsoDateTime.nullable(),
});
export type DocumentVersion = z.infer<typeof DocumentVersion>;
