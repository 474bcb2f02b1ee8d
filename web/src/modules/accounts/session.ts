/**
 * The signed-in user (Me) lives in the react-query cache under ['me']; null means signed out.
 * Signing out or losing the session drops every other cached response (docs/security.md §25).
 */
import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { z } from 'zod';
import { Me } from '../../../../shared/src/contracts/auth';
import { ApiError, apiRequest, setCsrfToken } from '../../api/client';

export const meQueryKey = ['me'] as const;

let hasSignedOut = false;

/**
 * True after an explicit sign-out: the next person to sign in on this browser starts at home, not
 * on the page the previous user had open. A lost session (401) keeps the way back.
 */
export function isAfterSignOut(): boolean {
  return hasSignedOut;
}

async function fetchMe(): Promise<Me | null> {
  try {
    const me = await apiRequest('/auth/me', { schema: Me, isAuthProbe: true });
    setCsrfToken(me.csrfToken);
    return me;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
      setCsrfToken(null);
      return null;
    }
    throw error;
  }
}

/** The current user, or null when signed out (undefined while loading). */
export function useMe() {
  return useQuery({ queryKey: meQueryKey, queryFn: fetchMe, retry: false, staleTime: 5 * 60_000 });
}

/** The current user inside pages behind RequireAuth. */
export function useSignedInMe(): Me {
  const { data } = useMe();
  if (!data) throw new Error('useSignedInMe used outside RequireAuth');
  return data;
}

/** Stores a fresh Me (after sign-in, role switch) and its CSRF token. */
export function storeMe(queryClient: QueryClient, me: Me): void {
  hasSignedOut = false;
  setCsrfToken(me.csrfToken);
  queryClient.setQueryData(meQueryKey, me);
}

/** Forgets everything the browser holds about the user: cached data, mutations, CSRF token. */
export function forgetSession(queryClient: QueryClient): void {
  setCsrfToken(null);
  queryClient.cancelQueries({ predicate: (query) => query.queryKey[0] !== 'me' });
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== 'me' });
  queryClient.getMutationCache().clear();
  queryClient.setQueryData(meQueryKey, null);
}

/** Ends the server session, then forgets the local state. */
export function useSignOut() {
  const queryClient = useQueryClient();
  return useCallback(async () => {
    try {
      await apiRequest('/auth/logout', { method: 'POST', schema: z.unknown(), isAuthProbe: true });
    } catch {
      // Signed out locally even if the server could not be reached; its session then expires.
    }
    hasSignedOut = true;
    forgetSession(queryClient);
  }, [queryClient]);
}
