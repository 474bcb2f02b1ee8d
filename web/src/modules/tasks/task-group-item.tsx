import { Anchor, List, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { TaskGroup } from '../../../../shared/src/contracts/tasks';

/** One kind of work: its counted heading (Polish plural forms) and links to the screens where it is done. */
export function TaskGroupItem({ group }: { group: TaskGroup }) {
  const { t } = useTranslation();
  const headingId = `tasks-${group.kind.replace(/\W/g, '-')}`;
  const hidden = group.count - group.items.length;
  return (
    <List.Item>
      <Title order={3} size="h5" id={headingId}>
        {t(`tasks.kinds.${group.kind}`, {
          count: group.count,
          defaultValue: t('tasks.generic', { count: group.count }),
        })}
      </Title>
      <List aria-labelledby={headingId} size="sm" spacing={4} mt={4}>
        {group.items.map((item) => {
          const title = item.title ?? t('tasks.untitled');
          return (
            <List.Item key={item.id}>
              <Anchor component={Link} to={item.link}>
                {item.partnershipName ? t('tasks.inPartnership', { title, partnership: item.partnershipName }) : title}
              </Anchor>
            </List.Item>
          );
        })}
      </List>
      {hidden > 0 && (
        <Text size="sm" c="dark.6" mt={4}>
          {t('tasks.more', { count: hidden })}
        </Text>
      )}
    </List.Item>
  );
}
