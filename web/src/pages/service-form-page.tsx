import { Anchor, NativeSelect, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { useMe } from '../modules/accounts/session';
import { useCreateService, useService, useUpdateService } from '../modules/basket/basket-api';
import { ServiceForm, type FixedProvider } from '../modules/basket/service-form';
import { QueryState } from '../modules/common/loading';
import { PageTitle } from '../modules/layout/page-title';
import { usePartnership, usePartnerships } from '../modules/partnerships/partnerships-api';
import { paths } from '../paths';

/** A partner's representative keeps their own institution's cards; managers choose any provider. */
function useFixedProvider(canManage: boolean): FixedProvider | null {
  const { data: me } = useMe();
  const membership = me?.activeMembership;
  if (canManage || !membership) return null;
  return { id: membership.institutionId, name: membership.institutionName };
}

function CreateService({ partnershipId }: { partnershipId: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const create = useCreateService();
  const partnership = usePartnership(partnershipId);
  const fixedProvider = useFixedProvider(Boolean(partnership.data?.abilities.canUpdate));
  return (
    <QueryState query={partnership}>
      {(data) => (
        <>
          <PageTitle title={t('serviceForm.newTitle')} />
          <Anchor component={Link} to={paths.partnershipBasket(partnershipId)} mb="xs" display="inline-block">
            {t('common.cancel')}
          </Anchor>
          <Text mb="md">{t('serviceForm.intro', { partnership: data.name })}</Text>
          <ServiceForm
            mode="create"
            partnershipId={partnershipId}
            fixedProvider={fixedProvider}
            onSubmit={async (values) => {
              const service = await create.mutateAsync(values);
              navigate(paths.service(service.id));
            }}
          />
        </>
      )}
    </QueryState>
  );
}

function ChoosePartnership() {
  const { t } = useTranslation();
  const [, setParams] = useSearchParams();
  const partnerships = usePartnerships({ pageSize: 100 });
  return (
    <>
      <PageTitle title={t('serviceForm.newTitle')} />
      <QueryState query={partnerships}>
        {(data) => (
          <NativeSelect
            label={t('basket.partnership')}
            data={[
              { value: '', label: t('common.choose') },
              ...data.items.map((item) => ({ value: item.id, label: item.name })),
            ]}
            onChange={(event) => setParams({ partnershipId: event.currentTarget.value })}
          />
        )}
      </QueryState>
    </>
  );
}

function EditService({ id }: { id: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const query = useService(id);
  const update = useUpdateService(id);
  return (
    <QueryState query={query}>
      {(service) => (
        <>
          <PageTitle title={t('serviceForm.editTitle', { name: service.name })} />
          <Anchor component={Link} to={paths.service(id)} mb="md" display="inline-block">
            {t('common.cancel')}
          </Anchor>
          <ServiceForm
            key={service.version}
            mode="edit"
            service={service}
            fixedProvider={null}
            onSubmit={async (values) => {
              await update.mutateAsync(values);
              navigate(paths.service(id));
            }}
          />
        </>
      )}
    </QueryState>
  );
}

/** /koszyk-uslug/nowa?partnershipId=… and /koszyk-uslug/:id/edycja. */
export function ServiceFormPage() {
  const { id } = useParams();
  const [params] = useSearchParams();
  const partnershipId = params.get('partnershipId');
  if (id) return <EditService id={id} />;
  return partnershipId ? <CreateService partnershipId={partnershipId} /> : <ChoosePartnership />;
}
