import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { AuditPage, AuditVerification, type AuditListQuery } from '../../../../shared/src/contracts/audit';
import { apiRequest, type ListParams } from '../../api/client';

/** GET /audit-events (admin). */
export function useAuditEvents(params: ListParams<AuditListQuery>) {
  return useQuery({
    queryKey: ['audit-events', params],
    queryFn: () => apiRequest('/audit-events', { schema: AuditPage, query: params }),
    placeholderData: keepPreviousData,
  });
}

/** GET /audit-events/verification: checks every event and sealed block; may take a while on a big log. */
export function useVerifyAudit() {
  return useMutation({
    mutationFn: () => apiRequest('/audit-events/verification', { schema: AuditVerification }),
  });
}
