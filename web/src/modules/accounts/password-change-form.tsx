import { Button, PasswordInput, Stack } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ChangePasswordInput } from '../../../../shared/src/contracts/auth';
import { applyServerErrors, useContractForm, useFieldError, type LeftoverFieldError } from '../common/forms';
import { ProblemAlert } from '../common/problem-alert';
import { useChangePassword } from './own-account-api';

/** Current and new password (10+ characters, no composition rules); other sessions end on success. */
export function PasswordChangeForm({ onChanged }: { onChanged: () => void }) {
  const { t } = useTranslation();
  const form = useContractForm(ChangePasswordInput, { defaultValues: { currentPassword: '', newPassword: '' } });
  const errorOf = useFieldError(form);
  const changePassword = useChangePassword();
  const [leftovers, setLeftovers] = useState<LeftoverFieldError[]>([]);
  const onSubmit = form.handleSubmit(async (values) => {
    try {
      await changePassword.mutateAsync(values);
      form.reset();
      onChanged();
    } catch (error) {
      setLeftovers(applyServerErrors(error, form, ['currentPassword', 'newPassword']));
    }
  });
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack maw={440}>
        {changePassword.error ? <ProblemAlert error={changePassword.error} leftovers={leftovers} /> : null}
        <PasswordInput
          label={t('account.currentPassword')}
          autoComplete="current-password"
          required
          error={errorOf('currentPassword')}
          {...form.register('currentPassword')}
        />
        <PasswordInput
          label={t('account.newPassword')}
          description={t('account.newPasswordHint')}
          autoComplete="new-password"
          required
          error={errorOf('newPassword')}
          {...form.register('newPassword')}
        />
        <Button type="submit" loading={changePassword.isPending} style={{ alignSelf: 'flex-start' }}>
          {t('account.changePassword')}
        </Button>
      </Stack>
    </form>
  );
}
