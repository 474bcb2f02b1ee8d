/**
 * Forms are validated with the shared zod contracts (react-hook-form). Empty inputs become null
 * before validation, so optional fields are cleared and required ones say "required". Each zod
 * issue is put into words by the shared map (shared/src/field-messages.ts), the same one the API's
 * problem+json uses; a field error keeps the zod code as its type and both languages in `types`, so
 * a language switch applies at once.
 */
import { useCallback } from 'react';
import {
  get,
  useForm,
  type FieldErrors,
  type DefaultValues,
  type FieldValues,
  type Path,
  type Resolver,
  type UseFormReturn,
} from 'react-hook-form';
import { toNestErrors } from '@hookform/resolvers';
import type { z } from 'zod';
import { describeIssue, installZodErrorMap } from '../../../../shared/src/field-messages';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { currentLanguage } from '../../i18n/i18n';
import { emptyToNull } from './empty-to-null';

installZodErrorMap();

export { emptyToNull };

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
  const resolver: Resolver<TValues, unknown, z.output<S>> = async (values, _context, resolverOptions) => {
    const prepared = emptyToNull(options.prepare ? options.prepare(values) : values);
    const result = await schema.safeParseAsync(prepared);
    if (result.success) return { values: result.data as z.output<S>, errors: {} };
    const flat: FieldErrors = {};
    for (const issue of result.error.issues) {
      const name = issue.path.map(String).join('.');
      if (flat[name]) continue; // the first problem of a field is the one to fix first
      const described = describeIssue(issue as Parameters<typeof describeIssue>[0]);
      flat[name] = { type: described.code, message: described.messages.pl, types: described.messages };
    }
    return { values: {}, errors: toNestErrors(flat, resolverOptions) };
  };
  return useForm<TValues, unknown, z.output<S>>({
    resolver,
    defaultValues: options.defaultValues,
    mode: 'onSubmit',
    reValidateMode: 'onChange',
  });
}

type ShownError = { type?: string; message?: string; types?: Record<string, unknown> };

/** The text of a field error: server messages as sent, client ones in the current language. */
export function useFieldError<T extends FieldValues>(form: UseFormReturn<T, unknown, unknown>) {
  const { i18n } = useTranslation();
  const errors = form.formState.errors;
  const language = i18n.language;
  return useCallback(
    (name: string): string | undefined => {
      const error = get(errors, name) as (ShownError & { root?: ShownError }) | undefined;
      if (!error) return undefined;
      const leaf = error.type === undefined && error.root ? error.root : error;
      const translated = leaf.types?.[language === 'en' ? 'en' : 'pl'];
      if (typeof translated === 'string') return translated;
      return leaf.message;
    },
    [errors, language],
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
