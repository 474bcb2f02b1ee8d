/**
 * Documents: one model of a printable document (render/document-model.ts), its renderers
 * (render/pdf-renderer.ts, render/docx-renderer.ts), and stored versions of a document with a
 * SHA-256 each (versions.service.ts, docs/security.md §28). Any domain builds a DocumentModel from
 * what the actor may see and renders or stores it here; this folder knows no domain.
 */
export {
  truncateText,
  type DocumentBlock,
  type DocumentLanguage,
  type DocumentModel,
  type DocumentSection,
} from './render/document-model.js';
export { renderPdf, type RenderedPdf } from './render/pdf-renderer.js';
export { DOCX_CONTENT_TYPE, renderDocx, type RenderedDocx } from './render/docx-renderer.js';
export {
  approveVersion,
  canonicalJson,
  correctVersion,
  DocumentIntegrityError,
  listVersions,
  modelWithVersionFooter,
  readVersion,
  renderVersion,
  saveDraft,
  type DocumentHost,
  type ReadDocumentVersion,
  type RenderedDocumentVersion,
  type SaveDocumentInput,
} from './versions.service.js';
