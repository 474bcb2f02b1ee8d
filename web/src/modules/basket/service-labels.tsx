import { Badge, Group } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ServiceStatus, ServiceSummary } from '../../../../shared/src/contracts/basket';

export const statusColors: Record<ServiceStatus, string> = {
  draft: 'gray',
  submitted: 'blue',
  published: 'green',
  suspended: 'orange',
  withdrawn: 'red',
};

/** Status badge (text, not colour alone, carries the meaning). */
export function ServiceStatusBadge({ status }: { status: ServiceStatus }) {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color={statusColors[status]}>
      {t(`serviceStatuses.${status}`)}
    </Badge>
  );
}

/** Area badges of a service card. */
export function AreaBadges({ service }: { service: Pick<ServiceSummary, 'cooperationAreas'> }) {
  const { t } = useTranslation();
  return (
    <Group gap={4} wrap="wrap">
      {service.cooperationAreas.map((area) => (
        <Badge key={area} variant="outline" color="blue" size="sm" tt="none">
          {t(`areas.${area}`)}
        </Badge>
      ))}
    </Group>
  );
}

/** Voivodeship-level roles: their search starts at their region. */
export const regionalRoles = ['ropsCoordinator', 'evaluator', 'supervisor'] as const;
