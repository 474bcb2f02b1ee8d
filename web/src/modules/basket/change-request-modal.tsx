import { Button, Group, Modal, Radio, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CreateChangeRequestInput } from '../../../../shared/src/contracts/basket';
import { applyServerErrors, useContractForm, useFieldError, type LeftoverFieldError } from '../common/forms';
import { ProblemAlert } from '../common/problem-alert';
import { useCreateChangeRequest } from './basket-api';

type Values = {
  kind: 'newService' | 'change' | 'withdrawal';
  justification: string;
  name: string;
  description: string;
  providerName: string;
  schedule: string;
  contactPhone: string;
  contactEmail: string;
};

type Props = {
  partnershipId: string;
  /** The service to change; none for a proposed new service. */
  service?: { id: string; name: string };
  opened: boolean;
  onClose: () => void;
};

const proposalKeys = ['name', 'description', 'providerName', 'schedule', 'contactPhone', 'contactEmail'] as const;

/** Only the fields the user filled in (the parsed schema would add defaults such as languages: ['pl']). */
function proposalOf(values: Values): Record<string, string> {
  const proposal: Record<string, string> = {};
  if (values.kind === 'withdrawal') return proposal;
  for (const key of proposalKeys) if (values[key].trim()) proposal[key] = values[key].trim();
  return proposal;
}

/** "Zaproponuj zmianę": anyone in the partnership proposes a change, a withdrawal or a new service. */
export function ChangeRequestModal({ partnershipId, service, opened, onClose }: Props) {
  const { t } = useTranslation();
  const create = useCreateChangeRequest();
  const [problem, setProblem] = useState<unknown>(null);
  const [leftovers, setLeftovers] = useState<LeftoverFieldError[]>([]);
  const [isSent, setIsSent] = useState(false);
  const form = useContractForm<typeof CreateChangeRequestInput, Values>(CreateChangeRequestInput, {
    defaultValues: {
      kind: service ? 'change' : 'newService',
      justification: '',
      name: '',
      description: '',
      providerName: '',
      schedule: '',
      contactPhone: '',
      contactEmail: '',
    },
    prepare: (values) => ({
      partnershipId,
      kind: values.kind,
      serviceId: service?.id ?? null,
      justification: values.justification,
      proposal: proposalOf(values),
    }),
  });
  const errorOf = useFieldError(form);
  const kind = form.watch('kind');
  const close = () => {
    form.reset();
    setIsSent(false);
    setProblem(null);
    onClose();
  };
  const onSubmit = form.handleSubmit(async (values) => {
    setProblem(null);
    try {
      await create.mutateAsync({ ...values, proposal: proposalOf(form.getValues()) });
      setIsSent(true);
    } catch (error) {
      setLeftovers(applyServerErrors(error, form, ['justification', 'kind']));
      setProblem(error);
    }
  });
  const proposalError = (key: string) => errorOf(`proposal.${key}`) ?? errorOf(key);
  return (
    <Modal
      opened={opened}
      onClose={close}
      size="lg"
      closeButtonProps={{ 'aria-label': t('common.close') }}
      title={service ? t('changeRequests.proposeFor', { name: service.name }) : t('changeRequests.proposeNew')}
    >
      {isSent ? (
        <Stack>
          <Text role="status">{t('changeRequests.sent')}</Text>
          <Group>
            <Button onClick={close}>{t('common.close')}</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={onSubmit} noValidate>
          <Stack>
            {problem ? <ProblemAlert error={problem} leftovers={leftovers} /> : null}
            {service && (
              <Radio.Group
                label={t('changeRequests.kind')}
                value={kind}
                onChange={(value) => form.setValue('kind', value as Values['kind'])}
              >
                <Group mt="xs">
                  <Radio value="change" label={t('changeRequestKinds.change')} />
                  <Radio value="withdrawal" label={t('changeRequestKinds.withdrawal')} />
                </Group>
              </Radio.Group>
            )}
            {kind !== 'withdrawal' && (
              <>
                <Text size="sm">{t('changeRequests.proposalHint')}</Text>
                <TextInput
                  label={t('serviceForm.name')}
                  required={!service}
                  error={proposalError('name')}
                  {...form.register('name')}
                />
                <Textarea
                  label={t('serviceForm.description')}
                  autosize
                  minRows={2}
                  error={proposalError('description')}
                  {...form.register('description')}
                />
                {!service && (
                  <TextInput
                    label={t('serviceForm.providerName')}
                    error={proposalError('providerName')}
                    {...form.register('providerName')}
                  />
                )}
                <TextInput
                  label={t('basket.schedule')}
                  error={proposalError('schedule')}
                  {...form.register('schedule')}
                />
                <Group grow>
                  <TextInput
                    label={t('basket.contactPhone')}
                    type="tel"
                    error={proposalError('contactPhone')}
                    {...form.register('contactPhone')}
                  />
                  <TextInput
                    label={t('basket.contactEmail')}
                    type="email"
                    error={proposalError('contactEmail')}
                    {...form.register('contactEmail')}
                  />
                </Group>
              </>
            )}
            <Textarea
              label={t('changeRequests.justification')}
              required
              autosize
              minRows={3}
              error={errorOf('justification')}
              {...form.register('justification')}
            />
            <Group>
              <Button type="submit" loading={create.isPending}>
                {t('changeRequests.send')}
              </Button>
              <Button variant="default" onClick={close}>
                {t('common.cancelShort')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

type ReasonModalProps = {
  opened: boolean;
  title: string;
  label: string;
  confirmLabel: string;
  isRequired?: boolean;
  isPending?: boolean;
  error?: unknown;
  onClose: () => void;
  onConfirm: (reason: string) => void;
};

/** Asks for a reason (suspend, withdraw, refuse) before an action. */
export function ReasonModal(props: ReasonModalProps) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [isMissing, setIsMissing] = useState(false);
  return (
    <Modal
      opened={props.opened}
      onClose={() => {
        setReason('');
        setIsMissing(false);
        props.onClose();
      }}
      title={props.title}
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (props.isRequired !== false && !reason.trim()) {
            setIsMissing(true);
            return;
          }
          props.onConfirm(reason.trim());
        }}
      >
        <Stack>
          {props.error ? <ProblemAlert error={props.error} /> : null}
          <Textarea
            label={props.label}
            required={props.isRequired !== false}
            autosize
            minRows={3}
            data-autofocus
            value={reason}
            error={isMissing ? t('fieldErrors.required') : undefined}
            onChange={(event) => {
              setReason(event.currentTarget.value);
              setIsMissing(false);
            }}
          />
          <Group>
            <Button type="submit" loading={props.isPending}>
              {props.confirmLabel}
            </Button>
            <Button variant="default" onClick={props.onClose}>
              {t('common.cancelShort')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
