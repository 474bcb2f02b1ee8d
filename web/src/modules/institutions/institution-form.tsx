import {
  Button,
  Checkbox,
  Fieldset,
  Group,
  NativeSelect,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { Controller, useFieldArray } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import {
  cooperationAreas,
  institutionKinds,
  sectors,
  type CooperationArea,
} from '../../../../shared/src/contracts/common';
import {
  CreateInstitutionInput,
  UpdateInstitutionInput,
  type Institution,
} from '../../../../shared/src/contracts/institutions';
import { applyServerErrors, useContractForm, useFieldError, type LeftoverFieldError } from '../common/forms';
import { enumOptions } from '../common/labels';
import { ProblemAlert } from '../common/problem-alert';
import { TerritorySelect } from '../territories/territory-select';

type ContactValues = { name: string; position: string; email: string; phone: string };
export type InstitutionFormValues = {
  name: string;
  shortName: string;
  kind: string;
  sector: string;
  cooperationAreas: CooperationArea[];
  territoryCode: string;
  street: string;
  postalCode: string;
  city: string;
  email: string;
  phone: string;
  website: string;
  contacts: ContactValues[];
  version?: number;
};

const fieldNames = [
  'name',
  'shortName',
  'kind',
  'sector',
  'cooperationAreas',
  'territoryCode',
  'street',
  'postalCode',
  'city',
  'email',
  'phone',
  'website',
  'contacts',
  'version',
] as const;

function valuesOf(institution: Institution | undefined): InstitutionFormValues {
  return {
    name: institution?.name ?? '',
    shortName: institution?.shortName ?? '',
    kind: institution?.kind ?? '',
    sector: institution?.sector ?? '',
    cooperationAreas: institution?.cooperationAreas ?? [],
    territoryCode: institution?.territoryCode ?? '',
    street: institution?.street ?? '',
    postalCode: institution?.postalCode ?? '',
    city: institution?.city ?? '',
    email: institution?.email ?? '',
    phone: institution?.phone ?? '',
    website: institution?.website ?? '',
    contacts: (institution?.contacts ?? []).map((contact) => ({
      name: contact.name,
      position: contact.position ?? '',
      email: contact.email ?? '',
      phone: contact.phone ?? '',
    })),
    ...(institution ? { version: institution.version } : {}),
  };
}

type InstitutionFormProps =
  | {
      mode: 'create';
      institution?: undefined;
      onSubmit: (values: z.output<typeof CreateInstitutionInput>) => Promise<unknown>;
    }
  | {
      mode: 'edit';
      institution: Institution;
      onSubmit: (values: z.output<typeof UpdateInstitutionInput>) => Promise<unknown>;
    };

/** The institution form: create (POST) or edit with the version read (PATCH; 409 when stale). */
export function InstitutionForm(props: InstitutionFormProps) {
  const { t } = useTranslation();
  const schema = props.mode === 'create' ? CreateInstitutionInput : UpdateInstitutionInput;
  const form = useContractForm<typeof schema, InstitutionFormValues>(schema, {
    defaultValues: valuesOf(props.institution),
  });
  const errorOf = useFieldError(form);
  const contacts = useFieldArray({ control: form.control, name: 'contacts' });
  const [problem, setProblem] = useState<unknown>(null);
  const [leftovers, setLeftovers] = useState<LeftoverFieldError[]>([]);
  const onSubmit = form.handleSubmit(async (values) => {
    setProblem(null);
    try {
      await (props.onSubmit as (body: unknown) => Promise<unknown>)(values);
    } catch (error) {
      setLeftovers(applyServerErrors(error, form, fieldNames));
      setProblem(error);
    }
  });
  const territoryInitial = props.institution
    ? { value: props.institution.territoryCode, label: props.institution.territoryName }
    : null;
  // Kind and gmina decide access: shown read-only to anyone but the deployment administrator, and
  // sent back unchanged (the server refuses a change by anyone else with 403 naming the field).
  const isAccessReadOnly = props.mode === 'edit' && !props.institution.abilities.canChangeAccessFields;
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack>
        {problem ? <ProblemAlert error={problem} leftovers={leftovers} /> : null}
        <TextInput label={t('institutions.name')} required error={errorOf('name')} {...form.register('name')} />
        <TextInput
          label={t('institutions.shortName')}
          description={t('institutions.shortNameHint')}
          error={errorOf('shortName')}
          {...form.register('shortName')}
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {isAccessReadOnly ? (
            <TextInput
              label={t('institutions.kind')}
              readOnly
              value={t(`institutionKinds.${props.institution.kind}`)}
              aria-describedby="institution-access-fields-hint"
            />
          ) : (
            <NativeSelect
              label={t('institutions.kind')}
              required
              error={errorOf('kind')}
              data={enumOptions(t, 'institutionKinds', institutionKinds, t('common.choose'))}
              {...form.register('kind')}
            />
          )}
          <NativeSelect
            label={t('institutions.sector')}
            required
            error={errorOf('sector')}
            data={enumOptions(t, 'sectors', sectors, t('common.choose'))}
            {...form.register('sector')}
          />
        </SimpleGrid>
        <Controller
          control={form.control}
          name="cooperationAreas"
          render={({ field }) => (
            <Checkbox.Group
              label={t('institutions.areas')}
              error={errorOf('cooperationAreas')}
              value={field.value}
              onChange={(value) => field.onChange(value as CooperationArea[])}
            >
              <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} mt="xs">
                {cooperationAreas.map((area) => (
                  <Checkbox key={area} value={area} label={t(`areas.${area}`)} />
                ))}
              </SimpleGrid>
            </Checkbox.Group>
          )}
        />
        {isAccessReadOnly ? (
          <>
            <TextInput
              label={t('institutions.gmina')}
              readOnly
              value={props.institution.territoryName}
              aria-describedby="institution-access-fields-hint"
            />
            <Text id="institution-access-fields-hint" size="sm" c="dimmed">
              {t('institutions.accessFieldsAdminOnly')}
            </Text>
          </>
        ) : (
          <Controller
            control={form.control}
            name="territoryCode"
            render={({ field }) => (
              <TerritorySelect
                label={t('institutions.gmina')}
                required
                value={field.value || null}
                onChange={(value) => field.onChange(value ?? '')}
                onBlur={field.onBlur}
                error={errorOf('territoryCode')}
                initialOption={territoryInitial}
                name="territoryCode"
              />
            )}
          />
        )}
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <TextInput label={t('institutions.street')} error={errorOf('street')} {...form.register('street')} />
          <TextInput
            label={t('institutions.postalCode')}
            description={t('institutions.postalCodeHint')}
            error={errorOf('postalCode')}
            {...form.register('postalCode')}
          />
          <TextInput label={t('institutions.city')} error={errorOf('city')} {...form.register('city')} />
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <TextInput
            label={t('institutions.email')}
            type="email"
            error={errorOf('email')}
            {...form.register('email')}
          />
          <TextInput label={t('institutions.phone')} type="tel" error={errorOf('phone')} {...form.register('phone')} />
          <TextInput
            label={t('institutions.website')}
            type="url"
            placeholder="https://"
            error={errorOf('website')}
            {...form.register('website')}
          />
        </SimpleGrid>
        <Title order={2} size="h3" mt="md">
          {t('institutions.contacts')}
        </Title>
        {contacts.fields.map((contact, index) => (
          <Fieldset key={contact.id} legend={t('institutions.contactNumber', { number: index + 1 })}>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput
                label={t('institutions.contactName')}
                required
                error={errorOf(`contacts.${index}.name`)}
                {...form.register(`contacts.${index}.name`)}
              />
              <TextInput
                label={t('institutions.contactPosition')}
                error={errorOf(`contacts.${index}.position`)}
                {...form.register(`contacts.${index}.position`)}
              />
              <TextInput
                label={t('institutions.email')}
                type="email"
                error={errorOf(`contacts.${index}.email`)}
                {...form.register(`contacts.${index}.email`)}
              />
              <TextInput
                label={t('institutions.phone')}
                type="tel"
                error={errorOf(`contacts.${index}.phone`)}
                {...form.register(`contacts.${index}.phone`)}
              />
            </SimpleGrid>
            <Button variant="subtle" color="red" mt="sm" onClick={() => contacts.remove(index)}>
              {t('institutions.removeContact', { number: index + 1 })}
            </Button>
          </Fieldset>
        ))}
        <Group>
          <Button variant="default" onClick={() => contacts.append({ name: '', position: '', email: '', phone: '' })}>
            {t('institutions.addContact')}
          </Button>
        </Group>
        <Group mt="md">
          <Button type="submit" loading={form.formState.isSubmitting}>
            {props.mode === 'create' ? t('institutions.create') : t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
