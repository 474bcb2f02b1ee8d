import { Anchor, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { Territory } from '../../../shared/src/contracts/territories';
import { DataTable } from '../modules/common/data-table';
import { DetailsList } from '../modules/common/details-list';
import { QueryState } from '../modules/common/loading';
import { PageTitle } from '../modules/layout/page-title';
import { useTerritory } from '../modules/territories/territories-api';
import { paths } from '../paths';

/** One TERYT unit with the units directly under it. */
export function TerritoryPage() {
  const { t } = useTranslation();
  const { code } = useParams();
  const query = useTerritory(code);
  return (
    <QueryState query={query}>
      {(territory) => (
        <>
          <PageTitle title={territory.name} />
          <Anchor component={Link} to={paths.territories} mb="md" display="inline-block">
            {t('territories.backToList')}
          </Anchor>
          <DetailsList
            items={[
              {
                label: t('territories.kind'),
                value: `${t(`territoryKinds.${territory.kind}`)} (${territory.tercKind})`,
              },
              { label: t('territories.level'), value: t(`territoryLevels.${territory.level}`) },
              { label: t('territories.code'), value: <span className="mono">{territory.code}</span> },
              {
                label: t('territories.powiat'),
                value:
                  territory.powiatCode && territory.level !== 'powiat' ? (
                    <Anchor component={Link} to={paths.territory(territory.powiatCode)}>
                      {territory.powiatName}
                    </Anchor>
                  ) : null,
              },
              {
                label: t('territories.voivodeship'),
                value:
                  territory.level !== 'voivodeship' ? (
                    <Anchor component={Link} to={paths.territory(territory.voivodeshipCode)}>
                      {territory.voivodeshipName}
                    </Anchor>
                  ) : null,
              },
            ]}
          />
          <Title order={2} size="h3" mt="xl" mb="sm">
            {t('territories.children')}
          </Title>
          <DataTable<Territory>
            caption={t('territories.childrenCaption', { name: territory.name })}
            stackBelow="sm"
            rows={territory.children}
            rowKey={(row) => row.code}
            emptyText={t('territories.noChildren')}
            columns={[
              {
                key: 'name',
                header: t('territories.name'),
                isRowHeader: true,
                cell: (row) => (
                  <Anchor component={Link} to={paths.territory(row.code)}>
                    {row.name}
                  </Anchor>
                ),
              },
              { key: 'kind', header: t('territories.kind'), cell: (row) => t(`territoryKinds.${row.kind}`) },
              { key: 'code', header: t('territories.code'), cell: (row) => <span className="mono">{row.code}</span> },
            ]}
          />
        </>
      )}
    </QueryState>
  );
}
