import { Anchor, Badge, Checkbox, Group, NativeSelect, SimpleGrid, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { cooperationAreas, type CooperationArea } from '../../../shared/src/contracts/common';
import {
  serviceCosts,
  serviceOrigins,
  targetGroups,
  type ServiceCost,
  type ServiceOrigin,
  type ServiceSummary,
  type TargetGroup,
} from '../../../shared/src/contracts/basket';
import { useServices } from '../modules/basket/basket-api';
import { DataTable } from '../modules/common/data-table';
import { enumOptions } from '../modules/common/labels';
import { QueryState } from '../modules/common/loading';
import { Pager } from '../modules/common/pager';
import { PageTitle } from '../modules/layout/page-title';
import { paths } from '../paths';

/** The basket of services: search a social worker can type quickly (no diacritics, a typo), filters, results. */
export function ServicesPage() {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [area, setArea] = useState<CooperationArea | ''>('');
  const [targetGroup, setTargetGroup] = useState<TargetGroup | ''>('');
  const [cost, setCost] = useState<ServiceCost | ''>('');
  const [origin, setOrigin] = useState<ServiceOrigin | ''>('');
  const [isStaleOnly, setIsStaleOnly] = useState(false);
  const [page, setPage] = useState(1);
  const [debouncedQ] = useDebouncedValue(q, 300);
  const query = useServices({
    q: debouncedQ.trim() || undefined,
    area: area || undefined,
    targetGroup: targetGroup || undefined,
    cost: cost || undefined,
    origin: origin || undefined,
    isStale: isStaleOnly ? 'true' : undefined,
    page,
    pageSize: 20,
  });
  const resetPage = () => setPage(1);
  const select = <T extends string>(
    label: string,
    prefix: string,
    values: readonly string[],
    value: T | '',
    set: (next: T | '') => void,
  ) => (
    <NativeSelect
      label={label}
      value={value}
      onChange={(event) => {
        set(event.currentTarget.value as T | '');
        resetPage();
      }}
      data={enumOptions(t, prefix, values, t('common.all'))}
    />
  );
  return (
    <>
      <PageTitle title={t('basket.title')} />
      <Text mb="md">{t('basket.intro')}</Text>
      <form role="search" aria-label={t('basket.searchLabel')} onSubmit={(event) => event.preventDefault()}>
        <TextInput
          label={t('basket.search')}
          description={t('basket.searchHelp')}
          type="search"
          value={q}
          onChange={(event) => {
            setQ(event.currentTarget.value);
            resetPage();
          }}
          mb="sm"
        />
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} mb="sm">
          {select(t('basket.area'), 'areas', cooperationAreas, area, setArea)}
          {select(t('basket.targetGroup'), 'targetGroups', targetGroups, targetGroup, setTargetGroup)}
          {select(t('basket.cost'), 'costs', serviceCosts, cost, setCost)}
          {select(t('basket.origin'), 'origins', serviceOrigins, origin, setOrigin)}
        </SimpleGrid>
        <Checkbox
          label={t('basket.staleOnly')}
          checked={isStaleOnly}
          onChange={(event) => {
            setIsStaleOnly(event.currentTarget.checked);
            resetPage();
          }}
          mb="md"
        />
      </form>
      <QueryState query={query}>
        {(data) => (
          <>
            <Text mb="sm" aria-live="polite">
              {t('basket.found', { count: data.total })}
            </Text>
            <DataTable<ServiceSummary>
              caption={t('basket.tableCaption')}
              rows={data.items}
              rowKey={(row) => row.id}
              columns={[
                {
                  key: 'name',
                  header: t('basket.name'),
                  isRowHeader: true,
                  cell: (row) => (
                    <>
                      <Anchor component={Link} to={paths.service(row.id)}>
                        {row.name}
                      </Anchor>
                      {row.isStale && (
                        <Badge color="orange" variant="light" ml="xs">
                          {t('basket.stale')}
                        </Badge>
                      )}
                    </>
                  ),
                },
                { key: 'provider', header: t('basket.provider'), cell: (row) => row.providerName },
                {
                  key: 'areas',
                  header: t('basket.areas'),
                  cell: (row) => row.cooperationAreas.map((a) => t(`areas.${a}`)).join(', '),
                },
                { key: 'cost', header: t('basket.cost'), cell: (row) => t(`costs.${row.cost}`) },
                { key: 'partnership', header: t('basket.partnership'), cell: (row) => row.partnershipName },
              ]}
            />
            <Group justify="flex-end">
              <Pager page={data.page} pageSize={data.pageSize} total={data.total} onChange={setPage} />
            </Group>
          </>
        )}
      </QueryState>
    </>
  );
}
