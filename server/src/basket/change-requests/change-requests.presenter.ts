/** Change request row -> response: an explicit whitelist of the contract's fields. */
import type { ChangeRequest } from '../../../../shared/src/contracts/basket.js';
import type { ChangeRequestDetailRow } from './change-requests.queries.js';

const iso = (value: Date | null): string | null => (value ? value.toISOString() : null);

/** What only the single read adds: the live card beside the proposal (reviewers and deciders only). */
export type DecisionView = Pick<ChangeRequest, 'currentValues' | 'changedSinceProposal' | 'valueLabels'>;

const noDecisionView: DecisionView = { currentValues: null, changedSinceProposal: [], valueLabels: {} };

export function presentChangeRequest(
  row: ChangeRequestDetailRow,
  abilities: ChangeRequest['abilities'],
  view: DecisionView = noDecisionView,
): ChangeRequest {
  return {
    id: row.id,
    partnershipId: row.partnershipId,
    serviceId: row.serviceId,
    serviceName: row.serviceName,
    kind: row.kind,
    status: row.status,
    proposal: (row.proposal ?? {}) as Record<string, unknown>,
    justification: row.justification,
    requestedByDisplayName: row.requestedByDisplayName,
    requestedByInstitutionName: row.requestedByInstitutionName,
    createdAt: row.createdAt.toISOString(),
    reviewedByDisplayName: row.reviewedByDisplayName,
    reviewedAt: iso(row.reviewedAt),
    reviewNote: row.reviewNote,
    decidedByDisplayName: row.decidedByDisplayName,
    decidedAt: iso(row.decidedAt),
    decisionReason: row.decisionReason,
    resultServiceId: row.resultServiceId,
    serviceStatus: row.serviceStatus,
    currentValues: view.currentValues,
    changedSinceProposal: view.changedSinceProposal,
    valueLabels: view.valueLabels,
    abilities,
  };
}
