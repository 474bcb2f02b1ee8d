import type { TFunction } from 'i18next';

/** Options for a NativeSelect from an enum list, translated under `prefix`. */
export function enumOptions(t: TFunction, prefix: string, values: readonly string[], emptyLabel?: string) {
  const options = values.map((value) => ({ value, label: t(`${prefix}.${value}`) }));
  return emptyLabel === undefined ? options : [{ value: '', label: emptyLabel }, ...options];
}
