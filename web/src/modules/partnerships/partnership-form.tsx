import { Button, Group, MultiSelect, NativeSelect, SimpleGrid, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useState } from 'react';
import { Controller } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { leaderInstitutionKinds, modelVariants } from '../../../../shared/src/contracts/common';
import {
  CreatePartnershipInput,
  UpdatePartnershipInput,
  partnershipStages,
  type Partnership,
} from '../../../../shared/src/contracts/partnerships';
import { useSignedInMe } from '../accounts/session';
import { DateInput } from '../common/date-input';
import { formatDate, parseDisplayDate } from '../common/format';
import { applyServerErrors, useContractForm, useFieldError, type LeftoverFieldError } from '../common/forms';
import { enumOptions } from '../common/labels';
import { ProblemAlert } from '../common/problem-alert';
import { InstitutionSelect } from '../institutions/institution-select';
import { TerritorySelect } from '../territories/territory-select';
import { useUsers } from '../accounts/users-api';

type PartnershipFormValues = {
  name: string;
  territoryCode: string;
  areaDescription: string;
  modelVariant: string;
  leaderInstitutionId: string;
  establishedOn: string;
  coordinatorUserIds: string[];
  stage?: string;
  version?: number;
};

const fieldNames = [
  'name',
  'territoryCode',
  'areaDescription',
  'modelVariant',
  'leaderInstitutionId',
  'establishedOn',
  'coordinatorUserIds',
  'stage',
  'version',
] as const;

type PartnershipFormProps =
  | {
      mode: 'create';
      partnership?: undefined;
      onSubmit: (values: z.output<typeof CreatePartnershipInput>) => Promise<unknown>;
    }
  | {
      mode: 'edit';
      partnership: Partnership;
      onSubmit: (values: z.output<typeof UpdatePartnershipInput>) => Promise<unknown>;
    };

/** Coordinators: an administrator picks users of the leader institution; others coordinate themselves. */
function CoordinatorPicker({
  leaderInstitutionId,
  value,
  onChange,
  error,
  initial,
}: {
  leaderInstitutionId: string;
  value: string[];
  onChange: (value: string[]) => void;
  error?: string;
  initial: Array<{ value: string; label: string }>;
}) {
  const { t } = useTranslation();
  const users = useUsers({ institutionId: leaderInstitutionId || undefined, pageSize: 100 });
  const options = (users.data?.items ?? [])
    .filter((user) => user.isActive)
    .map((user) => ({ value: user.id, label: `${user.displayName} (${user.email})` }));
  for (const option of initial) if (!options.some((o) => o.value === option.value)) options.push(option);
  return (
    <MultiSelect
      label={t('partnerships.coordinators')}
      description={t('partnerships.coordinatorsHint')}
      required
      data={options}
      value={value}
      onChange={onChange}
      maxValues={2}
      searchable
      error={error}
      nothingFoundMessage={t('common.noResults')}
    />
  );
}

export function PartnershipForm(props: PartnershipFormProps) {
  const { t } = useTranslation();
  const me = useSignedInMe();
  const isAdmin = me.abilities.manageUsers;
  const partnership = props.partnership;
  const schema = props.mode === 'create' ? CreatePartnershipInput : UpdatePartnershipInput;
  const leaderInitial = partnership
    ? { value: partnership.leaderInstitutionId, label: partnership.leaderInstitutionName }
    : me.activeMembership && leaderInstitutionKinds.includes(me.activeMembership.institutionKind)
      ? { value: me.activeMembership.institutionId, label: me.activeMembership.institutionName }
      : null;
  const form = useContractForm<typeof schema, PartnershipFormValues>(schema, {
    defaultValues: {
      name: partnership?.name ?? '',
      territoryCode: partnership?.territoryCode ?? '',
      areaDescription: partnership?.areaDescription ?? '',
      modelVariant: partnership?.modelVariant ?? '',
      leaderInstitutionId: leaderInitial?.value ?? '',
      establishedOn: formatDate(partnership?.establishedOn),
      coordinatorUserIds: partnership ? partnership.coordinators.map((c) => c.userId) : [me.id],
      ...(partnership ? { stage: partnership.stage, version: partnership.version } : {}),
    },
    prepare: (values) => {
      const { coordinatorUserIds, ...rest } = values;
      const prepared: Record<string, unknown> = { ...rest, establishedOn: parseDisplayDate(values.establishedOn) };
      // Only an administrator changes coordinators after creation; others keep the current ones.
      if (props.mode === 'create' || isAdmin) prepared.coordinatorUserIds = coordinatorUserIds;
      return prepared;
    },
  });
  const errorOf = useFieldError(form);
  const [problem, setProblem] = useState<unknown>(null);
  const [leftovers, setLeftovers] = useState<LeftoverFieldError[]>([]);
  const leaderInstitutionId = form.watch('leaderInstitutionId');
  const onSubmit = form.handleSubmit(async (values) => {
    setProblem(null);
    try {
      await (props.onSubmit as (body: unknown) => Promise<unknown>)(values);
    } catch (error) {
      setLeftovers(applyServerErrors(error, form, fieldNames));
      setProblem(error);
    }
  });
  const coordinatorsInitial = (partnership?.coordinators ?? []).map((c) => ({ value: c.userId, label: c.displayName }));
  // Gmina and leader decide access: read-only after founding to anyone but the administrator (sent
  // back unchanged; the server refuses a change by anyone else with 403 naming the field).
  const isAccessReadOnly = props.mode === 'edit' && !isAdmin;
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack>
        {problem ? <ProblemAlert error={problem} leftovers={leftovers} /> : null}
        <TextInput label={t('partnerships.name')} required error={errorOf('name')} {...form.register('name')} />
        {isAccessReadOnly ? (
          <TextInput
            label={t('partnerships.gmina')}
            readOnly
            value={partnership?.territoryName ?? ''}
            aria-describedby="partnership-access-fields-hint"
          />
        ) : (
          <Controller
            control={form.control}
            name="territoryCode"
            render={({ field }) => (
              <TerritorySelect
                label={t('partnerships.gmina')}
                required
                value={field.value || null}
                onChange={(value) => field.onChange(value ?? '')}
                onBlur={field.onBlur}
                error={errorOf('territoryCode')}
                initialOption={
                  partnership ? { value: partnership.territoryCode, label: partnership.territoryName } : null
                }
              />
            )}
          />
        )}
        <Textarea
          label={t('partnerships.areaDescription')}
          description={t('partnerships.areaDescriptionHint')}
          autosize
          minRows={2}
          error={errorOf('areaDescription')}
          {...form.register('areaDescription')}
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <NativeSelect
            label={t('partnerships.modelVariant')}
            required
            error={errorOf('modelVariant')}
            data={enumOptions(t, 'modelVariants', modelVariants, t('common.choose'))}
            {...form.register('modelVariant')}
          />
          <DateInput
            label={t('partnerships.establishedOn')}
            error={errorOf('establishedOn')}
            {...form.register('establishedOn')}
          />
        </SimpleGrid>
        {props.mode === 'edit' && (
          <NativeSelect
            label={t('partnerships.stage')}
            error={errorOf('stage')}
            data={enumOptions(t, 'stages', partnershipStages)}
            {...form.register('stage')}
          />
        )}
        {isAccessReadOnly ? (
          <>
            <TextInput
              label={t('partnerships.leader')}
              readOnly
              value={partnership?.leaderInstitutionName ?? ''}
              aria-describedby="partnership-access-fields-hint"
            />
            <Text id="partnership-access-fields-hint" size="sm" c="dimmed">
              {t('partnerships.accessFieldsAdminOnly')}
            </Text>
          </>
        ) : (
          <Controller
            control={form.control}
            name="leaderInstitutionId"
            render={({ field }) => (
              <InstitutionSelect
                label={t('partnerships.leader')}
                description={t('partnerships.leaderHint')}
                required
                kinds={leaderInstitutionKinds}
                value={field.value || null}
                onChange={(value) => field.onChange(value ?? '')}
                onBlur={field.onBlur}
                error={errorOf('leaderInstitutionId')}
                initialOption={leaderInitial}
              />
            )}
          />
        )}
        {isAdmin ? (
          <Controller
            control={form.control}
            name="coordinatorUserIds"
            render={({ field }) => (
              <CoordinatorPicker
                leaderInstitutionId={leaderInstitutionId}
                value={field.value}
                onChange={field.onChange}
                error={errorOf('coordinatorUserIds')}
                initial={coordinatorsInitial}
              />
            )}
          />
        ) : (
          <div>
            <Text fw={500} size="sm">
              {t('partnerships.coordinators')}
            </Text>
            <Text size="sm">
              {partnership
                ? partnership.coordinators.map((c) => c.displayName).join(', ')
                : t('partnerships.youCoordinate', { name: me.displayName })}
            </Text>
            {errorOf('coordinatorUserIds') && (
              <Text size="sm" c="red.9" role="alert">
                {errorOf('coordinatorUserIds')}
              </Text>
            )}
          </div>
        )}
        <Group mt="md">
          <Button type="submit" loading={form.formState.isSubmitting}>
            {props.mode === 'create' ? t('partnerships.create') : t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
