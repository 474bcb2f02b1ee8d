import { Anchor, Badge, Button, Group, List, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, useLocation, useParams } from 'react-router';
import type { PartnershipMember } from '../../../shared/src/contracts/partnerships';
import { PartnershipBasket } from '../modules/basket/partnership-basket';
import { DataTable } from '../modules/common/data-table';
import { DetailsList } from '../modules/common/details-list';
import { formatDate } from '../modules/common/format';
import { QueryState } from '../modules/common/loading';
import { PageTitle } from '../modules/layout/page-title';
import { usePartnership } from '../modules/partnerships/partnerships-api';
import { paths } from '../paths';

const statusColors: Record<PartnershipMember['status'], string> = {
  invited: 'yellow',
  participating: 'blue',
  declared: 'green',
  suspended: 'orange',
  left: 'gray',
};

/** One partnership: data, coordinators and member institutions. */
export function PartnershipPage() {
  const { t } = useTranslation();
  const { id } = useParams();
  const query = usePartnership(id);
  const location = useLocation();
  const tab = location.pathname.endsWith('/koszyk') ? 'basket' : 'details';
  return (
    <QueryState query={query}>
      {(partnership) => (
        <>
          <PageTitle title={partnership.name} />
          <Anchor component={Link} to={paths.partnerships} mb="md" display="inline-block">
            {t('partnerships.backToList')}
          </Anchor>
          <nav aria-label={t('partnerships.sections')} className="subnav">
            <NavLink to={paths.partnership(partnership.id)} end className="subnav-link">
              {t('partnerships.detailsTab')}
            </NavLink>
            <NavLink to={paths.partnershipBasket(partnership.id)} className="subnav-link">
              {t('nav.basket')}
            </NavLink>
          </nav>
          {tab === 'basket' ? (
            <PartnershipBasket partnership={partnership} />
          ) : (
            <>
              {partnership.abilities.canUpdate && (
                <Group mb="lg">
                  <Button component={Link} to={paths.editPartnership(partnership.id)}>
                    {t('common.edit')}
                  </Button>
                </Group>
              )}
              <DetailsList
                items={[
                  {
                    label: t('partnerships.territory'),
                    value: (
                      <Anchor component={Link} to={paths.territory(partnership.territoryCode)}>
                        {partnership.territoryName}
                      </Anchor>
                    ),
                  },
                  { label: t('partnerships.areaDescription'), value: partnership.areaDescription },
                  { label: t('partnerships.modelVariant'), value: t(`modelVariants.${partnership.modelVariant}`) },
                  { label: t('partnerships.stage'), value: t(`stages.${partnership.stage}`) },
                  {
                    label: t('partnerships.leader'),
                    value: (
                      <Anchor component={Link} to={paths.institution(partnership.leaderInstitutionId)}>
                        {partnership.leaderInstitutionName}
                      </Anchor>
                    ),
                  },
                  { label: t('partnerships.establishedOn'), value: formatDate(partnership.establishedOn) },
                ]}
              />
              <Title order={2} size="h3" mt="xl" mb="sm">
                {t('partnerships.coordinators')}
              </Title>
              <List>
                {partnership.coordinators.map((coordinator) => (
                  <List.Item key={coordinator.userId}>
                    {coordinator.displayName} ({t('partnerships.since', { date: formatDate(coordinator.since) })})
                  </List.Item>
                ))}
              </List>
              <Group justify="space-between" align="center" mt="xl" mb="sm" wrap="wrap">
                <Title order={2} size="h3">
                  {t('partnerships.members')}
                </Title>
                {partnership.abilities.canManageMembers && (
                  <Button component={Link} to={paths.addMember(partnership.id)}>
                    {t('partnerships.addMember')}
                  </Button>
                )}
              </Group>
              <DataTable<PartnershipMember>
                caption={t('partnerships.membersCaption', { count: partnership.members.length })}
                rows={partnership.members}
                rowKey={(row) => row.id}
                emptyText={t('partnerships.noMembers')}
                stackBelow="sm"
                columns={[
                  {
                    key: 'institution',
                    header: t('partnerships.institution'),
                    isRowHeader: true,
                    cell: (row) => (
                      <Anchor component={Link} to={paths.institution(row.institutionId)}>
                        {row.institutionName}
                      </Anchor>
                    ),
                  },
                  {
                    key: 'kind',
                    header: t('institutions.kind'),
                    cell: (row) => t(`institutionKinds.${row.institutionKind}`),
                  },
                  {
                    key: 'status',
                    header: t('partnerships.status'),
                    cell: (row) => (
                      <Badge color={statusColors[row.status]} variant="light">
                        {t(`memberStatuses.${row.status}`)}
                      </Badge>
                    ),
                  },
                  {
                    key: 'declaration',
                    header: t('partnerships.declarationDate'),
                    cell: (row) => formatDate(row.declarationDate),
                  },
                  {
                    key: 'representative',
                    header: t('partnerships.representative'),
                    cell: (row) => [row.representativeName, row.representativePosition].filter(Boolean).join(', '),
                  },
                  ...(partnership.abilities.canManageMembers
                    ? [
                        {
                          key: 'actions',
                          header: t('common.actions'),
                          isAction: true,
                          cell: (row: PartnershipMember) => (
                            <Anchor component={Link} to={paths.editMember(partnership.id, row.id)}>
                              {t('partnerships.editMember')}
                              <span className="visually-hidden">: {row.institutionName}</span>
                            </Anchor>
                          ),
                        },
                      ]
                    : []),
                ]}
              />
            </>
          )}
        </>
      )}
    </QueryState>
  );
}
