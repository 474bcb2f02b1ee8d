import { Alert, Anchor, Button, Group, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { Service } from '../../../shared/src/contracts/basket';
import { languageList } from '../../../shared/src/language-names';
import { currentLanguage } from '../i18n/i18n';
import { useMe } from '../modules/accounts/session';
import { useService, useServiceHistory, useServiceTransition } from '../modules/basket/basket-api';
import { ChangeRequestModal, ReasonModal } from '../modules/basket/change-request-modal';
import { LeafletActions } from '../modules/basket/leaflet-actions';
import { regionalRoles, ServiceStatusBadge } from '../modules/basket/service-labels';
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
  const { data: me } = useMe();
  const transition = useServiceTransition(service.id);
  const [asking, setAsking] = useState<'suspend' | 'withdraw' | null>(null);
  const [isProposing, setIsProposing] = useState(false);
  const allowed: Array<[Action, boolean]> = [
    ['submit', service.abilities.canSubmit],
    ['publish', service.abilities.canPublish],
    ['confirm', service.abilities.canConfirm],
    ['suspend', service.abilities.canSuspend],
    ['withdraw', service.abilities.canWithdraw],
  ];
  const role = me?.activeMembership?.role;
  // Members propose changes; regional roles only read the basket.
  const canPropose = Boolean(role) && !(regionalRoles as readonly string[]).includes(role ?? '');
  const run = (action: Action, reason?: string) =>
    transition.mutate({ action, version: service.version, reason }, { onSuccess: () => setAsking(null) });
  const visible = allowed.filter(([, isAllowed]) => isAllowed);
  return (
    <>
      <Group mb="md" gap="sm" wrap="wrap">
        {service.abilities.canUpdate && (
          <Button component={Link} to={paths.editService(service.id)} variant="default">
            {t('common.edit')}
          </Button>
        )}
        {visible.map(([action]) => (
          <Button
            key={action}
            variant={action === 'publish' || action === 'submit' ? 'filled' : 'default'}
            color={action === 'withdraw' ? 'red' : undefined}
            loading={transition.isPending && transition.variables?.action === action}
            onClick={() => (action === 'suspend' || action === 'withdraw' ? setAsking(action) : run(action))}
          >
            {t(`basket.actions.${action}`)}
          </Button>
        ))}
        {canPropose && (
          <Button variant="light" onClick={() => setIsProposing(true)}>
            {t('changeRequests.propose')}
          </Button>
        )}
      </Group>
      {transition.error && !asking ? <ProblemAlert error={transition.error} /> : null}
      <ReasonModal
        opened={asking !== null}
        title={asking ? t(`basket.actions.${asking}`) : ''}
        label={t('basket.reason')}
        confirmLabel={asking ? t(`basket.actions.${asking}`) : ''}
        isPending={transition.isPending}
        error={asking ? transition.error : null}
        onClose={() => setAsking(null)}
        onConfirm={(reason) => asking && run(asking, reason)}
      />
      {canPropose && (
        <ChangeRequestModal
          // A new version of the card starts the proposal from its new values.
          key={`${service.id}-${service.version}`}
          partnershipId={service.partnershipId}
          service={service}
          opened={isProposing}
          onClose={() => setIsProposing(false)}
        />
      )}
    </>
  );
}

function History({ service }: { service: Service }) {
  const { t } = useTranslation();
  const query = useServiceHistory(service.id, service.abilities.canUpdate);
  if (!service.abilities.canUpdate) return null;
  return (
    <>
      <Title order={2} size="h3" mt="xl" mb="sm">
        {t('basket.history')}
      </Title>
      <QueryState query={query}>
        {(history) => (
          <DataTable
            caption={t('basket.historyCaption', { count: history.items.length })}
            rows={history.items}
            rowKey={(row) => `${row.version}-${row.event}-${row.changedAt}`}
            stackBelow="sm"
            columns={[
              {
                key: 'when',
                header: t('basket.when'),
                isRowHeader: true,
                cell: (row) => formatDateTime(row.changedAt),
              },
              { key: 'version', header: t('basket.version'), cell: (row) => row.version },
              {
                key: 'event',
                header: t('basket.event'),
                cell: (row) => t(`basket.events.${row.event}`, { defaultValue: row.event }),
              },
              { key: 'who', header: t('basket.who'), cell: (row) => row.changedByDisplayName ?? '–' },
              {
                key: 'fields',
                header: t('basket.changedFields'),
                isWide: true,
                // A new card sets every field: naming them all would only lengthen the row.
                cell: (row) =>
                  row.changedFields.length === 0 || row.event === 'created'
                    ? '–'
                    : row.changedFields.map((field) => t(`serviceFields.${field}`, { defaultValue: field })).join(', '),
              },
            ]}
          />
        )}
      </QueryState>
    </>
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
            <ServiceStatusBadge status={service.status} />
            <Text size="sm">
              {t('basket.versionOf', { version: service.version })} · {t('common.updatedAt')}:{' '}
              {formatDate(service.updatedAt)}
            </Text>
          </Group>
          {service.isStale && (
            <Alert color="orange" mb="md" title={t('basket.stale')} role="alert">
              {t('basket.staleExplained')}
            </Alert>
          )}
          <Actions service={service} />
          <LeafletActions service={service} />
          <DetailsList
            items={[
              { label: t('basket.description'), value: <span className="pre-line">{service.description}</span> },
              { label: t('basket.provider'), value: service.providerName },
              { label: t('basket.origin'), value: t(`originsLong.${service.origin}`) },
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
                  : t('basket.noReferral'),
              },
              { label: t('basket.compound'), value: service.isCompound ? t('common.yes') : t('common.no') },
              {
                label: t('basket.cost'),
                value: [t(`costs.${service.cost}`), service.costDescription].filter(Boolean).join(': '),
              },
              {
                label: t('basket.place'),
                value: [
                  t(`locationKinds.${service.locationKind}`),
                  service.street,
                  [service.postalCode, service.city].filter(Boolean).join(' '),
                  service.territoryName,
                ]
                  .filter(Boolean)
                  .join(', '),
              },
              {
                label: t('basket.reach'),
                value: `${t(`reachKinds.${service.reachKind}`)}: ${service.reachNames.join(', ')}`,
              },
              { label: t('basket.schedule'), value: service.schedule },
              { label: t('basket.capacity'), value: service.capacity },
              {
                label: t('basket.waitingTime'),
                value: service.waitingTimeDays === null ? null : t('basket.days', { count: service.waitingTimeDays }),
              },
              { label: t('basket.contactName'), value: service.contactName },
              {
                label: t('basket.contactPhone'),
                value: service.contactPhone ? (
                  <Anchor href={`tel:${service.contactPhone.replace(/\s/g, '')}`}>{service.contactPhone}</Anchor>
                ) : null,
              },
              {
                label: t('basket.contactEmail'),
                value: service.contactEmail ? (
                  <Anchor href={`mailto:${service.contactEmail}`}>{service.contactEmail}</Anchor>
                ) : null,
              },
              {
                label: t('basket.languages'),
                value: languageList(service.languages, currentLanguage()),
              },
              {
                label: t('basket.accessibility'),
                value: [service.isAccessible ? t('common.yes') : t('common.no'), service.accessibilityDescription]
                  .filter(Boolean)
                  .join(': '),
              },
              {
                label: t('basket.lastConfirmed'),
                value: service.lastConfirmedAt ? formatDate(service.lastConfirmedAt) : t('basket.neverConfirmedShort'),
              },
              {
                label: t('basket.partnership'),
                value: (
                  <Anchor component={Link} to={paths.partnershipBasket(service.partnershipId)}>
                    {service.partnershipName}
                  </Anchor>
                ),
              },
            ]}
          />
          <History service={service} />
        </>
      )}
    </QueryState>
  );
}
