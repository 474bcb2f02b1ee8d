import { useTranslation } from 'react-i18next';
import { QueryState } from '../modules/common/loading';
import { PageTitle } from '../modules/layout/page-title';
import { NotificationList } from '../modules/notifications/notification-list';
import { useNotifications } from '../modules/notifications/notifications-api';

/** In-app notifications of every domain (stale cards, change requests, sign-in lockouts); mark read. */
export function NotificationsPage() {
  const { t } = useTranslation();
  const query = useNotifications();
  return (
    <>
      <PageTitle title={t('notifications.title')} />
      <QueryState query={query}>{(data) => <NotificationList data={data} />}</QueryState>
    </>
  );
}
