import { Anchor, Button, Group, NativeSelect, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { modelVariants } from '../../../shared/src/contracts/common';
import type { PartnershipSummary } from '../../../shared/src/contracts/partnerships';
import { useSignedInMe } from '../modules/accounts/session';
import { DataTable } from '../modules/common/data-table';
import { enumOptions } from '../modules/common/labels';
import { QueryState } from '../modules/common/loading';
import { Pager } from '../modules/common/pager';
import { useUrlFilters, useUrlSearchText } from '../modules/common/use-url-filters';
import { PageTitle } from '../modules/layout/page-title';
import { usePartnerships } from '../modules/partnerships/partnerships-api';
import { paths } from '../paths';

const filterSpec = { q: 'text', modelVariant: modelVariants } as const;

/** Partnerships (PZK) visible to the acting user. */
export function PartnershipsPage() {
  const { t } = useTranslation();
  const me = useSignedInMe();
  const { values, page, setFilters, setPage } = useUrlFilters(filterSpec);
  const [q, setQ] = useUrlSearchText(values.q, (text) => setFilters({ q: text }, { replace: true }));
  const query = usePartnerships({
    q: values.q || undefined,
    modelVariant: values.modelVariant || undefined,
    page,
    pageSize: 20,
  });
  return (
    <>
      <Group justify="space-between" align="start" wrap="wrap">
        <PageTitle title={t('partnerships.title')} />
        {me.abilities.createPartnership && (
          <Button component={Link} to={paths.newPartnership}>
            {t('partnerships.new')}
          </Button>
        )}
      </Group>
      <form role="search" aria-label={t('partnerships.searchLabel')} onSubmit={(event) => event.preventDefault()}>
        <Group align="end" mb="md" wrap="wrap">
          <TextInput
            label={t('partnerships.search')}
            type="search"
            value={q}
            onChange={(event) => setQ(event.currentTarget.value)}
            style={{ flex: '1 1 16rem' }}
          />
          <NativeSelect
            label={t('partnerships.modelVariant')}
            value={values.modelVariant}
            onChange={(event) => setFilters({ modelVariant: event.currentTarget.value })}
            data={enumOptions(t, 'modelVariants', modelVariants, t('common.all'))}
          />
        </Group>
      </form>
      <QueryState query={query}>
        {(data) => (
          <>
            <DataTable<PartnershipSummary>
              caption={t('partnerships.tableCaption')}
              stackBelow="sm"
              rows={data.items}
              rowKey={(row) => row.id}
              emptyText={t('partnerships.none')}
              columns={[
                {
                  key: 'name',
                  header: t('partnerships.name'),
                  isRowHeader: true,
                  cell: (row) => (
                    <Anchor component={Link} to={paths.partnership(row.id)}>
                      {row.name}
                    </Anchor>
                  ),
                },
                { key: 'territory', header: t('partnerships.territory'), cell: (row) => row.territoryName },
                {
                  key: 'variant',
                  header: t('partnerships.modelVariant'),
                  cell: (row) => t(`modelVariants.${row.modelVariant}`),
                },
                { key: 'stage', header: t('partnerships.stage'), cell: (row) => t(`stages.${row.stage}`) },
                { key: 'leader', header: t('partnerships.leader'), cell: (row) => row.leaderInstitutionName },
                { key: 'members', header: t('partnerships.memberCount'), cell: (row) => row.memberCount },
              ]}
            />
            <Pager page={data.page} pageSize={data.pageSize} total={data.total} onChange={setPage} />
          </>
        )}
      </QueryState>
    </>
  );
}
