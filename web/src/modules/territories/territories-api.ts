import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { TerritoryDetail, TerritoryPage, type TerritoryListQuery } from '../../../../shared/src/contracts/territories';
import { apiRequest } from '../../api/client';

type TerritoryListParams = Partial<Pick<TerritoryListQuery, 'q' | 'level' | 'parentCode' | 'page' | 'pageSize'>>;

/** GET /territories: search with or without diacritics. */
export function useTerritories(params: TerritoryListParams, isEnabled = true) {
  return useQuery({
    queryKey: ['territories', params],
    queryFn: () => apiRequest('/territories', { schema: TerritoryPage, query: params }),
    placeholderData: keepPreviousData,
    enabled: isEnabled,
    staleTime: 10 * 60_000,
  });
}

/** GET /territories/:code with its children. */
export function useTerritory(code: string | undefined) {
  return useQuery({
    queryKey: ['territory', code],
    queryFn: () => apiRequest(`/territories/${encodeURIComponent(code ?? '')}`, { schema: TerritoryDetail }),
    enabled: Boolean(code),
    staleTime: 10 * 60_000,
  });
}
