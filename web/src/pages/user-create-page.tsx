import { Anchor, Button, Fieldset, Group, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useFieldArray } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { CreateUserInput } from '../../../shared/src/contracts/auth';
import { useSignedInMe } from '../modules/accounts/session';
import { applyServerErrors, useContractForm, useFieldError, type LeftoverFieldError } from '../modules/common/forms';
import { NotAllowed } from '../modules/common/not-allowed';
import { ProblemAlert } from '../modules/common/problem-alert';
import { PageTitle } from '../modules/layout/page-title';
import { MembershipFields } from '../modules/accounts/membership-fields';
import { useCreateUser } from '../modules/accounts/users-api';
import { paths } from '../paths';

type UserFormValues = {
  email: string;
  displayName: string;
  password: string;
  memberships: Array<{ institutionId: string; role: string }>;
};

function CreateUserForm() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const createUser = useCreateUser();
  const form = useContractForm<typeof CreateUserInput, UserFormValues>(CreateUserInput, {
    defaultValues: { email: '', displayName: '', password: '', memberships: [{ institutionId: '', role: '' }] },
  });
  const errorOf = useFieldError(form);
  const memberships = useFieldArray({ control: form.control, name: 'memberships' });
  const [leftovers, setLeftovers] = useState<LeftoverFieldError[]>([]);
  const onSubmit = form.handleSubmit(async (values) => {
    try {
      const user = await createUser.mutateAsync(values);
      navigate(paths.user(user.id));
    } catch (error) {
      setLeftovers(applyServerErrors(error, form, ['email', 'displayName', 'password', 'memberships']));
    }
  });
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack maw={720}>
        {createUser.error ? <ProblemAlert error={createUser.error} leftovers={leftovers} /> : null}
        <TextInput
          label={t('users.displayName')}
          required
          error={errorOf('displayName')}
          {...form.register('displayName')}
        />
        <TextInput
          label={t('users.email')}
          type="email"
          required
          error={errorOf('email')}
          {...form.register('email')}
        />
        <PasswordInput
          label={t('users.initialPassword')}
          description={t('users.initialPasswordHint')}
          autoComplete="new-password"
          required
          error={errorOf('password')}
          {...form.register('password')}
        />
        {errorOf('memberships') && (
          <div role="alert" style={{ color: 'var(--mantine-color-error)' }}>
            {errorOf('memberships')}
          </div>
        )}
        {memberships.fields.map((membership, index) => (
          <Fieldset key={membership.id} legend={t('users.membershipNumber', { number: index + 1 })}>
            <MembershipFields
              control={form.control}
              prefix={`memberships.${index}.`}
              errorOf={errorOf}
              register={(name) => form.register(name)}
            />
            {memberships.fields.length > 1 && (
              <Button variant="subtle" color="red" mt="sm" onClick={() => memberships.remove(index)}>
                {t('users.removeMembershipRow', { number: index + 1 })}
              </Button>
            )}
          </Fieldset>
        ))}
        <Group>
          <Button variant="default" onClick={() => memberships.append({ institutionId: '', role: '' })}>
            {t('users.addMembershipRow')}
          </Button>
        </Group>
        <Group mt="md">
          <Button type="submit" loading={createUser.isPending}>
            {t('users.create')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** New user (administrators): e-mail, name, initial password, one or more roles. */
export function UserCreatePage() {
  const { t } = useTranslation();
  const me = useSignedInMe();
  return (
    <>
      <PageTitle title={t('users.new')} />
      <Anchor component={Link} to={paths.users} mb="md" display="inline-block">
        {t('users.backToList')}
      </Anchor>
      {me.abilities.manageUsers ? <CreateUserForm /> : <NotAllowed />}
    </>
  );
}
