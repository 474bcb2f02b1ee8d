import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import {
  ChangePasswordInput,
  RecoveryCodes,
  SessionList,
  TotpDisableInput,
  TotpEnableInput,
  TotpSetup,
} from '../../../../shared/src/contracts/auth';
import { apiRequest } from '../../api/client';
import { meQueryKey } from './session';

export function useOwnSessions() {
  return useQuery({ queryKey: ['own-sessions'], queryFn: () => apiRequest('/auth/sessions', { schema: SessionList }) });
}

/** POST /auth/password; the server ends the other sessions, so Me and the session list reload. */
export function useChangePassword() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: z.output<typeof ChangePasswordInput>) =>
      apiRequest('/auth/password', { method: 'POST', body, schema: z.unknown() }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: meQueryKey });
      void queryClient.invalidateQueries({ queryKey: ['own-sessions'] });
    },
  });
}

export function useEndOwnSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (sessionId: string) =>
      apiRequest(`/auth/sessions/${sessionId}`, { method: 'DELETE', schema: z.unknown() }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['own-sessions'] }),
  });
}

export function useRevokeOtherSessions() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiRequest('/auth/sessions/revoke-others', { method: 'POST', schema: z.unknown() }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['own-sessions'] }),
  });
}

export function useTotpSetup() {
  return useMutation({ mutationFn: () => apiRequest('/auth/totp/setup', { method: 'POST', schema: TotpSetup }) });
}

export function useTotpEnable() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: z.output<typeof TotpEnableInput>) =>
      apiRequest('/auth/totp/enable', { method: 'POST', body, schema: RecoveryCodes }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: meQueryKey }),
  });
}

export function useTotpDisable() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: z.output<typeof TotpDisableInput>) =>
      apiRequest('/auth/totp/disable', { method: 'POST', body, schema: z.unknown() }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: meQueryKey }),
  });
}
