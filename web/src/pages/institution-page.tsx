import { Alert, Anchor, Badge, Button, Group, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { Institution } from '../../../shared/src/contracts/institutions';
import { DataTable } from '../modules/common/data-table';
import { DetailsList } from '../modules/common/details-list';
import { formatDateTime } from '../modules/common/format';
import { QueryState } from '../modules/common/loading';
import { ProblemAlert } from '../modules/common/problem-alert';
import { useArchiveInstitution, useInstitution } from '../modules/institutions/institutions-api';
import { PageTitle } from '../modules/layout/page-title';
import { paths } from '../paths';

type Contact = Institution['contacts'][number];

function ArchiveButton({ institution }: { institution: Institution }) {
  const { t } = useTranslation();
  const archive = useArchiveInstitution(institution.id);
  return (
    <>
      <Button
        variant="default"
        color={institution.isArchived ? 'blue' : 'red'}
        loading={archive.isPending}
        onClick={() => {
          const question = institution.isArchived ? t('institutions.confirmRestore') : t('institutions.confirmArchive');
          if (window.confirm(question)) archive.mutate(institution.isArchived ? 'restore' : 'archive');
        }}
      >
        {institution.isArchived ? t('institutions.restore') : t('institutions.archive')}
      </Button>
      {archive.error ? <ProblemAlert error={archive.error} /> : null}
    </>
  );
}

/** One institution with its contacts; edit and archive/restore when its abilities allow. */
export function InstitutionPage() {
  const { t } = useTranslation();
  const { id } = useParams();
  const query = useInstitution(id);
  return (
    <QueryState query={query}>
      {(institution) => (
        <>
          <PageTitle title={institution.name} />
          <Group mb="md" gap="sm" wrap="wrap">
            <Anchor component={Link} to={paths.institutions}>
              {t('institutions.backToList')}
            </Anchor>
          </Group>
          {institution.isArchived && (
            <Alert color="gray" mb="md" title={t('institutions.archived')}>
              {t('institutions.archivedOn', { date: formatDateTime(institution.archivedAt) })}
            </Alert>
          )}
          <Group mb="lg" gap="sm" wrap="wrap">
            {institution.abilities.canUpdate && (
              <Button component={Link} to={paths.editInstitution(institution.id)}>
                {t('common.edit')}
              </Button>
            )}
            {institution.abilities.canArchive && <ArchiveButton institution={institution} />}
          </Group>
          <DetailsList
            items={[
              { label: t('institutions.shortName'), value: institution.shortName },
              { label: t('institutions.kind'), value: t(`institutionKinds.${institution.kind}`) },
              { label: t('institutions.sector'), value: t(`sectors.${institution.sector}`) },
              {
                label: t('institutions.areas'),
                value:
                  institution.cooperationAreas.length > 0 ? (
                    <Group gap={4}>
                      {institution.cooperationAreas.map((area) => (
                        <Badge key={area} variant="light">
                          {t(`areas.${area}`)}
                        </Badge>
                      ))}
                    </Group>
                  ) : null,
              },
              {
                label: t('institutions.territory'),
                value: (
                  <Anchor component={Link} to={paths.territory(institution.territoryCode)}>
                    {[institution.territoryName, institution.powiatName, institution.voivodeshipName]
                      .filter(Boolean)
                      .join(', ')}
                  </Anchor>
                ),
              },
              {
                label: t('institutions.address'),
                value: [institution.street, [institution.postalCode, institution.city].filter(Boolean).join(' ')]
                  .filter(Boolean)
                  .join(', '),
              },
              {
                label: t('institutions.email'),
                value: institution.email ? (
                  <Anchor href={`mailto:${institution.email}`}>{institution.email}</Anchor>
                ) : null,
              },
              { label: t('institutions.phone'), value: institution.phone },
              {
                label: t('institutions.website'),
                value: institution.website ? (
                  <Anchor href={institution.website} rel="noopener noreferrer" target="_blank">
                    {institution.website}
                  </Anchor>
                ) : null,
              },
              { label: t('common.updatedAt'), value: formatDateTime(institution.updatedAt) },
            ]}
          />
          <Title order={2} size="h3" mt="xl" mb="sm">
            {t('institutions.contacts')}
          </Title>
          <DataTable<Contact>
            caption={t('institutions.contactsCaption')}
            rows={institution.contacts}
            rowKey={(row) => `${row.name}-${row.email ?? ''}-${row.phone ?? ''}`}
            emptyText={t('institutions.noContacts')}
            columns={[
              { key: 'name', header: t('institutions.contactName'), isRowHeader: true, cell: (row) => row.name },
              { key: 'position', header: t('institutions.contactPosition'), cell: (row) => row.position ?? '' },
              { key: 'email', header: t('institutions.email'), cell: (row) => row.email ?? '' },
              { key: 'phone', header: t('institutions.phone'), cell: (row) => row.phone ?? '' },
            ]}
          />
        </>
      )}
    </QueryState>
  );
}
