import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import {
  AddMembershipInput,
  CreateUserInput,
  ResetPasswordInput,
  SessionList,
  UpdateUserInput,
  UserPage,
  UserSummary,
} from '../../../../shared/src/contracts/auth';
import { apiRequest } from '../../api/client';

type UserListParams = { q?: string; institutionId?: string; page?: number; pageSize?: number };

/** POST /users/search (admin). The search text stays in memory and in the body, never in a URL (it may be a name). */
export function useUsers(params: UserListParams, isEnabled = true) {
  return useQuery({
    queryKey: ['users', params],
    queryFn: () => apiRequest('/users/search', { method: 'POST', schema: UserPage, body: params }),
    placeholderData: keepPreviousData,
    enabled: isEnabled,
  });
}

export function useUser(id: string | undefined) {
  return useQuery({
    queryKey: ['user', id],
    queryFn: () => apiRequest(`/users/${id}`, { schema: UserSummary }),
    enabled: Boolean(id),
  });
}

export function useUserSessions(id: string | undefined) {
  return useQuery({
    queryKey: ['user', id, 'sessions'],
    queryFn: () => apiRequest(`/users/${id}/sessions`, { schema: SessionList }),
    enabled: Boolean(id),
  });
}

function useStoreUser() {
  const queryClient = useQueryClient();
  return (user: UserSummary) => {
    queryClient.setQueryData(['user', user.id], user);
    void queryClient.invalidateQueries({ queryKey: ['users'] });
  };
}

export function useCreateUser() {
  const store = useStoreUser();
  return useMutation({
    mutationFn: (body: z.output<typeof CreateUserInput>) =>
      apiRequest('/users', { method: 'POST', body, schema: UserSummary }),
    onSuccess: store,
  });
}

export function useUpdateUser(id: string) {
  const store = useStoreUser();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: z.output<typeof UpdateUserInput>) =>
      apiRequest(`/users/${id}`, { method: 'PATCH', body, schema: UserSummary }),
    onSuccess: (user) => {
      store(user);
      void queryClient.invalidateQueries({ queryKey: ['user', id, 'sessions'] });
    },
  });
}

export function useResetPassword(id: string) {
  return useMutation({
    mutationFn: (body: z.output<typeof ResetPasswordInput>) =>
      apiRequest(`/users/${id}/password-reset`, { method: 'POST', body, schema: z.unknown() }),
  });
}

export function useAddMembership(id: string) {
  const store = useStoreUser();
  return useMutation({
    mutationFn: (body: z.output<typeof AddMembershipInput>) =>
      apiRequest(`/users/${id}/memberships`, { method: 'POST', body, schema: UserSummary }),
    onSuccess: store,
  });
}

export function useRemoveMembership(id: string) {
  const store = useStoreUser();
  return useMutation({
    mutationFn: (membershipId: string) =>
      apiRequest(`/users/${id}/memberships/${membershipId}`, { method: 'DELETE', schema: UserSummary }),
    onSuccess: store,
  });
}

export function useRevokeUserSessions(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiRequest(`/users/${id}/sessions/revoke`, { method: 'POST', schema: z.unknown() }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['user', id, 'sessions'] }),
  });
}
