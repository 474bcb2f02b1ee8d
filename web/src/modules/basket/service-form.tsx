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
import { Controller, type UseFormReturn } from 'react-hook-form';
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
  type TargetGroup,
} from '../../../../shared/src/contracts/basket';
import { languageName } from '../../../../shared/src/language-names';
import { currentLanguage } from '../../i18n/i18n';
import { applyServerErrors, useContractForm, useFieldError, type LeftoverFieldError } from '../common/forms';
import { enumOptions } from '../common/labels';
import { ProblemAlert } from '../common/problem-alert';
import { InstitutionSelect } from '../institutions/institution-select';
import { TerritorySelect } from '../territories/territory-select';
import { ReachPicker } from './reach-picker';
import {
  prepareServiceValues,
  serviceFormValuesOf,
  type FixedProvider,
  type ServiceFormValues,
} from './service-form-values';

export type { FixedProvider, ServiceFormValues } from './service-form-values';

const languageChoices = ['pl', 'uk', 'en', 'ru', 'de', 'be'] as const;

const fieldNames = serviceCardFields;

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
    defaultValues: serviceFormValuesOf(props.service, props.fixedProvider),
    prepare: (values) => prepareServiceValues(values, extra),
  });
  const errorOf = useFieldError(form);
  const [problem, setProblem] = useState<unknown>(null);
  const [leftovers, setLeftovers] = useState<LeftoverFieldError[]>([]);
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
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack>
        {problem ? <ProblemAlert error={problem} leftovers={leftovers} /> : null}
        <Text size="sm">{t('serviceForm.requiredHint')}</Text>
        <ServiceCardFieldsets
          form={form}
          errorOf={errorOf}
          service={props.service}
          isProviderFixed={Boolean(props.fixedProvider) && props.mode === 'create'}
          fixedProvider={props.fixedProvider}
        />
        <Group>
          <Button type="submit" loading={form.formState.isSubmitting}>
            {props.mode === 'create' ? t('serviceForm.create') : t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

type ServiceCardFieldsetsProps<TOutput> = {
  /** The form holding ServiceFormValues (a change request's form holds a few more fields of its own). */
  form: UseFormReturn<ServiceFormValues, unknown, TOutput>;
  errorOf: (name: string) => string | undefined;
  /** The card being edited or changed: the provider's and the gmina's names to show at first. */
  service?: Service | undefined;
  isProviderFixed: boolean;
  fixedProvider: FixedProvider | null;
};

/**
 * The card's inputs, section by section: the one set of fields that the card form and a proposed
 * change (change-request-modal.tsx) both show, so a change can be proposed for every field.
 */
export function ServiceCardFieldsets<TOutput>({
  form,
  errorOf,
  service,
  isProviderFixed,
  fixedProvider,
}: ServiceCardFieldsetsProps<TOutput>) {
  const { t } = useTranslation();
  const origin = form.watch('origin');
  const locationKind = form.watch('locationKind');
  const isReferralRequired = form.watch('isReferralRequired');
  const providerInitial = service?.providerInstitutionId
    ? { value: service.providerInstitutionId, label: service.providerName }
    : null;
  const territoryInitial = service?.territoryCode
    ? { value: service.territoryCode, label: service.territoryName ?? service.territoryCode }
    : null;
  const reachError = errorOf('reach') ?? errorOf('reachCodes') ?? errorOf('reachKind');
  return (
    <>
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
          {isProviderFixed && fixedProvider ? (
            <Text>
              <strong>{t('basket.provider')}:</strong> {fixedProvider.name} ({t('origins.partner')})
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
          <Text size="sm">{t('changeRequestDecision.contactHint')}</Text>
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
    </>
  );
}
