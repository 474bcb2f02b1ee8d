import { Badge, Button } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { SessionView } from '../../../../shared/src/contracts/auth';
import { DataTable } from '../common/data-table';
import { formatDateTime } from '../common/format';

type SessionsTableProps = {
  caption: string;
  sessions: SessionView[];
  onEnd?: (session: SessionView) => void;
  endingId?: string | null;
};

/** Sessions with when they started, were last used and expire; optionally a button to end one. */
export function SessionsTable({ caption, sessions, onEnd, endingId }: SessionsTableProps) {
  const { t } = useTranslation();
  return (
    <DataTable<SessionView>
      caption={caption}
      rows={sessions}
      rowKey={(row) => row.id}
      emptyText={t('sessions.none')}
      stackBelow="sm"
      columns={[
        {
          key: 'created',
          header: t('sessions.createdAt'),
          isRowHeader: true,
          cell: (row) => (
            <>
              {formatDateTime(row.createdAt)}
              {row.isCurrent && (
                <Badge ml="xs" variant="light" color="green">
                  {t('sessions.current')}
                </Badge>
              )}
            </>
          ),
        },
        { key: 'lastSeen', header: t('sessions.lastSeenAt'), cell: (row) => formatDateTime(row.lastSeenAt) },
        { key: 'expires', header: t('sessions.expiresAt'), cell: (row) => formatDateTime(row.expiresAt) },
        { key: 'ip', header: t('sessions.ip'), cell: (row) => row.ip ?? '' },
        {
          key: 'agent',
          header: t('sessions.userAgent'),
          isWide: true,
          cell: (row) => <span className="mono">{row.userAgent ?? ''}</span>,
        },
        ...(onEnd
          ? [
              {
                key: 'actions',
                header: t('common.actions'),
                isAction: true,
                cell: (row: SessionView) =>
                  row.isCurrent ? null : (
                    <Button size="xs" variant="default" loading={endingId === row.id} onClick={() => onEnd(row)}>
                      {t('sessions.end')}
                    </Button>
                  ),
              },
            ]
          : []),
      ]}
    />
  );
}
