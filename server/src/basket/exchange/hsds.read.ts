/**
 * SECURITY-RELEVANT. The CPU-bound half of the HSDS import, run in an import worker
 * (platform/workers, basket/import-jobs.ts), never on the event loop: parses the uploaded bytes,
 * checks the shape before any schema work, validates against the official schema (bounded errors)
 * and reads each service into a card. Plain data comes back; the main thread matches providers and
 * checks the cards against the database (hsds.service.ts).
 */
import { AppError } from '../../platform/http/problem.js';
import { indexHsdsDocument, readHsdsService, type ReadHsdsService } from './hsds.mapping.js';
import { checkHsdsShape, schemaErrorsToFieldErrors, validateHsdsDocument } from './hsds.validation.js';

export type HsdsRead = { services: ReadHsdsService[] };

export function readHsdsUpload(input: { body: Uint8Array }): HsdsRead {
  let text = Buffer.from(input.body.buffer, input.body.byteOffset, input.body.byteLength).toString('utf8');
  // As Fastify's JSON parser: a byte order mark is no error.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new AppError('invalidJson');
  }
  checkHsdsShape(document);
  const schemaErrors = validateHsdsDocument(document);
  if (schemaErrors.length > 0) throw new AppError('validation', schemaErrorsToFieldErrors(schemaErrors));
  const doc = document as { services: Array<Record<string, unknown>> };
  const index = indexHsdsDocument(doc);
  return { services: doc.services.map((service) => readHsdsService(index, service)) };
}
