import { NativeSelect, SimpleGrid } from '@mantine/core';
import { Controller, type Control, type FieldValues, type Path } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { roles } from '../../../../shared/src/contracts/common';
import { enumOptions } from '../common/labels';
import { InstitutionSelect } from '../institutions/institution-select';

type MembershipFieldsProps<T extends FieldValues> = {
  control: Control<T>;
  prefix: string;
  errorOf: (name: string) => string | undefined;
  register: (name: Path<T>) => object;
};

/** Institution + role pair (a membership). */
export function MembershipFields<T extends FieldValues>({
  control,
  prefix,
  errorOf,
  register,
}: MembershipFieldsProps<T>) {
  const { t } = useTranslation();
  const institutionName = `${prefix}institutionId` as Path<T>;
  const roleName = `${prefix}role` as Path<T>;
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }}>
      <Controller
        control={control}
        name={institutionName}
        render={({ field }) => (
          <InstitutionSelect
            label={t('users.institution')}
            required
            value={(field.value as string) || null}
            onChange={(value) => field.onChange(value ?? '')}
            onBlur={field.onBlur}
            error={errorOf(institutionName)}
          />
        )}
      />
      <NativeSelect
        label={t('users.role')}
        required
        error={errorOf(roleName)}
        data={enumOptions(t, 'roles', roles, t('common.choose'))}
        {...register(roleName)}
      />
    </SimpleGrid>
  );
}
