import { Badge, Button, Group, NativeSelect, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { ChangeRequest } from '../../../../shared/src/contracts/basket';
import { DataTable } from '../common/data-table';
import { formatDate } from '../common/format';
import { QueryState } from '../common/loading';
import { Pager } from '../common/pager';
import { paths } from '../../paths';
import { useChangeRequests } from './basket-api';
import { ChangeRequestDecisionModal } from './change-request-decision';
import { formatProposedValue, proposedFieldsInCardOrder } from './change-request-values';
import { ChangeRequestModal } from './change-request-modal';

const statusColors = { pending: 'yellow', reviewed: 'blue', applied: 'green', refused: 'red' } as const;
const groups = { open: ['pending', 'reviewed'], decided: ['applied', 'refused'], all: [] } as const;
type Group_ = keyof typeof groups;

function Proposal({ request }: { request: ChangeRequest }) {
  const { t, i18n } = useTranslation();
  const entries = proposedFieldsInCardOrder(request.proposal)
    .map((field) => [field, request.proposal[field]] as const)
    .filter(([, value]) => value !== null && value !== '');
  if (entries.length === 0) return <>–</>;
  return (
    <ul className="compact-list">
      {entries.map(([key, value]) => (
        <li key={key}>
          {t(`serviceFields.${key}`, { defaultValue: key })}:{' '}
          {formatProposedValue(t, key, value, request.valueLabels, i18n.language)}
        </li>
      ))}
    </ul>
  );
}

/** An open request the viewer may review or decide. */
function canActOn(request: ChangeRequest): boolean {
  return (
    (request.status === 'pending' && request.abilities.canReview) ||
    (request.status === 'reviewed' && request.abilities.canDecide)
  );
}

/** The request's name in titles and button labels: the card's, or the proposed new service's. */
function labelOf(request: ChangeRequest): string {
  return request.serviceName ?? String(request.proposal.name ?? '');
}

/** Change requests of a partnership: open (pending, reviewed) and decided; review and decide by abilities. */
export function ChangeRequestsSection({ partnershipId, canPropose }: { partnershipId: string; canPropose: boolean }) {
  const { t } = useTranslation();
  const [group, setGroup] = useState<Group_>('open');
  const [page, setPage] = useState(1);
  const [isProposing, setIsProposing] = useState(false);
  const [deciding, setDeciding] = useState<ChangeRequest | null>(null);
  const query = useChangeRequests({
    partnershipId,
    status: groups[group].length ? [...groups[group]] : undefined,
    page,
    pageSize: 20,
  });
  return (
    <>
      <Group justify="space-between" align="end" mb="md" wrap="wrap">
        <NativeSelect
          label={t('changeRequests.show')}
          value={group}
          onChange={(event) => {
            setGroup(event.currentTarget.value as Group_);
            setPage(1);
          }}
          data={(Object.keys(groups) as Group_[]).map((key) => ({
            value: key,
            label: t(`changeRequests.groups.${key}`),
          }))}
        />
        {canPropose && <Button onClick={() => setIsProposing(true)}>{t('changeRequests.proposeNew')}</Button>}
      </Group>
      <Text size="sm" mb="sm">
        {t('changeRequests.workflow')}
      </Text>
      <QueryState query={query}>
        {(data) => (
          <>
            <DataTable<ChangeRequest>
              caption={t('changeRequests.caption', { count: data.total })}
              rows={data.items}
              rowKey={(row) => row.id}
              emptyText={t('changeRequests.none')}
              stackBelow="md"
              columns={[
                {
                  key: 'subject',
                  header: t('changeRequests.subject'),
                  isRowHeader: true,
                  cell: (row) => (
                    <>
                      <Text size="sm" fw={500}>
                        {t(`changeRequestKinds.${row.kind}`)}
                      </Text>
                      {row.serviceId ? (
                        <Link to={paths.service(row.serviceId)}>{row.serviceName}</Link>
                      ) : (
                        <Text size="sm">{String(row.proposal.name ?? '–')}</Text>
                      )}
                    </>
                  ),
                },
                {
                  key: 'status',
                  header: t('changeRequests.status'),
                  cell: (row) => (
                    <Badge variant="light" color={statusColors[row.status]}>
                      {t(`changeRequestStatuses.${row.status}`)}
                    </Badge>
                  ),
                },
                {
                  key: 'by',
                  header: t('changeRequests.requestedBy'),
                  cell: (row) => (
                    <>
                      {row.requestedByDisplayName}
                      {row.requestedByInstitutionName ? `, ${row.requestedByInstitutionName}` : ''}
                      <br />
                      {formatDate(row.createdAt)}
                    </>
                  ),
                },
                {
                  key: 'proposal',
                  header: t('changeRequests.proposal'),
                  isWide: true,
                  cell: (row) => <Proposal request={row} />,
                },
                {
                  key: 'justification',
                  header: t('changeRequests.justification'),
                  isWide: true,
                  cell: (row) => row.justification ?? '–',
                },
                {
                  key: 'outcome',
                  header: t('changeRequests.outcome'),
                  isWide: true,
                  cell: (row) =>
                    [
                      row.reviewNote ? `${t('changeRequests.reviewNote')}: ${row.reviewNote}` : null,
                      row.decidedAt
                        ? `${row.decidedByDisplayName ?? ''} ${formatDate(row.decidedAt)}${row.decisionReason ? `: ${row.decisionReason}` : ''}`
                        : null,
                    ]
                      .filter(Boolean)
                      .join(' · ') || '–',
                },
                {
                  key: 'actions',
                  header: t('common.actions'),
                  isAction: true,
                  cell: (row) =>
                    canActOn(row) ? (
                      <Button
                        size="xs"
                        aria-label={`${t(row.status === 'pending' ? 'changeRequestDecision.openReview' : 'changeRequestDecision.openDecision')}: ${labelOf(row)}`}
                        onClick={() => setDeciding(row)}
                      >
                        {t(
                          row.status === 'pending'
                            ? 'changeRequestDecision.openReview'
                            : 'changeRequestDecision.openDecision',
                        )}
                      </Button>
                    ) : (
                      '–'
                    ),
                },
              ]}
            />
            <Pager page={data.page} pageSize={data.pageSize} total={data.total} onChange={setPage} />
          </>
        )}
      </QueryState>
      <ChangeRequestModal partnershipId={partnershipId} opened={isProposing} onClose={() => setIsProposing(false)} />
      <ChangeRequestDecisionModal
        requestId={deciding?.id ?? null}
        label={deciding ? labelOf(deciding) : ''}
        onClose={() => setDeciding(null)}
      />
    </>
  );
}
