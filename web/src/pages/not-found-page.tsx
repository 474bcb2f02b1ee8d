import { useTranslation } from 'react-i18next';
import { NotFoundContent } from '../modules/common/not-found';
import { PageTitle } from '../modules/layout/page-title';

/** An address no route knows: says so, with the way back to its list and to the home page. */
export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageTitle title={t('notFound.title')} />
      <NotFoundContent />
    </>
  );
}
