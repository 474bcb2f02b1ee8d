import { Loader, Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';

export type Option = { value: string; label: string };

type RemoteSelectProps = {
  label: string;
  description?: string;
  value: string | null | undefined;
  /** The chosen value and its label (null when cleared). */
  onChange: (value: string | null, label?: string) => void;
  onBlur?: () => void;
  error?: string;
  required?: boolean;
  /** The label of the current value when it is not among the results (edit forms). */
  initialOption?: Option | null;
  /** Loads the options for a search text (already debounced; at least 2 characters). */
  useOptions: (search: string, isEnabled: boolean) => { options: Option[]; isFetching: boolean };
  name?: string;
};

/** A searchable select whose options come from the server as the user types. */
export function RemoteSelect({
  label,
  description,
  value,
  onChange,
  onBlur,
  error,
  required,
  initialOption,
  useOptions,
  name,
}: RemoteSelectProps) {
  const { t } = useTranslation();
  const [selected, setSelected] = useState<Option | null>(initialOption ?? null);
  const [search, setSearch] = useState(initialOption?.label ?? '');
  const [debounced] = useDebouncedValue(search, 250);
  const isSearching = debounced.trim().length >= 2 && debounced !== selected?.label;
  const { options, isFetching } = useOptions(debounced.trim(), isSearching);
  const data = useMemo(() => {
    const list = isSearching ? [...options] : [];
    const current = selected ?? initialOption ?? null;
    if (current && value === current.value && !list.some((option) => option.value === current.value))
      list.unshift(current);
    return list;
  }, [options, selected, initialOption, value, isSearching]);
  return (
    <Select
      label={label}
      description={description ?? t('common.typeToSearch')}
      name={name}
      searchable
      clearable
      required={required}
      value={value ?? null}
      data={data}
      searchValue={search}
      onSearchChange={setSearch}
      filter={({ options: all }) => all}
      onChange={(next, option) => {
        setSelected(next ? { value: next, label: option.label } : null);
        onChange(next, option?.label);
      }}
      onBlur={onBlur}
      error={error}
      nothingFoundMessage={isSearching && !isFetching ? t('common.noResults') : t('common.typeToSearch')}
      rightSection={isFetching ? <Loader size="xs" /> : undefined}
      comboboxProps={{ withinPortal: true }}
    />
  );
}
