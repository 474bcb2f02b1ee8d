import { Alert } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** Shown when the acting role may not use a page (the navigation hides it anyway). */
export function NotAllowed() {
  const { t } = useTranslation();
  return (
    <Alert color="red" variant="light" title={t('errors.forbiddenTitle')}>
      {t('errors.forbidden')}
    </Alert>
  );
}
