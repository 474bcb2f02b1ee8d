/**
 * Stored files (server/src/files): the metadata a host record's routes answer with, and the fields
 * an upload of a signed copy carries beside the file. The file itself is never in JSON.
 */
import { z } from 'zod';
import { IsoDate, IsoDateTime, OptionalText, Uuid } from './common.js';

export const storedFileKinds = ['signedCopy'] as const;
export const StoredFileKind = z
  .enum(storedFileKinds)
  .describe('What the file is for: signedCopy, a signed copy of a document');

export const storedFileMediaTypes = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export const StoredFileMediaType = z.enum(storedFileMediaTypes).describe('Type of the content, checked from its bytes');

/** The fields of an upload beside the file (who signed it and when), validated before anything is stored. */
export const StoredFileSignature = z
  .object({
    signedBy: OptionalText(200).describe('Who signed the copy (names as written on it)'),
    signedAt: IsoDate.nullable().optional().describe('When it was signed, yyyy-MM-dd'),
  })
  .strict();
export type StoredFileSignature = z.infer<typeof StoredFileSignature>;

export const StoredFile = z.object({
  id: Uuid,
  kind: StoredFileKind,
  mediaType: StoredFileMediaType,
  byteSize: z.number().int().describe('Size in bytes, as stored (photo metadata removed)'),
  sha256: z.string().describe('SHA-256 of the stored content, hex'),
  fileName: z.string().describe('File name offered on download (sanitised)'),
  signedBy: z.string().nullable().describe('Who signed the copy, if recorded'),
  signedAt: IsoDate.nullable().describe('When it was signed, if recorded'),
  uploadedByUserId: Uuid.describe('Who uploaded it'),
  uploadedAt: IsoDateTime.describe('When it was uploaded'),
});
export type StoredFile = z.infer<typeof StoredFile>;
