import { Button, Checkbox, Group, NativeSelect, SimpleGrid, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { cooperationAreas, institutionKinds } from '../../../shared/src/contracts/common';
import { serviceCosts, serviceOrigins, targetGroups } from '../../../shared/src/contracts/basket';
import { useMe } from '../modules/auth/session';
import { useServices, type ServiceFilters } from '../modules/basket/basket-api';
import { regionalRoles } from '../modules/basket/service-labels';
import { ServiceResults } from '../modules/basket/service-results';
import { enumOptions } from '../modules/common/labels';
import { QueryState } from '../modules/common/loading';
import { Pager } from '../modules/common/pager';
import { useInstitution } from '../modules/institutions/institutions-api';
import { PageTitle } from '../modules/layout/page-title';
import { usePartnerships } from '../modules/partnerships/partnerships-api';
import { useTerritories, useTerritory } from '../modules/territories/territories-api';
import { TerritorySelect } from '../modules/territories/territory-select';

const PAGE_SIZE = 20;
/** Filters kept in the address (service filters only: nothing about a person). */
const _filterKeys = [
  'partnershipId',
  'voivodeshipCode',
  'area',
  'targetGroup',
  'cost',
  'origin',
  'providerKind',
  'coversGmina',
] as const;
type FilterKey = (typeof _filterKeys)[number];

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
  const [params, setParams] = useSearchParams();
  const [q, setQ] = useState(params.get('q') ?? '');
  const [debouncedQ] = useDebouncedValue(q, 300);
  const regional = useRegionalDefault();
  const partnerships = usePartnerships({ pageSize: 100 });
  const voivodeships = useTerritories({ level: 'voivodeship', pageSize: 20 });
  const coversGmina = params.get('coversGmina') ?? '';
  const gmina = useTerritory(coversGmina || undefined);

  // Router navigations run as transitions: keep what the user just chose until the address catches up.
  const [pending, setPending] = useState<Record<string, string | null>>({});
  useEffect(() => setPending({}), [params]);
  const update = (changes: Record<string, string | null>, replace = false) => {
    setPending((previous) => ({ ...previous, ...changes }));
    setParams(
      (previous) => {
        const next = new URLSearchParams(previous);
        for (const [key, value] of Object.entries(changes)) {
          if (value === null) next.delete(key);
          else next.set(key, value);
        }
        if (!('page' in changes)) next.delete('page');
        return next;
      },
      { replace },
    );
  };

  useEffect(() => {
    const current = params.get('q') ?? '';
    if (debouncedQ.trim() !== current) update({ q: debouncedQ.trim() || null }, true);
    // Only the typed text drives this; the address is read fresh inside update.
  }, [debouncedQ]);

  const read = (key: string) => (key in pending ? pending[key] : params.get(key));
  const value = (key: FilterKey) => read(key) ?? '';
  // A regional role's voivodeship applies until the user picks another (or "all", kept as an empty value).
  const voivodeshipCode = read('voivodeshipCode') !== null ? value('voivodeshipCode') : (regional.code ?? '');
  const page = Number(params.get('page') ?? '1') || 1;
  const filters: ServiceFilters = {
    q: params.get('q') || undefined,
    partnershipId: value('partnershipId') || undefined,
    voivodeshipCode: voivodeshipCode || undefined,
    area: value('area') || undefined,
    targetGroup: value('targetGroup') || undefined,
    cost: value('cost') || undefined,
    origin: value('origin') || undefined,
    providerKind: value('providerKind') || undefined,
    coversGmina: coversGmina || undefined,
    isStale: params.get('isStale') === 'true' ? 'true' : undefined,
    page,
    pageSize: PAGE_SIZE,
  };
  const query = useServices(filters, !regional.isLoading);
  const partnershipItems = partnerships.data?.items ?? [];
  const showsSeveral = partnershipItems.length > 1 || Boolean(regional.code);

  const select = (label: string, key: FilterKey, options: { value: string; label: string }[]) => (
    <NativeSelect
      label={label}
      value={key === 'voivodeshipCode' ? voivodeshipCode : value(key)}
      onChange={(event) => update({ [key]: event.currentTarget.value || (key === 'voivodeshipCode' ? '' : null) })}
      data={options}
    />
  );
  const hasFilters = params.toString() !== '' || q !== '';
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
              onChange={(code) => update({ coversGmina: code })}
              initialOption={gmina.data ? { value: gmina.data.code, label: gmina.data.name } : null}
              name="coversGmina"
            />
          )}
        </SimpleGrid>
        <Group justify="space-between" mb="md" wrap="wrap">
          <Checkbox
            label={t('basket.staleOnly')}
            checked={read('isStale') === 'true'}
            onChange={(event) => update({ isStale: event.currentTarget.checked ? 'true' : null })}
          />
          {hasFilters && (
            <Button
              variant="subtle"
              onClick={() => {
                setQ('');
                setParams(new URLSearchParams());
              }}
            >
              {t('common.clearFilters')}
            </Button>
          )}
        </Group>
      </form>
      <QueryState query={query}>
        {(data) => (
          <>
            <Text mb="sm" aria-live="polite" fw={600}>
              {t('basket.found', { count: data.total })}
            </Text>
            <ServiceResults items={data.items} showPartnership={showsSeveral} />
            <Group justify="flex-end">
              <Pager
                page={data.page}
                pageSize={data.pageSize}
                total={data.total}
                onChange={(next) => update({ page: String(next) })}
              />
            </Group>
          </>
        )}
      </QueryState>
    </>
  );
}
