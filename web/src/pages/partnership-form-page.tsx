import { Anchor } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { QueryState } from '../modules/common/loading';
import { PageTitle } from '../modules/layout/page-title';
import { PartnershipForm } from '../modules/partnerships/partnership-form';
import { useCreatePartnership, usePartnership, useUpdatePartnership } from '../modules/partnerships/partnerships-api';
import { paths } from '../paths';

function CreatePartnership() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const create = useCreatePartnership();
  return (
    <>
      <PageTitle title={t('partnerships.new')} />
      <Anchor component={Link} to={paths.partnerships} mb="md" display="inline-block">
        {t('partnerships.backToList')}
      </Anchor>
      <PartnershipForm
        mode="create"
        onSubmit={async (values) => {
          const partnership = await create.mutateAsync(values);
          navigate(paths.partnership(partnership.id));
        }}
      />
    </>
  );
}

function EditPartnership({ id }: { id: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const query = usePartnership(id);
  const update = useUpdatePartnership(id);
  return (
    <QueryState query={query}>
      {(partnership) => (
        <>
          <PageTitle title={t('partnerships.editTitle', { name: partnership.name })} />
          <Anchor component={Link} to={paths.partnership(id)} mb="md" display="inline-block">
            {t('common.cancel')}
          </Anchor>
          <PartnershipForm
            key={partnership.version}
            mode="edit"
            partnership={partnership}
            onSubmit={async (values) => {
              await update.mutateAsync(values);
              navigate(paths.partnership(id));
            }}
          />
        </>
      )}
    </QueryState>
  );
}

/** /partnerstwa/nowe and /partnerstwa/:id/edycja. */
export function PartnershipFormPage() {
  const { id } = useParams();
  return id ? <EditPartnership id={id} /> : <CreatePartnership />;
}
