import { Button, Checkbox, Group, NativeSelect, SimpleGrid, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { cooperationAreas, institutionKinds } from '../../../shared/src/contracts/common';
import { serviceCosts, serviceOrigins, targetGroups } from '../../../shared/src/contracts/basket';
import { useMe } from '../modules/accounts/session';
import { useServices, type ServiceFilters } from '../modules/basket/basket-api';
import { regionalRoles } from '../modules/basket/service-labels';
import { EmptySearchNextSteps } from '../modules/basket/empty-search-next-steps';
import { ServiceResults } from '../modules/basket/service-results';
import { FoldingFilters } from '../modules/common/folding-filters';
import { enumOptions } from '../modules/common/labels';
import { QueryState, RunningStatus } from '../modules/common/loading';
import { Pager } from '../modules/common/pager';
import { useUrlFilters, useUrlSearchText } from '../modules/common/use-url-filters';
import { useInstitution } from '../modules/institutions/institutions-api';
import { PageTitle } from '../modules/layout/page-title';
import { usePartnerships } from '../modules/partnerships/partnerships-api';
import { useTerritories, useTerritory } from '../modules/territories/territories-api';
import { TerritorySelect } from '../modules/territories/territory-select';

const PAGE_SIZE = 20;
/** Filters kept in the address (service filters only: nothing about a person). */
const filterSpec = {
  q: 'text',
  partnershipId: 'text',
  voivodeshipCode: 'text',
  area: cooperationAreas,
  targetGroup: targetGroups,
  cost: serviceCosts,
  origin: serviceOrigins,
  providerKind: institutionKinds,
  coversGmina: 'text',
  isStale: 'boolean',
} as const;
type SelectKey = Exclude<keyof typeof filterSpec, 'q' | 'coversGmina' | 'isStale'>;

/** The voivodeship of a regional role's institution: the ROPS view starts there. */
function useRegionalDefault(): { code: string | undefined; isLoading: boolean } {
  const { data: me } = useMe();
  const membership = me?.activeMembership;
  const isRegional = Boolean(membership && (regionalRoles as readonly string[]).includes(membership.role));
  const institution = useInstitution(isRegional ? membership?.institutionId : undefined);
  if (!isRegional) return { code: undefined, isLoading: false };
  return { code: institution.data?.territoryCode.slice(0, 2), isLoading: institution.isPending };
}

/** The basket of services: search a social worker can type quickly (no diacritics, a typo), filters, results. */
export function ServicesPage() {
  const { t } = useTranslation();
  const { values, page, read, setFilters, setRaw, setPage, hasFilters, clear } = useUrlFilters(filterSpec);
  const [q, setQ] = useUrlSearchText(values.q, (text) => setFilters({ q: text }, { replace: true }));
  const regional = useRegionalDefault();
  const partnerships = usePartnerships({ pageSize: 100 });
  const voivodeships = useTerritories({ level: 'voivodeship', pageSize: 20 });
  const coversGmina = values.coversGmina;
  const gmina = useTerritory(coversGmina || undefined);

  // A regional role's voivodeship applies until the user picks another (or "all", kept as an empty value).
  const voivodeshipCode = read('voivodeshipCode') !== null ? values.voivodeshipCode : (regional.code ?? '');
  const filters: ServiceFilters = {
    q: values.q || undefined,
    partnershipId: values.partnershipId || undefined,
    voivodeshipCode: voivodeshipCode || undefined,
    area: values.area || undefined,
    targetGroup: values.targetGroup || undefined,
    cost: values.cost || undefined,
    origin: values.origin || undefined,
    providerKind: values.providerKind || undefined,
    coversGmina: coversGmina || undefined,
    isStale: values.isStale ? 'true' : undefined,
    page,
    pageSize: PAGE_SIZE,
  };
  const query = useServices(filters, !regional.isLoading);
  const partnershipItems = partnerships.data?.items ?? [];
  const showsSeveral = partnershipItems.length > 1 || Boolean(regional.code);

  // The filters beside the search text: on a phone they fold away behind a toggle that counts them.
  const activeCount = [
    filters.partnershipId,
    filters.voivodeshipCode,
    filters.area,
    filters.targetGroup,
    filters.cost,
    filters.origin,
    filters.providerKind,
    filters.coversGmina,
    filters.isStale,
  ].filter(Boolean).length;

  const select = (label: string, key: SelectKey, options: { value: string; label: string }[]) => (
    <NativeSelect
      label={label}
      value={key === 'voivodeshipCode' ? voivodeshipCode : values[key]}
      onChange={(event) => setRaw(key, event.currentTarget.value || (key === 'voivodeshipCode' ? '' : null))}
      data={options}
    />
  );
  return (
    <>
      <PageTitle title={t('basket.title')} />
      <Text mb="md">{regional.code ? t('basket.introRegional') : t('basket.intro')}</Text>
      <form role="search" aria-label={t('basket.searchLabel')} onSubmit={(event) => event.preventDefault()}>
        <TextInput
          label={t('basket.search')}
          description={t('basket.searchHelp')}
          type="search"
          value={q}
          onChange={(event) => setQ(event.currentTarget.value)}
          mb="sm"
        />
        <FoldingFilters
          activeCount={activeCount}
          aside={
            (hasFilters || q !== '') && (
              <Button
                variant="subtle"
                onClick={() => {
                  setQ('');
                  clear();
                }}
              >
                {t('common.clearFilters')}
              </Button>
            )
          }
        >
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} mb="sm">
            {showsSeveral &&
              select(t('basket.partnership'), 'partnershipId', [
                { value: '', label: t('common.all') },
                ...partnershipItems.map((item) => ({ value: item.id, label: item.name })),
              ])}
            {regional.code &&
              select(t('basket.voivodeship'), 'voivodeshipCode', [
                { value: '', label: t('common.all') },
                ...(voivodeships.data?.items ?? []).map((item) => ({ value: item.code, label: item.name })),
              ])}
            {select(t('basket.area'), 'area', enumOptions(t, 'areas', cooperationAreas, t('common.all')))}
            {select(
              t('basket.targetGroup'),
              'targetGroup',
              enumOptions(t, 'targetGroups', targetGroups, t('common.all')),
            )}
            {select(t('basket.cost'), 'cost', enumOptions(t, 'costs', serviceCosts, t('common.all')))}
            {select(t('basket.origin'), 'origin', enumOptions(t, 'origins', serviceOrigins, t('common.all')))}
            {select(
              t('basket.providerKind'),
              'providerKind',
              enumOptions(t, 'institutionKinds', institutionKinds, t('common.all')),
            )}
            {(!coversGmina || gmina.data) && (
              <TerritorySelect
                key={gmina.data?.code ?? 'none'}
                label={t('basket.coversGmina')}
                value={coversGmina || null}
                onChange={(code) => setFilters({ coversGmina: code })}
                initialOption={gmina.data ? { value: gmina.data.code, label: gmina.data.name } : null}
                name="coversGmina"
              />
            )}
          </SimpleGrid>
          <Checkbox
            label={t('basket.staleOnly')}
            checked={values.isStale}
            onChange={(event) => setFilters({ isStale: event.currentTarget.checked })}
          />
        </FoldingFilters>
      </form>
      <RunningStatus isRunning={query.isFetching && !query.isPending} label={t('basketSearch.running')} />
      <QueryState query={query}>
        {(data) => (
          <>
            <Text mb="sm" aria-live="polite" fw={600}>
              {t('basket.found', { count: data.total })}
            </Text>
            <ServiceResults
              items={data.items}
              showPartnership={showsSeveral}
              emptyState={
                <EmptySearchNextSteps
                  partnershipId={
                    values.partnershipId || (partnershipItems.length === 1 ? partnershipItems[0]!.id : undefined)
                  }
                />
              }
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
