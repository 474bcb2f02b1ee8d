import { Anchor, Group, NativeSelect, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { territoryLevels, type Territory } from '../../../shared/src/contracts/territories';
import { DataTable } from '../modules/common/data-table';
import { enumOptions } from '../modules/common/labels';
import { QueryState } from '../modules/common/loading';
import { Pager } from '../modules/common/pager';
import { useUrlFilters, useUrlSearchText } from '../modules/common/use-url-filters';
import { PageTitle } from '../modules/layout/page-title';
import { useTerritories } from '../modules/territories/territories-api';
import { paths } from '../paths';

const filterSpec = { q: 'text', level: territoryLevels } as const;

/** TERYT units: search (diacritics optional), level filter, table. */
export function TerritoriesPage() {
  const { t } = useTranslation();
  const { values, page, setFilters, setPage } = useUrlFilters(filterSpec);
  const [q, setQ] = useUrlSearchText(values.q, (text) => setFilters({ q: text }, { replace: true }));
  const query = useTerritories({ q: values.q || undefined, level: values.level || undefined, page, pageSize: 25 });
  return (
    <>
      <PageTitle title={t('territories.title')} />
      <form role="search" aria-label={t('territories.searchLabel')} onSubmit={(event) => event.preventDefault()}>
        <Group align="end" mb="md" wrap="wrap">
          <TextInput
            label={t('territories.search')}
            description={t('common.diacriticsOptional')}
            type="search"
            value={q}
            onChange={(event) => setQ(event.currentTarget.value)}
            style={{ flex: '1 1 16rem' }}
          />
          <NativeSelect
            label={t('territories.level')}
            value={values.level}
            onChange={(event) => setFilters({ level: event.currentTarget.value })}
            data={enumOptions(t, 'territoryLevels', territoryLevels, t('common.all'))}
          />
        </Group>
      </form>
      <QueryState query={query}>
        {(data) => (
          <>
            <DataTable<Territory>
              caption={t('territories.tableCaption')}
              stackBelow="sm"
              rows={data.items}
              rowKey={(row) => row.code}
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
                { key: 'powiat', header: t('territories.powiat'), cell: (row) => row.powiatName ?? '' },
                { key: 'voivodeship', header: t('territories.voivodeship'), cell: (row) => row.voivodeshipName ?? '' },
              ]}
            />
            <Pager page={data.page} pageSize={data.pageSize} total={data.total} onChange={setPage} />
          </>
        )}
      </QueryState>
    </>
  );
}
