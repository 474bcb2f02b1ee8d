import { Alert, Anchor, Badge, Button, Group, PasswordInput, Stack, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import {
  AddMembershipInput,
  ResetPasswordInput,
  type MembershipView,
  type UserSummary,
} from '../../../shared/src/contracts/auth';
import { SessionsTable } from '../modules/accounts/sessions-table';
import { useSignedInMe } from '../modules/accounts/session';
import { DataTable } from '../modules/common/data-table';
import { DetailsList } from '../modules/common/details-list';
import { applyServerErrors, useContractForm, useFieldError, type LeftoverFieldError } from '../modules/common/forms';
import { QueryState } from '../modules/common/loading';
import { NotAllowed } from '../modules/common/not-allowed';
import { ProblemAlert } from '../modules/common/problem-alert';
import { PageTitle } from '../modules/layout/page-title';
import { MembershipFields } from '../modules/accounts/membership-fields';
import {
  useAddMembership,
  useRemoveMembership,
  useResetPassword,
  useRevokeUserSessions,
  useUpdateUser,
  useUser,
  useUserSessions,
} from '../modules/accounts/users-api';
import { paths } from '../paths';

function ActivationButton({ user }: { user: UserSummary }) {
  const { t } = useTranslation();
  const update = useUpdateUser(user.id);
  return (
    <Stack gap="xs">
      <Button
        variant="default"
        color={user.isActive ? 'red' : 'blue'}
        loading={update.isPending}
        style={{ alignSelf: 'flex-start' }}
        onClick={() => {
          if (window.confirm(user.isActive ? t('users.confirmDeactivate') : t('users.confirmActivate'))) {
            update.mutate({ isActive: !user.isActive });
          }
        }}
      >
        {user.isActive ? t('users.deactivate') : t('users.activate')}
      </Button>
      {update.error ? <ProblemAlert error={update.error} /> : null}
    </Stack>
  );
}

function ResetPasswordForm({ userId }: { userId: string }) {
  const { t } = useTranslation();
  const reset = useResetPassword(userId);
  const form = useContractForm<typeof ResetPasswordInput, { newPassword: string }>(ResetPasswordInput, {
    defaultValues: { newPassword: '' },
  });
  const errorOf = useFieldError(form);
  const [isDone, setIsDone] = useState(false);
  const onSubmit = form.handleSubmit(async (values) => {
    setIsDone(false);
    try {
      await reset.mutateAsync(values);
      form.reset();
      setIsDone(true);
    } catch (error) {
      applyServerErrors(error, form, ['newPassword']);
    }
  });
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack maw={440}>
        {reset.error ? <ProblemAlert error={reset.error} /> : null}
        {isDone && (
          <Alert color="green" role="status">
            {t('users.passwordResetDone')}
          </Alert>
        )}
        <PasswordInput
          label={t('users.newPassword')}
          description={t('users.initialPasswordHint')}
          autoComplete="new-password"
          required
          error={errorOf('newPassword')}
          {...form.register('newPassword')}
        />
        <Button type="submit" loading={reset.isPending} style={{ alignSelf: 'flex-start' }}>
          {t('users.resetPassword')}
        </Button>
      </Stack>
    </form>
  );
}

function AddMembershipForm({ userId }: { userId: string }) {
  const { t } = useTranslation();
  const add = useAddMembership(userId);
  const form = useContractForm<typeof AddMembershipInput, { institutionId: string; role: string }>(AddMembershipInput, {
    defaultValues: { institutionId: '', role: '' },
  });
  const errorOf = useFieldError(form);
  const [leftovers, setLeftovers] = useState<LeftoverFieldError[]>([]);
  const [formKey, setFormKey] = useState(0);
  const onSubmit = form.handleSubmit(async (values) => {
    try {
      await add.mutateAsync(values);
      form.reset();
      setFormKey((key) => key + 1);
    } catch (error) {
      setLeftovers(applyServerErrors(error, form, ['institutionId', 'role']));
    }
  });
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack maw={720}>
        {add.error ? <ProblemAlert error={add.error} leftovers={leftovers} /> : null}
        <MembershipFields
          key={formKey}
          control={form.control}
          prefix=""
          errorOf={errorOf}
          register={(name) => form.register(name)}
        />
        <Button type="submit" loading={add.isPending} style={{ alignSelf: 'flex-start' }}>
          {t('users.addMembership')}
        </Button>
      </Stack>
    </form>
  );
}

function MembershipsTable({ user }: { user: UserSummary }) {
  const { t } = useTranslation();
  const remove = useRemoveMembership(user.id);
  return (
    <>
      {remove.error ? <ProblemAlert error={remove.error} /> : null}
      <DataTable<MembershipView>
        caption={t('users.membershipsCaption', { name: user.displayName })}
        rows={user.memberships}
        rowKey={(row) => row.id}
        stackBelow="sm"
        columns={[
          { key: 'institution', header: t('users.institution'), isRowHeader: true, cell: (row) => row.institutionName },
          { key: 'role', header: t('users.role'), cell: (row) => t(`roles.${row.role}`) },
          {
            key: 'actions',
            header: t('common.actions'),
            isAction: true,
            cell: (row) => (
              <Button
                size="xs"
                variant="default"
                color="red"
                loading={remove.isPending && remove.variables === row.id}
                disabled={user.memberships.length < 2}
                onClick={() => {
                  if (window.confirm(t('users.confirmRemoveMembership'))) remove.mutate(row.id);
                }}
              >
                {t('users.removeMembership')}
                <span className="visually-hidden">
                  : {t(`roles.${row.role}`)} – {row.institutionName}
                </span>
              </Button>
            ),
          },
        ]}
      />
    </>
  );
}

function UserSessions({ userId }: { userId: string }) {
  const { t } = useTranslation();
  const sessions = useUserSessions(userId);
  const revoke = useRevokeUserSessions(userId);
  return (
    <>
      <Group mb="sm">
        <Button
          variant="default"
          color="red"
          loading={revoke.isPending}
          onClick={() => {
            if (window.confirm(t('users.confirmEndSessions'))) revoke.mutate();
          }}
        >
          {t('users.endSessions')}
        </Button>
      </Group>
      {revoke.error ? <ProblemAlert error={revoke.error} /> : null}
      {revoke.isSuccess && (
        <Alert color="green" role="status" mb="sm">
          {t('users.sessionsEnded')}
        </Alert>
      )}
      <QueryState query={sessions}>
        {(data) => <SessionsTable caption={t('users.sessionsCaption')} sessions={data.items} />}
      </QueryState>
    </>
  );
}

function UserDetail({ id }: { id: string }) {
  const { t } = useTranslation();
  const query = useUser(id);
  return (
    <QueryState query={query}>
      {(user) => (
        <>
          <PageTitle title={user.displayName} />
          <Anchor component={Link} to={paths.users} mb="md" display="inline-block">
            {t('users.backToList')}
          </Anchor>
          <DetailsList
            items={[
              { label: t('users.email'), value: user.email },
              {
                label: t('users.status'),
                value: (
                  <Badge color={user.isActive ? 'green' : 'gray'} variant="light">
                    {user.isActive ? t('users.active') : t('users.inactive')}
                  </Badge>
                ),
              },
              { label: t('users.totp'), value: user.isTotpEnabled ? t('common.yes') : t('common.no') },
            ]}
          />
          <Title order={2} size="h3" mt="xl" mb="sm">
            {t('users.accountStatus')}
          </Title>
          <ActivationButton user={user} />
          <Title order={2} size="h3" mt="xl" mb="sm">
            {t('users.roles')}
          </Title>
          <MembershipsTable user={user} />
          <Title order={3} size="h4" mt="md" mb="sm">
            {t('users.addMembership')}
          </Title>
          <AddMembershipForm userId={user.id} />
          <Title order={2} size="h3" mt="xl" mb="sm">
            {t('users.resetPassword')}
          </Title>
          <ResetPasswordForm userId={user.id} />
          <Title order={2} size="h3" mt="xl" mb="sm">
            {t('users.sessions')}
          </Title>
          <UserSessions userId={user.id} />
        </>
      )}
    </QueryState>
  );
}

/** One user (administrators): deactivate, reset password, roles, sessions. */
export function UserPage() {
  const { t } = useTranslation();
  const me = useSignedInMe();
  const { id } = useParams();
  if (!me.abilities.manageUsers || !id) {
    return (
      <>
        <PageTitle title={t('users.title')} />
        <NotAllowed />
      </>
    );
  }
  return <UserDetail id={id} />;
}
