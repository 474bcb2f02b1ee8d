/**
 * Forms are validated with the shared zod contracts (react-hook-form + zodResolver). Empty inputs
 * become null before validation, so optional fields are cleared and required ones say "required".
 * Field errors keep the zod code; they are translated when shown, so a language switch applies.
 */
import { useCallback } from 'react';
import {
  get,
  useForm,
  type DefaultValues,
  type FieldValues,
  type Path,
  type Resolver,
  type UseFormReturn,
} from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import type { z } from 'zod';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { currentLanguage } from '../../i18n/i18n';

/** Deeply replaces '' with null (and trims nothing: the schemas trim). */
export function emptyToNull(value: unknown): unknown {
  if (value === '') return null;
  if (Array.isArray(value)) return value.map(emptyToNull);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, emptyToNull(inner)]));
  }
  return value;
}

type FormOptions<TValues> = {
  defaultValues: DefaultValues<TValues>;
  /** Turns what the inputs hold into what the contract expects (e.g. dd.MM.yyyy -> yyyy-MM-dd). */
  prepare?: (values: TValues) => unknown;
};

/**
 * A react-hook-form form validated by a shared zod schema. TValues is what the inputs hold; the
 * submit handler receives the schema's output.
 */
export function useContractForm<S extends z.ZodType, TValues extends FieldValues>(
  schema: S,
  options: FormOptions<TValues>,
): UseFormReturn<TValues, unknown, z.output<S>> {
  const base = zodResolver(schema as never) as unknown as Resolver<FieldValues, unknown, z.output<S>>;
  const resolver: Resolver<TValues, unknown, z.output<S>> = (values, context, resolverOptions) => {
    const prepared = emptyToNull(options.prepare ? options.prepare(values) : values) as FieldValues;
    return base(prepared, context, resolverOptions as never) as never;
  };
  return useForm<TValues, unknown, z.output<S>>({
    resolver,
    defaultValues: options.defaultValues,
    mode: 'onSubmit',
    reValidateMode: 'onChange',
  });
}

const knownMessageKeys = new Set([
  'passwordTooShort',
  'passwordTooCommon',
  'territoryCode',
  'postalCode',
  'phone',
  'unique',
  'codeOrRecoveryCode',
  'passwordsDiffer',
]);

/** The text of a field error: server messages as sent, client ones translated from their code. */
export function useFieldError<T extends FieldValues>(form: UseFormReturn<T, unknown, unknown>) {
  const { t } = useTranslation();
  const errors = form.formState.errors;
  return useCallback(
    (name: string): string | undefined => {
      const error = get(errors, name) as
        { type?: string; message?: string; root?: { message?: string; type?: string } } | undefined;
      if (!error) return undefined;
      const leaf = error.type === undefined && error.root ? error.root : error;
      if (leaf.type === 'server' && leaf.message) return leaf.message;
      if (leaf.message && knownMessageKeys.has(leaf.message)) return t(`fieldErrors.${leaf.message}`);
      const code = leaf.type === 'invalid_type' ? 'required' : (leaf.type ?? 'custom');
      return t(`fieldErrors.${code}`, { defaultValue: t('fieldErrors.custom') });
    },
    [errors, t],
  );
}

export type LeftoverFieldError = { field: string; message: string };

/**
 * Puts the server's field errors (problem+json `errors[]`) on the form's fields. Returns the ones
 * that match no field of the form, to be shown with the general message.
 */
export function applyServerErrors<T extends FieldValues>(
  error: unknown,
  form: UseFormReturn<T, unknown, unknown>,
  fieldNames: readonly string[],
): LeftoverFieldError[] {
  if (!(error instanceof ApiError)) return [];
  const language = currentLanguage();
  const leftovers: LeftoverFieldError[] = [];
  let isFirst = true;
  for (const fieldError of error.problem.errors ?? []) {
    const message = fieldError.messages[language];
    const top = fieldError.field.split('.')[0] ?? '';
    if (fieldNames.includes(top)) {
      form.setError(fieldError.field as Path<T>, { type: 'server', message }, { shouldFocus: isFirst });
      isFirst = false;
    } else {
      leftovers.push({ field: fieldError.field, message });
    }
  }
  return leftovers;
}
