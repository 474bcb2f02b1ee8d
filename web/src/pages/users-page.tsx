import { Anchor, Badge, Button, Group, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { UserSummary } from '../../../shared/src/contracts/auth';
import { useSignedInMe } from '../modules/accounts/session';
import { DataTable } from '../modules/common/data-table';
import { QueryState } from '../modules/common/loading';
import { Pager } from '../modules/common/pager';
import { useUrlFilters, useUrlSearchText } from '../modules/common/use-url-filters';
import { NotAllowed } from '../modules/common/not-allowed';
import { PageTitle } from '../modules/layout/page-title';
import { useUsers } from '../modules/accounts/users-api';
import { paths } from '../paths';

const filterSpec = { q: 'text' } as const;

function UsersList() {
  const { t } = useTranslation();
  const { values, page, setFilters, setPage } = useUrlFilters(filterSpec);
  const [q, setQ] = useUrlSearchText(values.q, (text) => setFilters({ q: text }, { replace: true }));
  const query = useUsers({ q: values.q || undefined, page, pageSize: 20 });
  return (
    <>
      <form role="search" aria-label={t('users.searchLabel')} onSubmit={(event) => event.preventDefault()}>
        <TextInput
          label={t('users.search')}
          type="search"
          value={q}
          onChange={(event) => setQ(event.currentTarget.value)}
          mb="md"
          maw={480}
        />
      </form>
      <QueryState query={query}>
        {(data) => (
          <>
            <DataTable<UserSummary>
              caption={t('users.tableCaption')}
              stackBelow="sm"
              rows={data.items}
              rowKey={(row) => row.id}
              columns={[
                {
                  key: 'name',
                  header: t('users.displayName'),
                  isRowHeader: true,
                  cell: (row) => (
                    <Anchor component={Link} to={paths.user(row.id)}>
                      {row.displayName}
                    </Anchor>
                  ),
                },
                { key: 'email', header: t('users.email'), cell: (row) => row.email },
                {
                  key: 'roles',
                  header: t('users.roles'),
                  cell: (row) =>
                    row.memberships.map((m) => `${t(`roles.${m.role}`)} – ${m.institutionName}`).join('; '),
                },
                {
                  key: 'status',
                  header: t('users.status'),
                  cell: (row) => (
                    <Badge color={row.isActive ? 'green' : 'gray'} variant="light">
                      {row.isActive ? t('users.active') : t('users.inactive')}
                    </Badge>
                  ),
                },
                {
                  key: 'totp',
                  header: t('users.totp'),
                  cell: (row) => (row.isTotpEnabled ? t('common.yes') : t('common.no')),
                },
              ]}
            />
            <Pager page={data.page} pageSize={data.pageSize} total={data.total} onChange={setPage} />
          </>
        )}
      </QueryState>
    </>
  );
}

/** Users (administrators only). */
export function UsersPage() {
  const { t } = useTranslation();
  const me = useSignedInMe();
  return (
    <>
      <Group justify="space-between" align="start" wrap="wrap">
        <PageTitle title={t('users.title')} />
        {me.abilities.manageUsers && (
          <Button component={Link} to={paths.newUser}>
            {t('users.new')}
          </Button>
        )}
      </Group>
      {me.abilities.manageUsers ? <UsersList /> : <NotAllowed />}
    </>
  );
}
