import { Anchor, Badge, Button, Card, Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useMarkNotificationsRead, useNotifications } from '../modules/basket/basket-api';
import { formatDateTime } from '../modules/common/format';
import { QueryState } from '../modules/common/loading';
import { ProblemAlert } from '../modules/common/problem-alert';
import { PageTitle } from '../modules/layout/page-title';

/** Only links inside the app are followed (a notification never sends the user elsewhere). */
function internalLink(link: string | null, kind: string): string | null {
  if (!link || !link.startsWith('/') || link.startsWith('//')) return null;
  // Change-request notifications open the basket's requests tab.
  if (kind.startsWith('basketRequest.') && link.endsWith('/koszyk')) return `${link}?widok=requests`;
  return link;
}

/** In-app notifications: stale-service reminders, change requests, decisions; mark read. */
export function NotificationsPage() {
  const { t } = useTranslation();
  const query = useNotifications();
  const mark = useMarkNotificationsRead();
  return (
    <>
      <PageTitle title={t('notifications.title')} />
      <QueryState query={query}>
        {(data) => (
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
                  const link = internalLink(item.link, item.kind);
                  const text = t(`notifications.kinds.${item.kind}`, {
                    serviceName: '',
                    partnershipName: '',
                    ...(item.params as Record<string, unknown>),
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
        )}
      </QueryState>
    </>
  );
}
