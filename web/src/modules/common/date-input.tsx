import { TextInput, type TextInputProps } from '@mantine/core';
import { forwardRef } from 'react';
import { useTranslation } from 'react-i18next';

/** A date typed as dd.mm.rrrr (the form converts it to yyyy-MM-dd for the API). */
export const DateInput = forwardRef<HTMLInputElement, TextInputProps>(function DateInput(props, ref) {
  const { t } = useTranslation();
  return <TextInput ref={ref} inputMode="numeric" description={t('common.dateHint')} autoComplete="off" {...props} />;
});
