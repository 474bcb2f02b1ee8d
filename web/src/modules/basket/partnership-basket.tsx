import {
  Anchor,
  Button,
  Group,
  NativeSelect,
  SimpleGrid,
  Stack,
  Switch,
  Tabs,
  Text,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { Controller } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { cooperationAreas } from '../../../../shared/src/contracts/common';
import {
  BasketPublication,
  BasketPublicationInput,
  serviceStatuses,
  targetGroups,
} from '../../../../shared/src/contracts/basket';
import type { z } from 'zod';
import type { Partnership } from '../../../../shared/src/contracts/partnerships';
import { useMe } from '../accounts/session';
import { applyServerErrors, useContractForm, useFieldError } from '../common/forms';
import { FoldingFilters } from '../common/folding-filters';
import { enumOptions } from '../common/labels';
import { QueryState, RunningStatus } from '../common/loading';
import { Pager } from '../common/pager';
import { ProblemAlert } from '../common/problem-alert';
import { paths } from '../../paths';
import { basketFiles, useBasketPublication, useSaveBasketPublication, useServices } from './basket-api';
import { BasketGapsSection } from './basket-gaps';
import { ImportWizard } from './basket-import';
import { ChangeRequestsSection } from './change-requests-section';
import { EmptySearchNextSteps } from './empty-search-next-steps';
import { ServiceResults } from './service-results';
import { regionalRoles } from './service-labels';

const views = ['services', 'requests', 'gaps', 'files', 'public'] as const;
type View = (typeof views)[number];
const cardKeeperRoles = ['partnerRepresentative', 'director', 'networkCoordinator'];

function useBasketFilters() {
  const [params, setParams] = useSearchParams();
  const filters = {
    status: params.get('status') ?? '',
    area: params.get('area') ?? '',
    targetGroup: params.get('targetGroup') ?? '',
  };
  const set = (key: keyof typeof filters, value: string) =>
    setParams((previous) => {
      const next = new URLSearchParams(previous);
      if (value) next.set(key, value);
      else next.delete(key);
      next.delete('page');
      return next;
    });
  const page = Number(params.get('page') ?? '1') || 1;
  const setPage = (value: number) =>
    setParams((previous) => {
      const next = new URLSearchParams(previous);
      next.set('page', String(value));
      return next;
    });
  return { filters, set, page, setPage };
}

function ServicesView({
  partnership,
  canManage,
  canAdd,
}: {
  partnership: Partnership;
  canManage: boolean;
  canAdd: boolean;
}) {
  const { t } = useTranslation();
  const { filters, set, page, setPage } = useBasketFilters();
  const query = useServices({
    partnershipId: partnership.id,
    status: filters.status || undefined,
    area: filters.area || undefined,
    targetGroup: filters.targetGroup || undefined,
    page,
    pageSize: 20,
  });
  return (
    <>
      <FoldingFilters
        activeCount={Object.values(filters).filter(Boolean).length}
        aside={
          canAdd && (
            <Button component={Link} to={paths.newService(partnership.id)}>
              {t('basket.addService')}
            </Button>
          )
        }
      >
        <SimpleGrid cols={{ base: 1, sm: canManage ? 3 : 2 }}>
          {canManage && (
            <NativeSelect
              label={t('basket.status')}
              value={filters.status}
              onChange={(event) => set('status', event.currentTarget.value)}
              data={enumOptions(t, 'serviceStatuses', serviceStatuses, t('basket.publishedDefault'))}
            />
          )}
          <NativeSelect
            label={t('basket.area')}
            value={filters.area}
            onChange={(event) => set('area', event.currentTarget.value)}
            data={enumOptions(t, 'areas', cooperationAreas, t('common.all'))}
          />
          <NativeSelect
            label={t('basket.targetGroup')}
            value={filters.targetGroup}
            onChange={(event) => set('targetGroup', event.currentTarget.value)}
            data={enumOptions(t, 'targetGroups', targetGroups, t('common.all'))}
          />
        </SimpleGrid>
      </FoldingFilters>
      <RunningStatus isRunning={query.isFetching && !query.isPending} label={t('basketSearch.running')} />
      <QueryState query={query}>
        {(data) => (
          <>
            <Text mb="sm" aria-live="polite" fw={600}>
              {t('basket.found', { count: data.total })}
            </Text>
            <ServiceResults
              items={data.items}
              showStatus={canManage}
              headingLevel={3}
              emptyState={<EmptySearchNextSteps partnershipId={partnership.id} canAdd={canAdd} />}
            />
            <Pager page={data.page} pageSize={data.pageSize} total={data.total} onChange={setPage} />
          </>
        )}
      </QueryState>
    </>
  );
}

function FilesView({ partnership, canManage }: { partnership: Partnership; canManage: boolean }) {
  const { t } = useTranslation();
  const { filters } = useBasketFilters();
  const exportFilters = {
    status: filters.status || undefined,
    area: filters.area || undefined,
    targetGroup: filters.targetGroup || undefined,
  };
  const hasFilters = Object.values(exportFilters).some(Boolean);
  return (
    <Stack>
      <Title order={3} size="h4">
        {t('files.exportTitle')}
      </Title>
      <Text size="sm">{hasFilters ? t('files.exportFiltered') : t('files.exportAll')}</Text>
      <Group wrap="wrap">
        <Button component="a" href={basketFiles.export(partnership.id, 'xlsx', exportFilters)} download>
          {t('files.exportXlsx')}
        </Button>
        <Button
          component="a"
          variant="default"
          href={basketFiles.export(partnership.id, 'csv', exportFilters)}
          download
        >
          {t('files.exportCsv')}
        </Button>
        <Button component="a" variant="default" href={basketFiles.hsds(partnership.id)} download>
          {t('files.exportHsds')}
        </Button>
      </Group>
      {canManage && (
        <>
          <Title order={3} size="h4" mt="md">
            {t('files.importTitle')}
          </Title>
          <Text size="sm">{t('files.importHelp')}</Text>
          <Group>
            <Anchor href={basketFiles.template} download>
              {t('files.template')}
            </Anchor>
          </Group>
          <ImportWizard partnershipId={partnership.id} format="xlsx" />
          <Title order={3} size="h4" mt="md">
            {t('files.hsdsImportTitle')}
          </Title>
          <Text size="sm">{t('files.hsdsImportHelp')}</Text>
          <ImportWizard partnershipId={partnership.id} format="hsds" />
        </>
      )}
    </Stack>
  );
}

type PublicationValues = { isPublic: boolean; slug: string; introduction: string };

function PublicationForm({
  partnershipId,
  publication,
}: {
  partnershipId: string;
  publication: z.infer<typeof BasketPublication>;
}) {
  const { t } = useTranslation();
  const save = useSaveBasketPublication(partnershipId);
  const [problem, setProblem] = useState<unknown>(null);
  const [isSaved, setIsSaved] = useState(false);
  const form = useContractForm<typeof BasketPublicationInput, PublicationValues>(BasketPublicationInput, {
    defaultValues: {
      isPublic: publication.isPublic,
      slug: publication.slug,
      introduction: publication.introduction ?? '',
    },
  });
  const errorOf = useFieldError(form);
  const onSubmit = form.handleSubmit(async (values) => {
    setProblem(null);
    setIsSaved(false);
    try {
      await save.mutateAsync(values);
      setIsSaved(true);
    } catch (error) {
      applyServerErrors(error, form, ['isPublic', 'slug', 'introduction']);
      setProblem(error);
    }
  });
  const publicPath = `/koszyk/${publication.slug}`;
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack maw={720}>
        {problem ? <ProblemAlert error={problem} /> : null}
        <Text size="sm">{t('publication.help')}</Text>
        <Controller
          control={form.control}
          name="isPublic"
          render={({ field }) => (
            <Switch
              label={t('publication.isPublic')}
              checked={field.value}
              onChange={(event) => field.onChange(event.currentTarget.checked)}
            />
          )}
        />
        <TextInput
          label={t('publication.slug')}
          description={t('publication.slugHint')}
          required
          error={
            form.formState.errors.slug?.type === 'server'
              ? errorOf('slug')
              : errorOf('slug')
                ? t('publication.slugError')
                : undefined
          }
          {...form.register('slug')}
        />
        <Textarea
          label={t('publication.introduction')}
          autosize
          minRows={3}
          error={errorOf('introduction')}
          {...form.register('introduction')}
        />
        <Group>
          <Button type="submit" loading={save.isPending}>
            {t('common.save')}
          </Button>
          {isSaved && <Text role="status">{t('publication.saved')}</Text>}
        </Group>
        {publication.isPublic ? (
          <Text>
            {t('publication.address')}{' '}
            <Anchor href={publicPath} target="_blank" rel="noopener">
              {publication.publicUrl || publicPath}
              <span className="visually-hidden"> {t('common.newWindow')}</span>
            </Anchor>
          </Text>
        ) : (
          <Text c="dark.6">{t('publication.notPublic')}</Text>
        )}
      </Stack>
    </form>
  );
}

function PublicView({ partnershipId }: { partnershipId: string }) {
  const query = useBasketPublication(partnershipId);
  return (
    <QueryState query={query}>
      {(publication) => <PublicationForm partnershipId={partnershipId} publication={publication} />}
    </QueryState>
  );
}

/** The partnership's "Koszyk usług": services, change requests, gaps, Excel/HSDS, public page. */
export function PartnershipBasket({ partnership }: { partnership: Partnership }) {
  const { t } = useTranslation();
  const { data: me } = useMe();
  const [params, setParams] = useSearchParams();
  const canManage = partnership.abilities.canUpdate;
  const membership = me?.activeMembership;
  const isMember = Boolean(
    membership &&
    (partnership.leaderInstitutionId === membership.institutionId ||
      partnership.members.some((m) => m.institutionId === membership.institutionId && m.status !== 'left')),
  );
  const canAdd = canManage || (isMember && cardKeeperRoles.includes(membership?.role ?? ''));
  const canPropose =
    (isMember || membership?.role === 'admin') &&
    !(regionalRoles as readonly string[]).includes(membership?.role ?? '');
  const available = views.filter((view) => view !== 'public' || canManage);
  const requested = params.get('widok') as View | null;
  const view: View = requested && available.includes(requested) ? requested : 'services';
  return (
    <Tabs
      value={view}
      onChange={(next) =>
        setParams((previous) => {
          const updated = new URLSearchParams(previous);
          updated.set('widok', next ?? 'services');
          return updated;
        })
      }
      keepMounted={false}
    >
      <Tabs.List mb="md">
        {available.map((item) => (
          <Tabs.Tab key={item} value={item}>
            {t(`basketTabs.${item}`)}
          </Tabs.Tab>
        ))}
      </Tabs.List>
      <Tabs.Panel value="services">
        <ServicesView partnership={partnership} canManage={canManage} canAdd={canAdd} />
      </Tabs.Panel>
      <Tabs.Panel value="requests">
        <ChangeRequestsSection partnershipId={partnership.id} canPropose={canPropose} />
      </Tabs.Panel>
      <Tabs.Panel value="gaps">
        <BasketGapsSection partnershipId={partnership.id} />
      </Tabs.Panel>
      <Tabs.Panel value="files">
        <FilesView partnership={partnership} canManage={canManage} />
      </Tabs.Panel>
      {canManage && (
        <Tabs.Panel value="public">
          <PublicView partnershipId={partnership.id} />
        </Tabs.Panel>
      )}
    </Tabs>
  );
}
