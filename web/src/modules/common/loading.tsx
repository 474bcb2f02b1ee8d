import { Center, Loader } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ProblemAlert } from './problem-alert';

/** A spinner announced to screen readers. */
export function LoadingIndicator() {
  const { t } = useTranslation();
  return (
    <Center py="xl" role="status">
      <Loader />
      <span className="visually-hidden">{t('common.loading')}</span>
    </Center>
  );
}

/** Spinner while loading, the problem when it failed, the content when there is data. */
export function QueryState<T>({ query, children }: { query: UseQueryResult<T>; children: (data: T) => ReactNode }) {
  if (query.isPending) return <LoadingIndicator />;
  if (query.isError) return <ProblemAlert error={query.error} />;
  return <>{children(query.data)}</>;
}
