import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { Service, ServiceHistory, ServicePage, ServiceTransitionInput } from '../../../../shared/src/contracts/basket';
import { apiRequest } from '../../api/client';

/** One value per filter, as the search form offers them (the API also takes lists). */
export type ServiceFilters = {
  q?: string;
  partnershipId?: string;
  area?: string;
  targetGroup?: string;
  cost?: string;
  origin?: string;
  isStale?: 'true' | 'false';
  page: number;
  pageSize: number;
};

/** GET /services: the baskets the user may see; the server ignores diacritics and forgives one typo. */
export function useServices(params: ServiceFilters) {
  return useQuery({
    queryKey: ['services', params],
    queryFn: () => apiRequest('/services', { schema: ServicePage, query: params }),
    placeholderData: keepPreviousData,
  });
}

/** GET /services/:id (audited on the server: the card names a contact person). */
export function useService(id: string | undefined) {
  return useQuery({
    queryKey: ['service', id],
    queryFn: () => apiRequest(`/services/${id}`, { schema: Service }),
    enabled: Boolean(id),
  });
}

export function useServiceHistory(id: string | undefined, isEnabled: boolean) {
  return useQuery({
    queryKey: ['service-history', id],
    queryFn: () => apiRequest(`/services/${id}/history`, { schema: ServiceHistory }),
    enabled: Boolean(id) && isEnabled,
  });
}

/** POST /services/:id/transitions: submit, publish, suspend, withdraw, return to draft, confirm. */
export function useServiceTransition(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: z.input<typeof ServiceTransitionInput>) =>
      apiRequest(`/services/${id}/transitions`, { method: 'POST', body, schema: Service }),
    onSuccess: (service) => {
      queryClient.setQueryData(['service', id], service);
      void queryClient.invalidateQueries({ queryKey: ['services'] });
      void queryClient.invalidateQueries({ queryKey: ['service-history', id] });
    },
  });
}
