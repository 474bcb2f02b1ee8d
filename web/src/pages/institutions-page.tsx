import { Anchor, Badge, Button, Checkbox, Group, NativeSelect, SimpleGrid, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { cooperationAreas, institutionKinds, sectors } from '../../../shared/src/contracts/common';
import type { InstitutionSummary } from '../../../shared/src/contracts/institutions';
import { useSignedInMe } from '../modules/accounts/session';
import { DataTable } from '../modules/common/data-table';
import { enumOptions } from '../modules/common/labels';
import { QueryState } from '../modules/common/loading';
import { Pager } from '../modules/common/pager';
import { useUrlFilters, useUrlSearchText } from '../modules/common/use-url-filters';
import { useInstitutions } from '../modules/institutions/institutions-api';
import { PageTitle } from '../modules/layout/page-title';
import { useTerritory } from '../modules/territories/territories-api';
import { TerritorySelect } from '../modules/territories/territory-select';
import { paths } from '../paths';

const filterSpec = {
  q: 'text',
  kind: institutionKinds,
  sector: sectors,
  area: cooperationAreas,
  territoryCode: 'text',
  includeArchived: 'boolean',
} as const;

/** Institutions: search (diacritics optional), filters, paged table, "Nowa instytucja". */
export function InstitutionsPage() {
  const { t } = useTranslation();
  const me = useSignedInMe();
  const { values, page, setFilters, setPage } = useUrlFilters(filterSpec);
  const [q, setQ] = useUrlSearchText(values.q, (text) => setFilters({ q: text }, { replace: true }));
  const territory = useTerritory(values.territoryCode || undefined);
  const query = useInstitutions({
    q: values.q || undefined,
    kind: values.kind || undefined,
    sector: values.sector || undefined,
    area: values.area || undefined,
    territoryCode: values.territoryCode || undefined,
    includeArchived: values.includeArchived ? 'true' : undefined,
    page,
    pageSize: 20,
  });
  return (
    <>
      <Group justify="space-between" align="start" wrap="wrap">
        <PageTitle title={t('institutions.title')} />
        {me.abilities.createInstitution && (
          <Button component={Link} to={paths.newInstitution}>
            {t('institutions.new')}
          </Button>
        )}
      </Group>
      <form role="search" aria-label={t('institutions.searchLabel')} onSubmit={(event) => event.preventDefault()}>
        <TextInput
          label={t('institutions.search')}
          description={t('common.diacriticsOptional')}
          type="search"
          value={q}
          onChange={(event) => setQ(event.currentTarget.value)}
          mb="sm"
        />
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} mb="sm">
          <NativeSelect
            label={t('institutions.kind')}
            value={values.kind}
            onChange={(event) => setFilters({ kind: event.currentTarget.value })}
            data={enumOptions(t, 'institutionKinds', institutionKinds, t('common.all'))}
          />
          <NativeSelect
            label={t('institutions.sector')}
            value={values.sector}
            onChange={(event) => setFilters({ sector: event.currentTarget.value })}
            data={enumOptions(t, 'sectors', sectors, t('common.all'))}
          />
          <NativeSelect
            label={t('institutions.area')}
            value={values.area}
            onChange={(event) => setFilters({ area: event.currentTarget.value })}
            data={enumOptions(t, 'areas', cooperationAreas, t('common.all'))}
          />
          {(!values.territoryCode || territory.data) && (
            <TerritorySelect
              key={territory.data?.code ?? 'none'}
              label={t('institutions.territory')}
              isGminaOnly={false}
              value={values.territoryCode || null}
              onChange={(value) => setFilters({ territoryCode: value })}
              initialOption={territory.data ? { value: territory.data.code, label: territory.data.name } : null}
            />
          )}
        </SimpleGrid>
        <Checkbox
          label={t('institutions.includeArchived')}
          checked={values.includeArchived}
          onChange={(event) => setFilters({ includeArchived: event.currentTarget.checked })}
          mb="md"
        />
      </form>
      <QueryState query={query}>
        {(data) => (
          <>
            <DataTable<InstitutionSummary>
              caption={t('institutions.tableCaption')}
              stackBelow="sm"
              rows={data.items}
              rowKey={(row) => row.id}
              columns={[
                {
                  key: 'name',
                  header: t('institutions.name'),
                  isRowHeader: true,
                  cell: (row) => (
                    <>
                      <Anchor component={Link} to={paths.institution(row.id)}>
                        {row.name}
                      </Anchor>
                      {row.isArchived && (
                        <Badge color="gray" variant="light" ml="xs">
                          {t('institutions.archived')}
                        </Badge>
                      )}
                    </>
                  ),
                },
                { key: 'kind', header: t('institutions.kind'), cell: (row) => t(`institutionKinds.${row.kind}`) },
                { key: 'sector', header: t('institutions.sector'), cell: (row) => t(`sectors.${row.sector}`) },
                { key: 'territory', header: t('institutions.territory'), cell: (row) => row.territoryName },
                { key: 'city', header: t('institutions.city'), cell: (row) => row.city ?? '' },
              ]}
            />
            <Pager page={data.page} pageSize={data.pageSize} total={data.total} onChange={setPage} />
          </>
        )}
      </QueryState>
    </>
  );
}
