import { Anchor, Badge, Card, Group, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { ServiceSummary } from '../../../../shared/src/contracts/basket';
import { formatDate } from '../common/format';
import { paths } from '../../paths';
import { AreaBadges, ServiceStatusBadge } from './service-labels';

type ServiceResultsProps = {
  items: ServiceSummary[];
  /** Show the partnership's name (several baskets in view). */
  showPartnership?: boolean;
  /** Show the status (managers see drafts and submitted cards too). */
  showStatus?: boolean;
  headingLevel?: 2 | 3;
  /** What to offer when nothing was found (EmptySearchNextSteps), below the "nothing found" line. */
  emptyState?: ReactNode;
};

/** Search results as a list of cards: name, provider, areas, cost, stale flag; a list for screen readers. */
export function ServiceResults({
  items,
  showPartnership,
  showStatus,
  headingLevel = 2,
  emptyState,
}: ServiceResultsProps) {
  const { t } = useTranslation();
  if (items.length === 0)
    return (
      <Stack gap="xs" my="md">
        <Text c="dimmed">{t('basket.noServices')}</Text>
        {emptyState}
      </Stack>
    );
  return (
    <Stack component="ul" gap="sm" p={0} m={0} style={{ listStyle: 'none' }} aria-label={t('basket.tableCaption')}>
      {items.map((service) => (
        <Card component="li" key={service.id} withBorder padding="md" radius="sm">
          <Group justify="space-between" align="flex-start" wrap="wrap" gap="xs">
            <Title order={headingLevel} size="h4">
              <Anchor component={Link} to={paths.service(service.id)}>
                {service.name}
              </Anchor>
            </Title>
            <Group gap="xs">
              {showStatus && <ServiceStatusBadge status={service.status} />}
              {service.isStale && (
                <Badge color="orange" variant="light">
                  {t('basket.stale')}
                </Badge>
              )}
            </Group>
          </Group>
          <Text size="sm" mt={4}>
            <strong>{t('basket.provider')}:</strong> {service.providerName}
            {service.origin !== 'partner' && ` (${t(`origins.${service.origin}`)})`}
            {service.city ? ` · ${service.city}` : ''}
            {` · ${t(`locationKinds.${service.locationKind}`)}`}
          </Text>
          <Text size="sm">
            <strong>{t('basket.cost')}:</strong> {t(`costs.${service.cost}`)} ·{' '}
            <strong>{t('basket.targetGroups')}:</strong>{' '}
            {service.targetGroups.map((group) => t(`targetGroups.${group}`)).join(', ')}
          </Text>
          {service.excerpt && (
            <Text size="sm" c="dark.6" mt={4} lineClamp={2}>
              {service.excerpt}
            </Text>
          )}
          <Group justify="space-between" mt="xs" wrap="wrap" gap="xs">
            <AreaBadges service={service} />
            <Text size="xs" c="dark.6">
              {showPartnership ? `${service.partnershipName} · ` : ''}
              {service.lastConfirmedAt
                ? t('basket.confirmedOn', { date: formatDate(service.lastConfirmedAt) })
                : t('basket.neverConfirmed')}
            </Text>
          </Group>
        </Card>
      ))}
    </Stack>
  );
}
