import { Box, Button, Group, useMantineTheme } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useId, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

type FoldingFiltersProps = {
  /** How many filters narrow the list now (shown on the toggle, so a folded filter is not forgotten). */
  activeCount: number;
  /** Shown beside the toggle even when folded (e.g. "clear filters", "add a service"). */
  aside?: ReactNode;
  children: ReactNode;
};

/**
 * A list's filters: on a phone folded behind a "Filtry (n)" toggle, so the results come first; on
 * wider screens always open. The panel stays mounted when folded (its pickers keep their state).
 */
export function FoldingFilters({ activeCount, aside, children }: FoldingFiltersProps) {
  const { t } = useTranslation();
  const theme = useMantineTheme();
  const panelId = useId();
  const isPhone = useMediaQuery(`(width < ${theme.breakpoints.sm})`, false, { getInitialValueInEffect: false });
  const [isOpen, setIsOpen] = useState(false);
  if (!isPhone) {
    return (
      <Group justify="space-between" align="end" mb="md" wrap="wrap">
        <Box flex={1} miw={0}>
          {children}
        </Box>
        {aside}
      </Group>
    );
  }
  return (
    <>
      <Group gap="sm" mb="sm" wrap="wrap">
        <Button
          variant="default"
          aria-expanded={isOpen}
          aria-controls={panelId}
          onClick={() => setIsOpen((value) => !value)}
        >
          {t('filters.toggle', { count: activeCount })}
        </Button>
        {aside}
      </Group>
      <Box id={panelId} hidden={!isOpen} mb="md">
        {children}
      </Box>
    </>
  );
}
