import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import {
  CreateInstitutionInput,
  Institution,
  InstitutionPage,
  UpdateInstitutionInput,
  type InstitutionListQuery,
} from '../../../../shared/src/contracts/institutions';
import { apiRequest, type ListParams } from '../../api/client';

/** GET /institutions (paged, filtered; the name search ignores diacritics). */
export function useInstitutions(params: ListParams<InstitutionListQuery>, isEnabled = true) {
  return useQuery({
    queryKey: ['institutions', params],
    queryFn: () => apiRequest('/institutions', { schema: InstitutionPage, query: params }),
    placeholderData: keepPreviousData,
    enabled: isEnabled,
  });
}

/** GET /institutions/:id (audited on the server: contacts are personal data). */
export function useInstitution(id: string | undefined) {
  return useQuery({
    queryKey: ['institution', id],
    queryFn: () => apiRequest(`/institutions/${id}`, { schema: Institution }),
    enabled: Boolean(id),
  });
}

export function useCreateInstitution() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: z.output<typeof CreateInstitutionInput>) =>
      apiRequest('/institutions', { method: 'POST', body, schema: Institution }),
    onSuccess: (institution) => {
      queryClient.setQueryData(['institution', institution.id], institution);
      void queryClient.invalidateQueries({ queryKey: ['institutions'] });
    },
  });
}

export function useUpdateInstitution(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: z.output<typeof UpdateInstitutionInput>) =>
      apiRequest(`/institutions/${id}`, { method: 'PATCH', body, schema: Institution }),
    onSuccess: (institution) => {
      queryClient.setQueryData(['institution', id], institution);
      void queryClient.invalidateQueries({ queryKey: ['institutions'] });
    },
  });
}

/** POST /institutions/:id/archive or /restore. */
export function useArchiveInstitution(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: 'archive' | 'restore') =>
      apiRequest(`/institutions/${id}/${action}`, { method: 'POST', schema: Institution }),
    onSuccess: (institution) => {
      queryClient.setQueryData(['institution', id], institution);
      void queryClient.invalidateQueries({ queryKey: ['institutions'] });
    },
  });
}
