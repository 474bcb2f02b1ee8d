/**
 * Documents: one model of a printable document (render/document-model.ts) and its renderers
 * (render/pdf-renderer.ts; DOCX next). Any domain builds a DocumentModel from what the actor may
 * see and renders it here; this folder knows no domain.
 */
export {
  truncateText,
  type DocumentBlock,
  type DocumentLanguage,
  type DocumentModel,
  type DocumentSection,
} from './render/document-model.js';
export { renderPdf, type RenderedPdf } from './render/pdf-renderer.js';
