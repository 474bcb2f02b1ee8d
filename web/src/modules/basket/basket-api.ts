import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import {
  BasketGaps,
  BasketPublication,
  BasketPublicationInput,
  ChangeRequest,
  ChangeRequestPage,
  CreateChangeRequestInput,
  CreateServiceInput,
  DecideChangeRequestInput,
  ImportMappingInput,
  ImportMappings,
  ImportPreview,
  ImportResult,
  ReviewChangeRequestInput,
  Service,
  ServiceHistory,
  ServicePage,
  SendServiceLeafletInput,
  ServiceTransitionInput,
  UpdateServiceInput,
} from '../../../../shared/src/contracts/basket';
import { Ok } from '../../../../shared/src/contracts/common';
import { API_BASE, apiRequest, apiUpload, apiUrl } from '../../api/client';

/** One value per filter, as the search form offers them (the API also takes lists). */
export type ServiceFilters = {
  q?: string;
  partnershipId?: string;
  voivodeshipCode?: string;
  area?: string;
  targetGroup?: string;
  cost?: string;
  origin?: string;
  providerKind?: string;
  coversGmina?: string;
  status?: string;
  isStale?: 'true' | 'false';
  page: number;
  pageSize: number;
};

/** GET /services: the baskets the user may see; the server ignores diacritics and forgives one typo. */
export function useServices(params: ServiceFilters, isEnabled = true) {
  return useQuery({
    queryKey: ['services', params],
    queryFn: () => apiRequest('/services', { schema: ServicePage, query: params }),
    placeholderData: keepPreviousData,
    enabled: isEnabled,
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

export function useCreateService() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: z.output<typeof CreateServiceInput>) =>
      apiRequest('/services', { method: 'POST', body, schema: Service }),
    onSuccess: (service) => {
      queryClient.setQueryData(['service', service.id], service);
      void queryClient.invalidateQueries({ queryKey: ['services'] });
    },
  });
}

export function useUpdateService(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: z.output<typeof UpdateServiceInput>) =>
      apiRequest(`/services/${id}`, { method: 'PATCH', body, schema: Service }),
    onSuccess: (service) => {
      queryClient.setQueryData(['service', id], service);
      void queryClient.invalidateQueries({ queryKey: ['services'] });
      void queryClient.invalidateQueries({ queryKey: ['service-history', id] });
    },
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
      void queryClient.invalidateQueries({ queryKey: ['basket-gaps'] });
      // The card or request may have left someone's "Do zrobienia".
      void queryClient.invalidateQueries({ queryKey: ['tasks'] });
    },
  });
}

/**
 * POST /services/:id/leaflet/email: the card for a client (PDF) to the client's address. The address
 * goes only into this request: it is not kept in the query cache or anywhere else.
 */
export function useSendServiceLeaflet(id: string) {
  return useMutation({
    mutationFn: (body: z.output<typeof SendServiceLeafletInput>) =>
      apiRequest(`/services/${id}/leaflet/email`, { method: 'POST', body, schema: Ok }),
  });
}

/** GET /partnerships/:id/basket/gaps: published services per area and target group. */
export function useBasketGaps(partnershipId: string) {
  return useQuery({
    queryKey: ['basket-gaps', partnershipId],
    queryFn: () => apiRequest(`/partnerships/${partnershipId}/basket/gaps`, { schema: BasketGaps }),
  });
}

export type ChangeRequestFilter = { partnershipId: string; status?: string[]; page: number; pageSize: number };

export function useChangeRequests(params: ChangeRequestFilter) {
  return useQuery({
    queryKey: ['change-requests', params],
    queryFn: () => apiRequest('/basket-change-requests', { schema: ChangeRequestPage, query: params }),
    placeholderData: keepPreviousData,
  });
}

/** One request as its decision dialog shows it: reviewers and deciders get the card's live values too. */
export function useChangeRequest(id: string | null) {
  return useQuery({
    queryKey: ['change-requests', 'one', id],
    queryFn: () => apiRequest(`/basket-change-requests/${id}`, { schema: ChangeRequest }),
    enabled: Boolean(id),
  });
}

export function useCreateChangeRequest() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: z.output<typeof CreateChangeRequestInput>) =>
      apiRequest('/basket-change-requests', { method: 'POST', body, schema: ChangeRequest }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['change-requests'] }),
  });
}

/** Review (coordinator) or decide (leader) a change request. */
export function useChangeRequestStep() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (
      step:
        | { id: string; kind: 'review'; body: z.input<typeof ReviewChangeRequestInput> }
        | { id: string; kind: 'decision'; body: z.input<typeof DecideChangeRequestInput> },
    ) =>
      apiRequest(`/basket-change-requests/${step.id}/${step.kind}`, {
        method: 'POST',
        body: step.body,
        schema: ChangeRequest,
      }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['change-requests'] });
      void queryClient.invalidateQueries({ queryKey: ['services'] });
      void queryClient.invalidateQueries({ queryKey: ['basket-gaps'] });
      // The card or request may have left someone's "Do zrobienia".
      void queryClient.invalidateQueries({ queryKey: ['tasks'] });
    },
  });
}

export function useBasketPublication(partnershipId: string) {
  return useQuery({
    queryKey: ['basket-publication', partnershipId],
    queryFn: () => apiRequest(`/partnerships/${partnershipId}/basket/publication`, { schema: BasketPublication }),
  });
}

export function useSaveBasketPublication(partnershipId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: z.output<typeof BasketPublicationInput>) =>
      apiRequest(`/partnerships/${partnershipId}/basket/publication`, {
        method: 'PUT',
        body,
        schema: BasketPublication,
      }),
    onSuccess: (publication) => queryClient.setQueryData(['basket-publication', partnershipId], publication),
  });
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Uploads a sheet (.xlsx) or an HSDS document (.json): the server answers a preview and writes nothing. */
export function uploadImport(
  partnershipId: string,
  format: 'xlsx' | 'hsds',
  file: File,
  onProgress: (percent: number) => void,
) {
  return apiUpload(`/partnerships/${partnershipId}/basket/${format === 'xlsx' ? 'imports' : 'hsds'}`, {
    file,
    contentType: format === 'xlsx' ? XLSX_TYPE : 'application/json',
    schema: ImportPreview,
    onProgress,
  });
}

/** The importer's choices sent with the confirmation: duplicate rows to create, and the new cards' status. */
export type ImportChoices = {
  duplicates?: Array<{ row: number; choice: 'skip' | 'create' }>;
  newCards?: 'publish' | 'review';
};

export function confirmImport(partnershipId: string, importId: string, choices: ImportChoices = {}) {
  return apiRequest(`/partnerships/${partnershipId}/basket/imports/${encodeURIComponent(importId)}/confirm`, {
    method: 'POST',
    body: { importId, ...choices },
    schema: ImportResult,
  });
}

/** Keeps how the partnership's sheet columns are read; the next upload (and the re-read now) uses it. */
export function saveImportMappings(partnershipId: string, body: z.input<typeof ImportMappingInput>) {
  return apiRequest(`/partnerships/${partnershipId}/basket/import-mappings`, {
    method: 'PUT',
    body,
    schema: ImportMappings,
  });
}

/** The rejected rows of a pending import with their reasons, as .xlsx (the uploader only, while it lives). */
export const importErrorsUrl = (partnershipId: string, importId: string) =>
  `${API_BASE}/partnerships/${partnershipId}/basket/imports/${encodeURIComponent(importId)}/errors.xlsx`;

/** Download links (same-origin cookies; the browser saves the answer). */
export const basketFiles = {
  template: `${API_BASE}/basket/template.xlsx`,
  export: (partnershipId: string, format: 'xlsx' | 'csv', filters: Record<string, string | undefined>) =>
    apiUrl(`/partnerships/${partnershipId}/basket/export.${format}`, filters),
  hsds: (partnershipId: string) => `${API_BASE}/partnerships/${partnershipId}/basket/hsds.json`,
  /** The card for a client, one A4 page to print (opens in the browser's PDF viewer). */
  leaflet: (serviceId: string) => `${API_BASE}/services/${serviceId}/leaflet.pdf`,
  /** The same card as DOCX, to edit in Word or LibreOffice (downloaded). */
  leafletDocx: (serviceId: string) => `${API_BASE}/services/${serviceId}/leaflet.docx`,
};
