/**
 * Stored files, the public surface other domains use (docs/ARCHITECTURE.md, "Stored files"): after
 * their own policy allowed the actor, `storeFile` in their transaction, `readFile` and
 * `sendFileAttachment` to serve one, `listFiles` for the host's list.
 */
export { fileUploadMaxBytes, listFiles, readFile, storeFile } from './files.service.js';
export type { StoreFileInput, StoredFileHost, StoredFileKind } from './files.service.js';
export { attachmentDisposition, sendFileAttachment } from './files.reply.js';
export { fileTooLarge } from './files.content.js';
