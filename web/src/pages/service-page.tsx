import { Alert, Anchor, Badge, Button, Group, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { Service } from '../../../shared/src/contracts/basket';
import { useService, useServiceHistory, useServiceTransition } from '../modules/basket/basket-api';
import { DataTable } from '../modules/common/data-table';
import { DetailsList } from '../modules/common/details-list';
import { formatDate, formatDateTime } from '../modules/common/format';
import { QueryState } from '../modules/common/loading';
import { ProblemAlert } from '../modules/common/problem-alert';
import { PageTitle } from '../modules/layout/page-title';
import { paths } from '../paths';

type Action = 'submit' | 'publish' | 'suspend' | 'withdraw' | 'confirm';

function Actions({ service }: { service: Service }) {
  const { t } = useTranslation();
  const transition = useServiceTransition(service.id);
  const allowed: Array<[Action, boolean]> = [
    ['submit', service.abilities.canSubmit],
    ['publish', service.abilities.canPublish],
    ['confirm', service.abilities.canConfirm],
    ['suspend', service.abilities.canSuspend],
    ['withdraw', service.abilities.canWithdraw],
  ];
  const run = (action: Action) => {
    let reason: string | undefined;
    if (action === 'suspend' || action === 'withdraw') {
      reason = window.prompt(t('basket.reasonPrompt')) ?? undefined;
      if (!reason) return;
    }
    transition.mutate({ action, version: service.version, reason });
  };
  const visible = allowed.filter(([, isAllowed]) => isAllowed);
  if (visible.length === 0) return null;
  return (
    <>
      <Group mb="md" gap="sm" wrap="wrap">
        {visible.map(([action]) => (
          <Button
            key={action}
            variant={action === 'publish' || action === 'submit' ? 'filled' : 'default'}
            loading={transition.isPending && transition.variables?.action === action}
            onClick={() => run(action)}
          >
            {t(`basket.actions.${action}`)}
          </Button>
        ))}
      </Group>
      {transition.error ? <ProblemAlert error={transition.error} /> : null}
    </>
  );
}

function History({ service }: { service: Service }) {
  const { t } = useTranslation();
  const query = useServiceHistory(service.id, service.abilities.canUpdate);
  if (!service.abilities.canUpdate) return null;
  return (
    <QueryState query={query}>
      {(history) => (
        <>
          <Title order={2} size="h3" mt="xl" mb="sm">
            {t('basket.history')}
          </Title>
          <DataTable
            caption={t('basket.history')}
            rows={history.items}
            rowKey={(row) => `${row.version}-${row.event}`}
            columns={[
              {
                key: 'when',
                header: t('basket.when'),
                isRowHeader: true,
                cell: (row) => formatDateTime(row.changedAt),
              },
              { key: 'event', header: t('basket.event'), cell: (row) => t(`basket.events.${row.event}`) },
              { key: 'who', header: t('basket.who'), cell: (row) => row.changedByDisplayName ?? '–' },
              { key: 'fields', header: t('basket.changedFields'), cell: (row) => row.changedFields.length },
            ]}
          />
        </>
      )}
    </QueryState>
  );
}

/** One service with everything needed to refer someone; workflow actions by abilities. */
export function ServicePage() {
  const { t } = useTranslation();
  const { id } = useParams();
  const query = useService(id);
  return (
    <QueryState query={query}>
      {(service) => (
        <>
          <PageTitle title={service.name} />
          <Group mb="md" gap="sm" wrap="wrap">
            <Anchor component={Link} to={paths.basket}>
              {t('basket.backToList')}
            </Anchor>
            <Badge variant="light" color={service.status === 'published' ? 'green' : 'gray'}>
              {t(`serviceStatuses.${service.status}`)}
            </Badge>
          </Group>
          {service.isStale && (
            <Alert color="orange" mb="md" title={t('basket.stale')}>
              {t('basket.staleExplained')}
            </Alert>
          )}
          <Actions service={service} />
          <DetailsList
            items={[
              { label: t('basket.description'), value: service.description },
              { label: t('basket.provider'), value: service.providerName },
              { label: t('basket.origin'), value: t(`origins.${service.origin}`) },
              { label: t('basket.areas'), value: service.cooperationAreas.map((a) => t(`areas.${a}`)).join(', ') },
              {
                label: t('basket.targetGroups'),
                value: service.targetGroups.map((g) => t(`targetGroups.${g}`)).join(', '),
              },
              { label: t('basket.eligibility'), value: service.eligibility },
              { label: t('basket.access'), value: service.accessDescription },
              {
                label: t('basket.referral'),
                value: service.isReferralRequired
                  ? t('basket.referralBy', { who: service.referralBy ?? '' })
                  : t('common.no'),
              },
              {
                label: t('basket.cost'),
                value: [t(`costs.${service.cost}`), service.costDescription].filter(Boolean).join(': '),
              },
              {
                label: t('basket.place'),
                value: [t(`locationKinds.${service.locationKind}`), service.street, service.postalCode, service.city]
                  .filter(Boolean)
                  .join(', '),
              },
              { label: t('basket.reach'), value: service.reachNames.join(', ') },
              { label: t('basket.schedule'), value: service.schedule },
              { label: t('basket.capacity'), value: service.capacity },
              {
                label: t('basket.waitingTime'),
                value: service.waitingTimeDays === null ? null : t('basket.days', { count: service.waitingTimeDays }),
              },
              { label: t('basket.contactName'), value: service.contactName },
              { label: t('basket.contactPhone'), value: service.contactPhone },
              { label: t('basket.contactEmail'), value: service.contactEmail },
              { label: t('basket.languages'), value: service.languages.join(', ') },
              {
                label: t('basket.accessibility'),
                value: [service.isAccessible ? t('common.yes') : t('common.no'), service.accessibilityDescription]
                  .filter(Boolean)
                  .join(': '),
              },
              {
                label: t('basket.lastConfirmed'),
                value: service.lastConfirmedAt ? formatDate(service.lastConfirmedAt) : null,
              },
              { label: t('basket.partnership'), value: service.partnershipName },
            ]}
          />
          <History service={service} />
        </>
      )}
    </QueryState>
  );
}
