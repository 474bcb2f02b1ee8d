/**
 * Events of the registry (institutions) other domains may subscribe to: part of the domain's public
 * surface (docs/ARCHITECTURE.md), published inside the change's transaction.
 */
import { defineDomainEvent } from '../platform/events/domain-event.js';

/** An institution's name or short name changed (the basket shows it as a card's provider). */
export type InstitutionRenamed = { institutionId: string };

export const institutionRenamed = defineDomainEvent<InstitutionRenamed>('institution.renamed');
