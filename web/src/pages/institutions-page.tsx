import { Anchor, Badge, Button, Checkbox, Group, NativeSelect, SimpleGrid, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import {
  cooperationAreas,
  institutionKinds,
  sectors,
  type CooperationArea,
  type InstitutionKind,
  type Sector,
} from '../../../shared/src/contracts/common';
import type { InstitutionSummary } from '../../../shared/src/contracts/institutions';
import { useSignedInMe } from '../modules/auth/session';
import { DataTable } from '../modules/common/data-table';
import { enumOptions } from '../modules/common/labels';
import { QueryState } from '../modules/common/loading';
import { Pager } from '../modules/common/pager';
import { useInstitutions } from '../modules/institutions/institutions-api';
import { PageTitle } from '../modules/layout/page-title';
import { TerritorySelect } from '../modules/territories/territory-select';
import { paths } from '../paths';

/** Institutions: search (diacritics optional), filters, paged table, "Nowa instytucja". */
export function InstitutionsPage() {
  const { t } = useTranslation();
  const me = useSignedInMe();
  const [q, setQ] = useState('');
  const [kind, setKind] = useState<InstitutionKind | ''>('');
  const [sector, setSector] = useState<Sector | ''>('');
  const [area, setArea] = useState<CooperationArea | ''>('');
  const [territoryCode, setTerritoryCode] = useState<string | null>(null);
  const [includeArchived, setIncludeArchived] = useState(false);
  const [page, setPage] = useState(1);
  const [debouncedQ] = useDebouncedValue(q, 300);
  const query = useInstitutions({
    q: debouncedQ.trim() || undefined,
    kind: kind || undefined,
    sector: sector || undefined,
    area: area || undefined,
    territoryCode: territoryCode ?? undefined,
    includeArchived: includeArchived ? 'true' : undefined,
    page,
    pageSize: 20,
  });
  const resetPage = () => setPage(1);
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
          onChange={(event) => {
            setQ(event.currentTarget.value);
            resetPage();
          }}
          mb="sm"
        />
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} mb="sm">
          <NativeSelect
            label={t('institutions.kind')}
            value={kind}
            onChange={(event) => {
              setKind(event.currentTarget.value as InstitutionKind | '');
              resetPage();
            }}
            data={enumOptions(t, 'institutionKinds', institutionKinds, t('common.all'))}
          />
          <NativeSelect
            label={t('institutions.sector')}
            value={sector}
            onChange={(event) => {
              setSector(event.currentTarget.value as Sector | '');
              resetPage();
            }}
            data={enumOptions(t, 'sectors', sectors, t('common.all'))}
          />
          <NativeSelect
            label={t('institutions.area')}
            value={area}
            onChange={(event) => {
              setArea(event.currentTarget.value as CooperationArea | '');
              resetPage();
            }}
            data={enumOptions(t, 'areas', cooperationAreas, t('common.all'))}
          />
          <TerritorySelect
            label={t('institutions.territory')}
            isGminaOnly={false}
            value={territoryCode}
            onChange={(value) => {
              setTerritoryCode(value);
              resetPage();
            }}
          />
        </SimpleGrid>
        <Checkbox
          label={t('institutions.includeArchived')}
          checked={includeArchived}
          onChange={(event) => {
            setIncludeArchived(event.currentTarget.checked);
            resetPage();
          }}
          mb="md"
        />
      </form>
      <QueryState query={query}>
        {(data) => (
          <>
            <DataTable<InstitutionSummary>
              caption={t('institutions.tableCaption')}
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
