import { Anchor } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { InstitutionForm } from '../modules/institutions/institution-form';
import { useCreateInstitution, useInstitution, useUpdateInstitution } from '../modules/institutions/institutions-api';
import { QueryState } from '../modules/common/loading';
import { PageTitle } from '../modules/layout/page-title';
import { paths } from '../paths';

function CreateInstitution() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const create = useCreateInstitution();
  return (
    <>
      <PageTitle title={t('institutions.new')} />
      <Anchor component={Link} to={paths.institutions} mb="md" display="inline-block">
        {t('institutions.backToList')}
      </Anchor>
      <InstitutionForm
        mode="create"
        onSubmit={async (values) => {
          const institution = await create.mutateAsync(values);
          navigate(paths.institution(institution.id));
        }}
      />
    </>
  );
}

function EditInstitution({ id }: { id: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const query = useInstitution(id);
  const update = useUpdateInstitution(id);
  return (
    <QueryState query={query}>
      {(institution) => (
        <>
          <PageTitle title={t('institutions.editTitle', { name: institution.name })} />
          <Anchor component={Link} to={paths.institution(id)} mb="md" display="inline-block">
            {t('common.cancel')}
          </Anchor>
          <InstitutionForm
            key={institution.version}
            mode="edit"
            institution={institution}
            onSubmit={async (values) => {
              await update.mutateAsync(values);
              navigate(paths.institution(id));
            }}
          />
        </>
      )}
    </QueryState>
  );
}

/** /instytucje/nowa and /instytucje/:id/edycja. */
export function InstitutionFormPage() {
  const { id } = useParams();
  return id ? <EditInstitution id={id} /> : <CreateInstitution />;
}
