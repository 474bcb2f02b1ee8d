import { Alert, Badge, Button, Group, NativeSelect, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ImportSheetColumn } from '../../../../shared/src/contracts/basket';

const SKIP = '';

/**
 * The sheet's columns the template does not know by their header, once, at the top of the preview:
 * each with the template column it is read as (kept from an earlier import, proposed, or none:
 * "pomiń"). Saving keeps the mapping for the partnership and reads the same file again.
 */
export function ImportMappingPanel({
  columns,
  templateColumns,
  isBusy,
  onApply,
}: {
  columns: ImportSheetColumn[];
  templateColumns: string[];
  isBusy: boolean;
  onApply: (mappings: Array<{ header: string; templateColumn: string | null }>) => void;
}) {
  const { t } = useTranslation();
  const [chosen, setChosen] = useState<Record<string, string>>(() =>
    Object.fromEntries(columns.map((column) => [column.key, column.mappedTo ?? SKIP])),
  );
  const options = [
    { value: SKIP, label: t('imports.mapping.skip') },
    ...templateColumns.map((column) => ({ value: column, label: column })),
  ];
  return (
    <Alert color="blue" variant="light" title={t('imports.mapping.title')}>
      <Stack gap="sm">
        <Text size="sm">{t('imports.mapping.help')}</Text>
        {columns.map((column) => (
          <Group key={column.key} align="end" wrap="wrap" gap="xs">
            <NativeSelect
              label={t('imports.mapping.column', { letter: column.letter, header: column.header })}
              data={options}
              value={chosen[column.key] ?? SKIP}
              onChange={(event) => {
                const value = event.currentTarget.value;
                setChosen((current) => ({ ...current, [column.key]: value }));
              }}
              style={{ flex: '1 1 16rem', minWidth: 0 }}
            />
            <Badge variant="light" color={column.mappedTo ? 'green' : 'gray'}>
              {t(`imports.mapping.source.${column.mappedTo ? column.source : 'none'}`)}
            </Badge>
            {!column.mappedTo ? (
              <Text size="xs" c="dimmed">
                {t('imports.mapping.notSaved')}
              </Text>
            ) : null}
          </Group>
        ))}
        <Group>
          <Button
            variant="default"
            loading={isBusy}
            onClick={() =>
              onApply(
                columns.map((column) => ({
                  header: column.header,
                  templateColumn: (chosen[column.key] ?? SKIP) === SKIP ? null : chosen[column.key]!,
                })),
              )
            }
          >
            {t('imports.mapping.apply')}
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}
