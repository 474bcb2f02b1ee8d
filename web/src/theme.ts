import { createTheme, type CSSVariablesResolver } from '@mantine/core';

/**
 * Mantine's defaults fail WCAG AA contrast in places (dimmed gray.6, red.6 errors, blue.6 buttons
 * with white text); darker shades fix that. System fonts only: no font is fetched from anywhere.
 */
export const theme = createTheme({
  primaryColor: 'blue',
  primaryShade: { light: 9, dark: 4 },
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", Arial, sans-serif',
  headings: { fontWeight: '700' },
  focusRing: 'always',
  defaultRadius: 'sm',
  components: {
    TableTh: { defaultProps: { scope: 'col' } },
    // Statuses are read in full: no capitals, no truncation.
    Badge: {
      defaultProps: { tt: 'none', size: 'md' },
      styles: {
        root: { maxWidth: 'none', height: 'auto', minHeight: 'var(--badge-height)', paddingBlock: 2 },
        label: { overflow: 'visible', whiteSpace: 'normal', textOverflow: 'clip' },
      },
    },
  },
});

export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-error': 'var(--mantine-color-red-9)',
    '--mantine-color-placeholder': 'var(--mantine-color-gray-7)',
    '--mantine-color-anchor': 'var(--mantine-color-blue-9)',
    '--mantine-color-blue-light-color': 'var(--mantine-color-blue-9)',
    // Text on "light" badges and alerts: darker than Mantine's shade 9, which is below 4.5:1 there.
    '--mantine-color-red-light-color': '#a51d1d',
    '--mantine-color-green-light-color': '#1d5a2a',
    '--mantine-color-gray-light-color': 'var(--mantine-color-gray-8)',
    '--mantine-color-yellow-light-color': '#6e4400',
    '--mantine-color-orange-light-color': '#8a3700',
    '--mantine-color-teal-light-color': '#0b5a4f',
    '--mantine-color-violet-light-color': '#4b2a9e',
  },
  dark: {},
});
