import {
  Button,
  Checkbox,
  Fieldset,
  Group,
  NativeSelect,
  Radio,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core';
import { useState } from 'react';
import { Controller } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { cooperationAreas, type CooperationArea } from '../../../../shared/src/contracts/common';
import {
  CreateServiceInput,
  UpdateServiceInput,
  locationKinds,
  serviceCosts,
  serviceOrigins,
  serviceCardFields,
  targetGroups,
  type Service,
  type ServiceOrigin,
  type TargetGroup,
} from '../../../../shared/src/contracts/basket';
import { languageName } from '../../../../shared/src/language-names';
import { currentLanguage } from '../../i18n/i18n';
import { applyServerErrors, useContractForm, useFieldError, type LeftoverFieldError } from '../common/forms';
import { enumOptions } from '../common/labels';
import { ProblemAlert } from '../common/problem-alert';
import { InstitutionSelect } from '../institutions/institution-select';
import { TerritorySelect } from '../territories/territory-select';
import { ReachPicker, type ReachValue } from './reach-picker';

const languageChoices = ['pl', 'uk', 'en', 'ru', 'de', 'be'] as const;

export type ServiceFormValues = {
  name: string;
  description: string;
  providerInstitutionId: string;
  providerName: string;
  origin: ServiceOrigin;
  cooperationAreas: CooperationArea[];
  targetGroups: TargetGroup[];
  isCompound: boolean;
  isReferralRequired: boolean;
  referralBy: string;
  accessDescription: string;
  eligibility: string;
  cost: string;
  costDescription: string;
  locationKind: string;
  street: string;
  postalCode: string;
  city: string;
  territoryCode: string;
  reach: ReachValue;
  schedule: string;
  capacity: string;
  waitingTimeDays: string;
  contactName: string;
  contactPhone: string;
  contactEmail: string;
  languages: string[];
  isAccessible: boolean;
  accessibilityDescription: string;
};

const fieldNames = serviceCardFields;

function valuesOf(service: Service | undefined, provider: FixedProvider | null): ServiceFormValues {
  return {
    name: service?.name ?? '',
    description: service?.description ?? '',
    providerInstitutionId: service?.providerInstitutionId ?? provider?.id ?? '',
    providerName: service && !service.providerInstitutionId ? service.providerName : '',
    origin: service?.origin ?? 'partner',
    cooperationAreas: service?.cooperationAreas ?? [],
    targetGroups: service?.targetGroups ?? [],
    isCompound: service?.isCompound ?? false,
    isReferralRequired: service?.isReferralRequired ?? false,
    referralBy: service?.referralBy ?? '',
    accessDescription: service?.accessDescription ?? '',
    eligibility: service?.eligibility ?? '',
    cost: service?.cost ?? '',
    costDescription: service?.costDescription ?? '',
    locationKind: service?.locationKind ?? 'address',
    street: service?.street ?? '',
    postalCode: service?.postalCode ?? '',
    city: service?.city ?? '',
    territoryCode: service?.territoryCode ?? '',
    reach: {
      kind: service?.reachKind ?? 'gminas',
      codes: service?.reachCodes ?? [],
      labels: Object.fromEntries((service?.reachCodes ?? []).map((code, i) => [code, service?.reachNames[i] ?? code])),
    },
    schedule: service?.schedule ?? '',
    capacity: service?.capacity ?? '',
    waitingTimeDays: service?.waitingTimeDays === null || !service ? '' : String(service.waitingTimeDays),
    contactName: service?.contactName ?? '',
    contactPhone: service?.contactPhone ?? '',
    contactEmail: service?.contactEmail ?? '',
    languages: service?.languages ?? ['pl'],
    isAccessible: service?.isAccessible ?? false,
    accessibilityDescription: service?.accessibilityDescription ?? '',
  };
}

/** What the inputs hold -> the contract's shape (reach split, numbers, provider by origin). */
function prepare(values: ServiceFormValues, extra: Record<string, unknown>): Record<string, unknown> {
  const { reach, waitingTimeDays, ...rest } = values;
  const waiting = waitingTimeDays.trim();
  const usesRegistry =
    values.origin === 'partner' || (values.origin === 'neighbourhood' && !values.providerName.trim());
  return {
    ...rest,
    ...extra,
    providerInstitutionId: usesRegistry ? values.providerInstitutionId || null : null,
    providerName: usesRegistry ? null : values.providerName,
    reachKind: reach.kind,
    reachCodes: reach.codes,
    waitingTimeDays: waiting === '' ? null : /^\d+$/.test(waiting) ? Number(waiting) : waiting,
    street: values.locationKind === 'address' ? values.street : values.street || null,
  };
}

export type FixedProvider = { id: string; name: string };

type ServiceFormProps =
  | {
      mode: 'create';
      partnershipId: string;
      service?: undefined;
      /** A partner's representative fills in the card of their own institution. */
      fixedProvider: FixedProvider | null;
      onSubmit: (values: z.output<typeof CreateServiceInput>) => Promise<unknown>;
    }
  | {
      mode: 'edit';
      partnershipId?: undefined;
      service: Service;
      fixedProvider: FixedProvider | null;
      onSubmit: (values: z.output<typeof UpdateServiceInput>) => Promise<unknown>;
    };

/** The service card ("Karta usług kooperanta", the model's tool 7): create, or edit with the version read. */
export function ServiceForm(props: ServiceFormProps) {
  const { t } = useTranslation();
  const schema = props.mode === 'create' ? CreateServiceInput : UpdateServiceInput;
  const extra = props.mode === 'create' ? { partnershipId: props.partnershipId } : { version: props.service.version };
  const form = useContractForm<typeof schema, ServiceFormValues>(schema, {
    defaultValues: valuesOf(props.service, props.fixedProvider),
    prepare: (values) => prepare(values, extra),
  });
  const errorOf = useFieldError(form);
  const [problem, setProblem] = useState<unknown>(null);
  const [leftovers, setLeftovers] = useState<LeftoverFieldError[]>([]);
  const origin = form.watch('origin');
  const locationKind = form.watch('locationKind');
  const isReferralRequired = form.watch('isReferralRequired');
  const onSubmit = form.handleSubmit(async (values) => {
    setProblem(null);
    try {
      await (props.onSubmit as (body: unknown) => Promise<unknown>)(values);
    } catch (error) {
      const rest = applyServerErrors(error, form, fieldNames);
      // Reach errors come as reachKind/reachCodes: show them on the picker.
      for (const item of rest) {
        if (item.field.startsWith('reach')) form.setError('reach', { type: 'server', message: item.message });
      }
      setLeftovers(rest.filter((item) => !item.field.startsWith('reach')));
      setProblem(error);
    }
  });
  const providerInitial = props.service?.providerInstitutionId
    ? { value: props.service.providerInstitutionId, label: props.service.providerName }
    : null;
  const territoryInitial = props.service?.territoryCode
    ? { value: props.service.territoryCode, label: props.service.territoryName ?? props.service.territoryCode }
    : null;
  const reachError = errorOf('reach') ?? errorOf('reachCodes') ?? errorOf('reachKind');
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack>
        {problem ? <ProblemAlert error={problem} leftovers={leftovers} /> : null}
        <Text size="sm">{t('serviceForm.requiredHint')}</Text>
        <Fieldset legend={t('serviceForm.sectionService')}>
          <Stack>
            <TextInput label={t('serviceForm.name')} required error={errorOf('name')} {...form.register('name')} />
            <Textarea
              label={t('serviceForm.description')}
              description={t('serviceForm.descriptionHint')}
              required
              autosize
              minRows={4}
              error={errorOf('description')}
              {...form.register('description')}
            />
            <Checkbox label={t('serviceForm.isCompound')} {...form.register('isCompound')} />
          </Stack>
        </Fieldset>
        <Fieldset legend={t('serviceForm.sectionProvider')}>
          <Stack>
            {props.fixedProvider && props.mode === 'create' ? (
              <Text>
                <strong>{t('basket.provider')}:</strong> {props.fixedProvider.name} ({t('origins.partner')})
              </Text>
            ) : (
              <>
                <Controller
                  control={form.control}
                  name="origin"
                  render={({ field }) => (
                    <Radio.Group
                      label={t('basket.origin')}
                      required
                      value={field.value}
                      onChange={(value) => field.onChange(value)}
                      error={errorOf('origin')}
                    >
                      <Group mt="xs">
                        {serviceOrigins.map((value) => (
                          <Radio key={value} value={value} label={t(`originsLong.${value}`)} />
                        ))}
                      </Group>
                    </Radio.Group>
                  )}
                />
                {origin !== 'selfHelp' && (
                  <Controller
                    control={form.control}
                    name="providerInstitutionId"
                    render={({ field }) => (
                      <InstitutionSelect
                        label={t('serviceForm.providerInstitution')}
                        description={t('serviceForm.providerInstitutionHint')}
                        required={origin === 'partner'}
                        value={field.value || null}
                        onChange={(value) => field.onChange(value ?? '')}
                        onBlur={field.onBlur}
                        error={errorOf('providerInstitutionId')}
                        initialOption={providerInitial}
                        name="providerInstitutionId"
                      />
                    )}
                  />
                )}
                {origin !== 'partner' && (
                  <TextInput
                    label={t('serviceForm.providerName')}
                    description={t('serviceForm.providerNameHint')}
                    required={origin === 'selfHelp'}
                    error={errorOf('providerName')}
                    {...form.register('providerName')}
                  />
                )}
              </>
            )}
          </Stack>
        </Fieldset>
        <Fieldset legend={t('serviceForm.sectionForWhom')}>
          <Stack>
            <Controller
              control={form.control}
              name="cooperationAreas"
              render={({ field }) => (
                <Checkbox.Group
                  label={t('basket.areas')}
                  required
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
            <Controller
              control={form.control}
              name="targetGroups"
              render={({ field }) => (
                <Checkbox.Group
                  label={t('basket.targetGroups')}
                  required
                  error={errorOf('targetGroups')}
                  value={field.value}
                  onChange={(value) => field.onChange(value as TargetGroup[])}
                >
                  <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} mt="xs">
                    {targetGroups.map((group) => (
                      <Checkbox key={group} value={group} label={t(`targetGroups.${group}`)} />
                    ))}
                  </SimpleGrid>
                </Checkbox.Group>
              )}
            />
            <Textarea
              label={t('basket.eligibility')}
              autosize
              minRows={2}
              error={errorOf('eligibility')}
              {...form.register('eligibility')}
            />
          </Stack>
        </Fieldset>
        <Fieldset legend={t('serviceForm.sectionAccess')}>
          <Stack>
            <Textarea
              label={t('basket.access')}
              autosize
              minRows={2}
              error={errorOf('accessDescription')}
              {...form.register('accessDescription')}
            />
            <Checkbox label={t('serviceForm.isReferralRequired')} {...form.register('isReferralRequired')} />
            {isReferralRequired && (
              <TextInput
                label={t('serviceForm.referralBy')}
                error={errorOf('referralBy')}
                {...form.register('referralBy')}
              />
            )}
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <NativeSelect
                label={t('basket.cost')}
                required
                error={errorOf('cost')}
                data={enumOptions(t, 'costs', serviceCosts, t('common.choose'))}
                {...form.register('cost')}
              />
              <TextInput
                label={t('serviceForm.costDescription')}
                error={errorOf('costDescription')}
                {...form.register('costDescription')}
              />
            </SimpleGrid>
          </Stack>
        </Fieldset>
        <Fieldset legend={t('serviceForm.sectionPlace')}>
          <Stack>
            <NativeSelect
              label={t('serviceForm.locationKind')}
              required
              error={errorOf('locationKind')}
              data={enumOptions(t, 'locationKinds', locationKinds)}
              {...form.register('locationKind')}
            />
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
            {locationKind === 'address' && (
              <Controller
                control={form.control}
                name="territoryCode"
                render={({ field }) => (
                  <TerritorySelect
                    label={t('serviceForm.territory')}
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
            <Controller
              control={form.control}
              name="reach"
              render={({ field }) => <ReachPicker value={field.value} onChange={field.onChange} error={reachError} />}
            />
          </Stack>
        </Fieldset>
        <Fieldset legend={t('serviceForm.sectionWhen')}>
          <Stack>
            <Textarea
              label={t('basket.schedule')}
              description={t('serviceForm.scheduleHint')}
              autosize
              minRows={2}
              error={errorOf('schedule')}
              {...form.register('schedule')}
            />
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput label={t('basket.capacity')} error={errorOf('capacity')} {...form.register('capacity')} />
              <TextInput
                label={t('serviceForm.waitingTimeDays')}
                inputMode="numeric"
                error={errorOf('waitingTimeDays')}
                {...form.register('waitingTimeDays')}
              />
            </SimpleGrid>
          </Stack>
        </Fieldset>
        <Fieldset legend={t('serviceForm.sectionContact')}>
          <Stack>
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <TextInput
                label={t('basket.contactName')}
                error={errorOf('contactName')}
                {...form.register('contactName')}
              />
              <TextInput
                label={t('basket.contactPhone')}
                type="tel"
                error={errorOf('contactPhone')}
                {...form.register('contactPhone')}
              />
              <TextInput
                label={t('basket.contactEmail')}
                type="email"
                error={errorOf('contactEmail')}
                {...form.register('contactEmail')}
              />
            </SimpleGrid>
            <Controller
              control={form.control}
              name="languages"
              render={({ field }) => (
                <Checkbox.Group
                  label={t('basket.languages')}
                  required
                  error={errorOf('languages')}
                  value={field.value}
                  onChange={field.onChange}
                >
                  <Group mt="xs">
                    {[...new Set([...languageChoices, ...field.value])].map((code) => (
                      <Checkbox key={code} value={code} label={languageName(code, currentLanguage())} />
                    ))}
                  </Group>
                </Checkbox.Group>
              )}
            />
            <Checkbox label={t('serviceForm.isAccessible')} {...form.register('isAccessible')} />
            <Textarea
              label={t('serviceForm.accessibilityDescription')}
              autosize
              minRows={2}
              error={errorOf('accessibilityDescription')}
              {...form.register('accessibilityDescription')}
            />
          </Stack>
        </Fieldset>
        <Group>
          <Button type="submit" loading={form.formState.isSubmitting}>
            {props.mode === 'create' ? t('serviceForm.create') : t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
