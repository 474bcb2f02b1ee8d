import { Anchor, Badge, Button, Card, Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { NotificationList as NotificationListData } from '../../../../shared/src/contracts/notifications';
import { formatDateTime } from '../common/format';
import { ProblemAlert } from '../common/problem-alert';
import { useMarkNotificationsRead } from './notifications-api';

/** Only links inside the app are followed (a notification never sends the user elsewhere). */
function internalLink(link: string | null): string | null {
  if (!link || !link.startsWith('/') || link.startsWith('//')) return null;
  return link;
}

/**
 * The user's notifications with "mark read". Each kind is worded by `notifications.kinds.<kind>`
 * with the parameters its domain declares (ids, counts, public names); a kind this client has no
 * words for reads as a generic notice.
 */
export function NotificationList({ data }: { data: NotificationListData }) {
  const { t } = useTranslation();
  const mark = useMarkNotificationsRead();
  return (
    <>
      <Group justify="space-between" mb="md" wrap="wrap">
        <Text aria-live="polite">{t('notifications.unread', { count: data.unreadCount })}</Text>
        {data.unreadCount > 0 && (
          <Button
            variant="default"
            loading={mark.isPending && mark.variables === 'all'}
            onClick={() => mark.mutate('all')}
          >
            {t('notifications.markAllRead')}
          </Button>
        )}
      </Group>
      {mark.error ? <ProblemAlert error={mark.error} /> : null}
      {data.items.length === 0 ? (
        <Text c="dark.6">{t('notifications.none')}</Text>
      ) : (
        <Stack component="ul" gap="sm" p={0} m={0} style={{ listStyle: 'none' }}>
          {data.items.map((item) => {
            const link = internalLink(item.link);
            const text = t(`notifications.kinds.${item.kind}`, {
              serviceName: '',
              partnershipName: '',
              ...item.params,
              defaultValue: t('notifications.generic'),
            });
            return (
              <Card
                component="li"
                key={item.id}
                withBorder
                padding="sm"
                style={item.isRead ? undefined : { borderLeft: '4px solid var(--mantine-color-blue-7)' }}
              >
                <Group justify="space-between" align="flex-start" wrap="wrap">
                  <div>
                    <Text fw={item.isRead ? 400 : 600}>
                      {link ? (
                        <Anchor component={Link} to={link} onClick={() => !item.isRead && mark.mutate(item.id)}>
                          {text}
                        </Anchor>
                      ) : (
                        text
                      )}
                    </Text>
                    <Text size="sm" c="dark.6">
                      {formatDateTime(item.createdAt)}
                    </Text>
                  </div>
                  <Group gap="xs">
                    {!item.isRead && (
                      <>
                        <Badge color="blue" variant="light">
                          {t('notifications.new')}
                        </Badge>
                        <Button
                          size="xs"
                          variant="subtle"
                          aria-label={`${t('notifications.markRead')}: ${text}`}
                          onClick={() => mark.mutate(item.id)}
                        >
                          {t('notifications.markRead')}
                        </Button>
                      </>
                    )}
                  </Group>
                </Group>
              </Card>
            );
          })}
        </Stack>
      )}
    </>
  );
}
