import { Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { PasswordChangeForm } from '../modules/accounts/password-change-form';
import { PageTitle } from '../modules/layout/page-title';
import { paths } from '../paths';

/** Forced password change after an administrator set a temporary password. */
export function PasswordChangePage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <>
      <PageTitle title={t('passwordChange.title')} />
      <Text mb="md">{t('passwordChange.intro')}</Text>
      <PasswordChangeForm onChanged={() => navigate(paths.home, { replace: true })} />
    </>
  );
}
