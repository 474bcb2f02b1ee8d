import { Alert, List, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import type { LeftoverFieldError } from './forms';

type ProblemAlertProps = { error: unknown; leftovers?: LeftoverFieldError[]; title?: string };

/** Shows an API problem in the current language, with its request id when the server failed. */
export function ProblemAlert({ error, leftovers = [], title }: ProblemAlertProps) {
  const { t, i18n } = useTranslation();
  if (!error) return null;
  const language = i18n.language === 'en' ? 'en' : 'pl';
  const isApiError = error instanceof ApiError;
  const message = isApiError ? error.problem.messages[language] : t('errors.unexpected');
  const showRequestId = isApiError && error.status >= 500 && error.problem.requestId;
  return (
    <Alert color="red" variant="light" title={title ?? t('errors.title')} role="alert">
      <Text size="sm">{message}</Text>
      {leftovers.length > 0 && (
        <List size="sm" mt="xs">
          {leftovers.map((item, index) => (
            // Several reasons may name one field (the file): the position tells them apart.
            <List.Item key={`${index}:${item.field}`}>
              {item.field === '(body)' ? '' : `${item.field}: `}
              {item.message}
            </List.Item>
          ))}
        </List>
      )}
      {showRequestId && (
        <Text size="xs" mt="xs">
          {t('errors.requestId', { id: error.problem.requestId })}
        </Text>
      )}
    </Alert>
  );
}
