import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { NotificationList } from '../../../../shared/src/contracts/notifications';
import { apiRequest } from '../../api/client';

/** GET /notifications (own); polled every minute for the bell. */
export function useNotifications(isEnabled = true) {
  return useQuery({
    queryKey: ['notifications'],
    queryFn: () => apiRequest('/notifications', { schema: NotificationList }),
    enabled: isEnabled,
    refetchInterval: 60_000,
    retry: false,
  });
}

/** Marks one own notification read, or all of them with `'all'`. */
export function useMarkNotificationsRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string | 'all') =>
      apiRequest(id === 'all' ? '/notifications/read-all' : `/notifications/${id}/read`, {
        method: 'POST',
        schema: z.unknown(),
      }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['notifications'] }),
  });
}
