import { useQuery } from '@tanstack/react-query';
import { TaskList } from '../../../../shared/src/contracts/tasks';
import { apiRequest } from '../../api/client';

/** GET /tasks: the work waiting for the signed-in person ("Do zrobienia"), refreshed every minute. */
export function useTasks() {
  return useQuery({
    queryKey: ['tasks'],
    queryFn: () => apiRequest('/tasks', { schema: TaskList }),
    refetchInterval: 60_000,
  });
}
