import { Indicator, UnstyledButton } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { paths } from '../../paths';
import { useNotifications } from './notifications-api';

/** The bell in the header: unread count in the name (screen readers) and as a badge (sight). */
export function NotificationBell() {
  const { t } = useTranslation();
  const query = useNotifications();
  const unread = query.data?.unreadCount ?? 0;
  return (
    <Indicator label={unread > 99 ? '99+' : unread} size={18} disabled={unread === 0} color="red.8" offset={4}>
      <UnstyledButton
        component={Link}
        to={paths.notifications}
        className="bell"
        aria-label={unread > 0 ? t('notifications.bellUnread', { count: unread }) : t('notifications.bell')}
      >
        <svg
          aria-hidden="true"
          width="22"
          height="22"
          viewBox="0 0 24 24"
          fill="none"
          stroke="currentColor"
          strokeWidth="2"
        >
          <path d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
          <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
        </svg>
      </UnstyledButton>
    </Indicator>
  );
}
