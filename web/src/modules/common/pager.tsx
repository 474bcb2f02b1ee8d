import { Button, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

type PagerProps = { page: number; pageSize: number; total: number; onChange: (page: number) => void };

/** Previous/next paging with the position in words (screen readers hear it as it changes). */
export function Pager({ page, pageSize, total, onChange }: PagerProps) {
  const { t } = useTranslation();
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  return (
    <Group justify="space-between" mt="sm" wrap="wrap">
      <Text size="sm" aria-live="polite">
        {t('pager.results', { count: total })} · {t('pager.position', { page, pageCount })}
      </Text>
      {pageCount > 1 && (
        <Group gap="xs">
          <Button variant="default" size="xs" disabled={page <= 1} onClick={() => onChange(page - 1)}>
            {t('pager.previous')}
          </Button>
          <Button variant="default" size="xs" disabled={page >= pageCount} onClick={() => onChange(page + 1)}>
            {t('pager.next')}
          </Button>
        </Group>
      )}
    </Group>
  );
}
