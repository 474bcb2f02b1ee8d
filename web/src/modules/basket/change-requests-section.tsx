import { Badge, Button, Group, NativeSelect, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { ChangeRequest } from '../../../../shared/src/contracts/basket';
import { DataTable } from '../common/data-table';
import { formatDate } from '../common/format';
import { QueryState } from '../common/loading';
import { Pager } from '../common/pager';
import { ProblemAlert } from '../common/problem-alert';
import { paths } from '../../paths';
import { useChangeRequests, useChangeRequestStep } from './basket-api';
import { ChangeRequestModal, ReasonModal } from './change-request-modal';

const statusColors = { pending: 'yellow', reviewed: 'blue', applied: 'green', refused: 'red' } as const;
const groups = { open: ['pending', 'reviewed'], decided: ['applied', 'refused'], all: [] } as const;
type Group_ = keyof typeof groups;

function Proposal({ request }: { request: ChangeRequest }) {
  const { t } = useTranslation();
  const entries = Object.entries(request.proposal).filter(([, value]) => value !== null && value !== '');
  if (entries.length === 0) return <>–</>;
  return (
    <ul className="compact-list">
      {entries.map(([key, value]) => (
        <li key={key}>
          {t(`serviceFields.${key}`, { defaultValue: key })}:{' '}
          {typeof value === 'boolean'
            ? t(value ? 'common.yes' : 'common.no')
            : Array.isArray(value)
              ? value.join(', ')
              : String(value as string)}
        </li>
      ))}
    </ul>
  );
}

/** An open request the viewer may review or decide. */
function canActOn(request: ChangeRequest): boolean {
  const isOpen = request.status === 'pending' || request.status === 'reviewed';
  return isOpen && (request.abilities.canReview || request.abilities.canDecide);
}

function RequestActions({ request }: { request: ChangeRequest }) {
  const { t } = useTranslation();
  const step = useChangeRequestStep();
  const [asking, setAsking] = useState<'review' | 'refuse' | null>(null);
  const label = request.serviceName ?? String(request.proposal.name ?? '');
  return (
    <Stack gap={4}>
      <Group gap="xs" wrap="wrap">
        {request.abilities.canReview && request.status === 'pending' && (
          <Button
            size="xs"
            variant="default"
            aria-label={`${t('changeRequests.review')}: ${label}`}
            onClick={() => setAsking('review')}
          >
            {t('changeRequests.review')}
          </Button>
        )}
        {request.abilities.canDecide && (
          <>
            <Button
              size="xs"
              aria-label={`${t('changeRequests.apply')}: ${label}`}
              loading={step.isPending && !asking}
              onClick={() => step.mutate({ id: request.id, kind: 'decision', body: { decision: 'apply' } })}
            >
              {t('changeRequests.apply')}
            </Button>
            <Button
              size="xs"
              color="red"
              variant="light"
              aria-label={`${t('changeRequests.refuse')}: ${label}`}
              onClick={() => setAsking('refuse')}
            >
              {t('changeRequests.refuse')}
            </Button>
          </>
        )}
      </Group>
      {step.error && !asking ? <ProblemAlert error={step.error} /> : null}
      <ReasonModal
        opened={asking !== null}
        title={asking === 'review' ? t('changeRequests.review') : t('changeRequests.refuse')}
        label={asking === 'review' ? t('changeRequests.reviewNote') : t('basket.reason')}
        confirmLabel={asking === 'review' ? t('changeRequests.review') : t('changeRequests.refuse')}
        isRequired={asking === 'refuse'}
        isPending={step.isPending}
        error={asking ? step.error : null}
        onClose={() => setAsking(null)}
        onConfirm={(text) =>
          step.mutate(
            asking === 'review'
              ? { id: request.id, kind: 'review', body: { note: text || null } }
              : { id: request.id, kind: 'decision', body: { decision: 'refuse', reason: text } },
            { onSuccess: () => setAsking(null) },
          )
        }
      />
    </Stack>
  );
}

/** Change requests of a partnership: open (pending, reviewed) and decided; review and decide by abilities. */
export function ChangeRequestsSection({ partnershipId, canPropose }: { partnershipId: string; canPropose: boolean }) {
  const { t } = useTranslation();
  const [group, setGroup] = useState<Group_>('open');
  const [page, setPage] = useState(1);
  const [isProposing, setIsProposing] = useState(false);
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
                  cell: (row) => (canActOn(row) ? <RequestActions request={row} /> : '–'),
                },
              ]}
            />
            <Pager page={data.page} pageSize={data.pageSize} total={data.total} onChange={setPage} />
          </>
        )}
      </QueryState>
      <ChangeRequestModal partnershipId={partnershipId} opened={isProposing} onClose={() => setIsProposing(false)} />
    </>
  );
}
