import { Center, Group, Loader, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { PageTitle } from '../layout/page-title';
import { NotFoundContent } from './not-found';
import { isDetailAddress, notFoundReason } from './not-found-reason';
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

/**
 * A live region that says a search is running while its earlier results stay on the screen. It is
 * always rendered, so screen readers announce the change when a search starts.
 */
export function RunningStatus({ isRunning, label }: { isRunning: boolean; label: string }) {
  return (
    <Group gap="xs" mih={24} role="status" aria-live="polite">
      {isRunning && (
        <>
          <Loader size="xs" aria-hidden />
          <Text size="sm">{label}</Text>
        </>
      )}
    </Group>
  );
}

/** Spinner while loading, the problem when it failed, the content when there is data. */
export function QueryState<T>({ query, children }: { query: UseQueryResult<T>; children: (data: T) => ReactNode }) {
  const params = useParams();
  const { t } = useTranslation();
  if (query.isPending) return <LoadingIndicator />;
  if (query.isError) {
    const reason = notFoundReason(query.error, params);
    if (reason)
      return (
        <>
          {/* A detail page takes its h1 from the record it could not load; a section keeps its page's. */}
          {isDetailAddress(params) ? (
            <PageTitle title={t('notFound.title')} />
          ) : (
            <Title order={2} size="h3" mb="sm">
              {t('notFound.title')}
            </Title>
          )}
          <NotFoundContent reason={reason} />
        </>
      );
    return <ProblemAlert error={query.error} />;
  }
  return <>{children(query.data)}</>;
}
