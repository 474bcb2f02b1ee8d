import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import {
  AddMemberInput,
  CreatePartnershipInput,
  Partnership,
  PartnershipPage,
  UpdateMemberInput,
  UpdatePartnershipInput,
  type PartnershipListQuery,
} from '../../../../shared/src/contracts/partnerships';
import { apiRequest, type ListParams } from '../../api/client';

/** GET /partnerships: only those visible to the acting user. */
export function usePartnerships(params: ListParams<PartnershipListQuery>) {
  return useQuery({
    queryKey: ['partnerships', params],
    queryFn: () => apiRequest('/partnerships', { schema: PartnershipPage, query: params }),
    placeholderData: keepPreviousData,
  });
}

export function usePartnership(id: string | undefined) {
  return useQuery({
    queryKey: ['partnership', id],
    queryFn: () => apiRequest(`/partnerships/${id}`, { schema: Partnership }),
    enabled: Boolean(id),
  });
}

function useStorePartnership() {
  const queryClient = useQueryClient();
  return (partnership: Partnership) => {
    queryClient.setQueryData(['partnership', partnership.id], partnership);
    void queryClient.invalidateQueries({ queryKey: ['partnerships'] });
  };
}

export function useCreatePartnership() {
  const store = useStorePartnership();
  return useMutation({
    mutationFn: (body: z.output<typeof CreatePartnershipInput>) =>
      apiRequest('/partnerships', { method: 'POST', body, schema: Partnership }),
    onSuccess: store,
  });
}

export function useUpdatePartnership(id: string) {
  const store = useStorePartnership();
  return useMutation({
    mutationFn: (body: z.output<typeof UpdatePartnershipInput>) =>
      apiRequest(`/partnerships/${id}`, { method: 'PATCH', body, schema: Partnership }),
    onSuccess: store,
  });
}

export function useAddMember(id: string) {
  const store = useStorePartnership();
  return useMutation({
    mutationFn: (body: z.output<typeof AddMemberInput>) =>
      apiRequest(`/partnerships/${id}/members`, { method: 'POST', body, schema: Partnership }),
    onSuccess: store,
  });
}

export function useUpdateMember(id: string, memberId: string) {
  const store = useStorePartnership();
  return useMutation({
    mutationFn: (body: z.output<typeof UpdateMemberInput>) =>
      apiRequest(`/partnerships/${id}/members/${memberId}`, { method: 'PATCH', body, schema: Partnership }),
    onSuccess: store,
  });
}
