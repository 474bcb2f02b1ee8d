import { Anchor, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { PageTitle } from '../modules/layout/page-title';
import { paths } from '../paths';

export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageTitle title={t('notFound.title')} />
      <Text mb="md">{t('notFound.text')}</Text>
      <Anchor component={Link} to={paths.home}>
        {t('notFound.home')}
      </Anchor>
    </>
  );
}
