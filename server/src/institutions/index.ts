/**
 * The registry's (institutions') public surface for other domains, beside its policy, queries and
 * events (docs/ARCHITECTURE.md): what another domain may call, and nothing else.
 */
// The first administrator's institution is registered when accounts creates that administrator.
export { registerInstitutionInTransaction, type CreateInstitutionData } from './institutions.service.js';
