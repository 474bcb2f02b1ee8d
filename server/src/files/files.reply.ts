/**
 * SECURITY-CRITICAL (docs/security.md §22). The one way a stored file leaves the server: always as
 * an attachment (never shown inline in the app's origin), of the type its content was checked to
 * be, with nosniff and no caching anywhere on the way.
 */
import type { FastifyReply } from 'fastify';
import type { StoredFile } from '../../../shared/src/contracts/files.js';

/** An ASCII stand-in for old clients: Polish letters without their marks, anything else `_`. */
function asciiFileName(name: string): string {
  return name
    .replace(/[łŁ]/g, (letter) => (letter === 'ł' ? 'l' : 'L'))
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]|["\\%;]/g, '_');
}

/** RFC 5987 / 8187 `value-chars`: unreserved characters stay, every other UTF-8 byte is %XX. */
function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*!]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** `attachment; filename="..."; filename*=UTF-8''...` for a (sanitised) stored file name. */
export function attachmentDisposition(fileName: string): string {
  return `attachment; filename="${asciiFileName(fileName)}"; filename*=UTF-8''${encodeRfc5987(fileName)}`;
}

/** Sends a file read with `readFile` (after the host's policy allowed it) as a download. */
export function sendFileAttachment(reply: FastifyReply, file: { metadata: StoredFile; bytes: Buffer }): FastifyReply {
  return reply
    .type(file.metadata.mediaType)
    .header('content-disposition', attachmentDisposition(file.metadata.fileName))
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'no-store')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .send(file.bytes);
}
