import { Alert, List, Paper, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useTasks } from './tasks-api';
import { TaskGroupItem } from './task-group-item';

/**
 * "Do zrobienia": the work that waits for the signed-in person in the role they act in, by kind,
 * with counts and links; an empty list says so. The first section of the home page.
 */
export function TaskListSection() {
  const { t } = useTranslation();
  const tasks = useTasks();
  return (
    <Paper component="section" withBorder p="md" mb="xl" aria-labelledby="tasks-title">
      <Title order={2} size="h3" id="tasks-title" mb="xs">
        {t('tasks.title')}
      </Title>
      <Text size="sm" c="dark.6" mb="sm">
        {t('tasks.intro')}
      </Text>
      {tasks.isPending && <Text aria-live="polite">{t('tasks.loading')}</Text>}
      {tasks.isError && (
        <Alert color="red" role="alert">
          {t('tasks.error')}
        </Alert>
      )}
      {tasks.data && tasks.data.groups.length === 0 && <Text>{t('tasks.empty')}</Text>}
      {tasks.data && tasks.data.groups.length > 0 && (
        <Stack gap="sm">
          <Text aria-live="polite">{t('tasks.summary', { count: tasks.data.total })}</Text>
          <List listStyleType="none" spacing="md" aria-labelledby="tasks-title">
            {tasks.data.groups.map((group) => (
              <TaskGroupItem key={group.kind} group={group} />
            ))}
          </List>
        </Stack>
      )}
    </Paper>
  );
}
