import { Anchor, Button, Group, NativeSelect, SimpleGrid, Stack, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { Controller } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import {
  AddMemberInput,
  UpdateMemberInput,
  memberStatuses,
  type Partnership,
  type PartnershipMember,
} from '../../../shared/src/contracts/partnerships';
import { DateInput } from '../modules/common/date-input';
import { formatDate, parseDisplayDate } from '../modules/common/format';
import { applyServerErrors, useContractForm, useFieldError, type LeftoverFieldError } from '../modules/common/forms';
import { enumOptions } from '../modules/common/labels';
import { QueryState } from '../modules/common/loading';
import { ProblemAlert } from '../modules/common/problem-alert';
import { InstitutionSelect } from '../modules/institutions/institution-select';
import { PageTitle } from '../modules/layout/page-title';
import { useAddMember, usePartnership, useUpdateMember } from '../modules/partnerships/partnerships-api';
import { paths } from '../paths';

type MemberFormValues = {
  institutionId?: string;
  status: string;
  declarationDate: string;
  representativeName: string;
  representativePosition: string;
  representativeEmail: string;
  representativePhone: string;
};

const fieldNames = [
  'institutionId',
  'status',
  'declarationDate',
  'representativeName',
  'representativePosition',
  'representativeEmail',
  'representativePhone',
] as const;

function MemberForm({ partnership, member }: { partnership: Partnership; member?: PartnershipMember }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const addMember = useAddMember(partnership.id);
  const updateMember = useUpdateMember(partnership.id, member?.id ?? '');
  const schema = member ? UpdateMemberInput : AddMemberInput;
  const form = useContractForm<typeof schema, MemberFormValues>(schema, {
    defaultValues: {
      ...(member ? {} : { institutionId: '' }),
      status: member?.status ?? 'participating',
      declarationDate: formatDate(member?.declarationDate),
      representativeName: member?.representativeName ?? '',
      representativePosition: member?.representativePosition ?? '',
      representativeEmail: member?.representativeEmail ?? '',
      representativePhone: member?.representativePhone ?? '',
    },
    prepare: (values) => ({ ...values, declarationDate: parseDisplayDate(values.declarationDate) }),
  });
  const errorOf = useFieldError(form);
  const [problem, setProblem] = useState<unknown>(null);
  const [leftovers, setLeftovers] = useState<LeftoverFieldError[]>([]);
  const onSubmit = form.handleSubmit(async (values) => {
    setProblem(null);
    try {
      if (member) await updateMember.mutateAsync(values);
      else await addMember.mutateAsync(values as never);
      navigate(paths.partnership(partnership.id));
    } catch (error) {
      setLeftovers(applyServerErrors(error, form, fieldNames));
      setProblem(error);
    }
  });
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack>
        {problem ? <ProblemAlert error={problem} leftovers={leftovers} /> : null}
        {!member && (
          <Controller
            control={form.control}
            name="institutionId"
            render={({ field }) => (
              <InstitutionSelect
                label={t('partnerships.institution')}
                required
                value={field.value || null}
                onChange={(value) => field.onChange(value ?? '')}
                onBlur={field.onBlur}
                error={errorOf('institutionId')}
              />
            )}
          />
        )}
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <NativeSelect
            label={t('partnerships.status')}
            required
            error={errorOf('status')}
            data={enumOptions(t, 'memberStatuses', memberStatuses)}
            {...form.register('status')}
          />
          <DateInput
            label={t('partnerships.declarationDate')}
            error={errorOf('declarationDate')}
            {...form.register('declarationDate')}
          />
        </SimpleGrid>
        <Title order={2} size="h3" mt="md">
          {t('partnerships.representative')}
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            label={t('partnerships.representativeName')}
            error={errorOf('representativeName')}
            {...form.register('representativeName')}
          />
          <TextInput
            label={t('partnerships.representativePosition')}
            error={errorOf('representativePosition')}
            {...form.register('representativePosition')}
          />
          <TextInput
            label={t('institutions.email')}
            type="email"
            error={errorOf('representativeEmail')}
            {...form.register('representativeEmail')}
          />
          <TextInput
            label={t('institutions.phone')}
            type="tel"
            error={errorOf('representativePhone')}
            {...form.register('representativePhone')}
          />
        </SimpleGrid>
        <Group mt="md">
          <Button type="submit" loading={form.formState.isSubmitting}>
            {member ? t('common.save') : t('partnerships.addMember')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** /partnerstwa/:id/dodaj-instytucje ("Dodaj instytucję") and /partnerstwa/:id/czlonkowie/:memberId (status edit). */
export function MemberFormPage() {
  const { t } = useTranslation();
  const { id, memberId } = useParams();
  const query = usePartnership(id);
  return (
    <QueryState query={query}>
      {(partnership) => {
        const member = memberId ? partnership.members.find((m) => m.id === memberId) : undefined;
        const title = member
          ? t('partnerships.editMemberTitle', { name: member.institutionName })
          : t('partnerships.addMemberTitle', { name: partnership.name });
        return (
          <>
            <PageTitle title={title} />
            <Anchor component={Link} to={paths.partnership(partnership.id)} mb="md" display="inline-block">
              {t('partnerships.backToPartnership')}
            </Anchor>
            {memberId && !member ? (
              <ProblemAlert error={new Error('member')} title={t('notFound.title')} />
            ) : (
              <MemberForm key={member?.id ?? 'new'} partnership={partnership} member={member} />
            )}
          </>
        );
      }}
    </QueryState>
  );
}
