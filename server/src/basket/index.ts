/**
 * The basket's public surface for other domains, beside its policy and queries (docs/ARCHITECTURE.md).
 */
// A new partnership reserves its public basket address in its own creating transaction.
export { reservePublicationSlug } from './public-page/publication.store.js';
